"""Demo data of the billing app, loaded by `manage.py seed_demo` (must be idempotent)."""


def seed(people):
    """`people` maps demo emails to users and names to organizations (see seed_demo)."""
