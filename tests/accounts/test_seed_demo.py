from io import StringIO

from django.apps import apps
from django.core.management import call_command

from accounts.models import Membership


def row_counts():
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    first = row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert row_counts() == first


def test_seed_demo_creates_the_people_of_the_spec(db):
    call_command("seed_demo", stdout=StringIO())
    globex = {m.user.email: m.roles for m in Membership.objects.filter(organization__name="Globex")}
    assert globex["main@globex.example"][0:2] == ["org_admin", "main_contact"]
    assert globex["tech1@globex.example"] == ["technical_contact"]
    assert globex["billing@globex.example"] == ["administrative_contact"]
