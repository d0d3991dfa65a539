"""Fixtures named for the people of SPEC.md, and the real services the suite needs.

With REQUIRE_SERVICES=1 (set by `make test` and .ci/run) a missing PostgreSQL
or Redis fails the run at once instead of letting tests pass on SQLite.
"""

import os

import pytest
from django.conf import settings

from partnerportal.celery import app as celery_app
from tests import factories


def pytest_configure(config):
    # Plain HTTP on loopback in tests: no HTTPS redirect, cookies over http.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py).
    celery_app.conf.task_always_eager = True


def pytest_collection_modifyitems(items):
    """Every transactional test restores what the migrations loaded (plans, staff groups
    and their permissions) instead of flushing it away for the tests after it. Mixing
    the two kinds breaks Django's restore (content types get new ids), so it is all."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction"):
            item.add_marker(
                pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}),
                append=False,
            )


@pytest.fixture(scope="session", autouse=True)
def _required_services(django_db_setup, django_db_blocker):
    if os.environ.get("REQUIRE_SERVICES") != "1":
        return
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit(f"REQUIRE_SERVICES=1 but the database is {connection.vendor}", returncode=3)
    if not settings.REDIS_URL:
        pytest.exit("REQUIRE_SERVICES=1 but REDIS_URL is not set", returncode=3)
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.exit(f"REQUIRE_SERVICES=1 but Redis does not answer: {error}", returncode=3)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (allauth) must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            pytest.fail("This test proves a PostgreSQL behaviour: set DATABASE_URL to PostgreSQL.")


# --- The people of SPEC.md ------------------------------------------------------


@pytest.fixture
def vendor(db):
    return factories.OrganizationFactory(name="OpenNebula Systems", kind="vendor")


@pytest.fixture
def partner_manager(vendor):
    return factories.staff_member(vendor, "admin@opennebula.example")


@pytest.fixture
def sales_ops(vendor):
    return factories.staff_member(vendor, "sales@opennebula.example", "Sales operations")


@pytest.fixture
def support_engineer(vendor):
    return factories.staff_member(vendor, "support@opennebula.example", "Support engineers")


@pytest.fixture
def globex(db):
    return factories.OrganizationFactory(name="Globex", kind="customer")


@pytest.fixture
def globex_main(globex):
    return factories.member(globex, "main@globex.example", "main_contact", "org_admin").user


@pytest.fixture
def globex_tech1(globex):
    return factories.member(globex, "tech1@globex.example", "technical_contact").user


@pytest.fixture
def initech(db):
    return factories.OrganizationFactory(name="Initech", kind="customer")


@pytest.fixture
def initech_main(initech):
    return factories.member(initech, "main@initech.example", "main_contact", "org_admin").user


@pytest.fixture
def acme(db):
    return factories.OrganizationFactory(name="Acme Cloud", kind="partner")


@pytest.fixture
def acme_main(acme):
    return factories.member(acme, "main@acme.example", "main_contact", "org_admin").user
