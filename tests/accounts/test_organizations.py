import pytest
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Membership, Role
from tests import factories


def test_an_organization_cannot_have_two_main_contacts(globex, globex_main):
    second = factories.member(globex, "other@globex.example")
    second.is_main_contact = True
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_an_organization_cannot_have_two_administrative_contacts(globex, globex_main):
    first = factories.member(globex, "billing@globex.example", "administrative_contact")
    second = factories.member(globex, "b2@globex.example")
    second.is_administrative_contact = True
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert Membership.objects.get(pk=first.pk).is_administrative_contact


def test_naming_a_new_administrative_contact_moves_the_role(globex, globex_main):
    first = factories.member(globex, "billing@globex.example", "administrative_contact")
    newcomer = factories.UserFactory(email="b2@globex.example")
    services.add_member(globex, newcomer, roles=[Role.ADMINISTRATIVE], actor=globex_main)
    holders = Membership.objects.for_organization(globex).filter(is_administrative_contact=True)
    assert [m.user for m in holders] == [newcomer]
    first.refresh_from_db()
    assert not first.is_administrative_contact


def test_handing_over_main_contact_leaves_exactly_one(globex, globex_main, globex_tech1):
    tech = Membership.objects.get(user=globex_tech1)
    services.hand_over_main_contact(globex, tech, actor=globex_main)
    mains = Membership.objects.for_organization(globex).main_contacts()
    assert [m.user for m in mains] == [globex_tech1]


def test_the_main_contact_cannot_be_removed(globex, globex_main):
    membership = Membership.objects.get(user=globex_main)
    with pytest.raises(services.DomainError, match="hand the role over"):
        services.remove_member(membership, actor=globex_main)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_roles_cannot_smuggle_in_a_second_main_contact(globex, globex_main, globex_tech1):
    tech = Membership.objects.get(user=globex_tech1)
    with pytest.raises(services.DomainError, match="Hand the Main Contact role over"):
        services.set_roles(tech, [Role.MAIN, Role.TECHNICAL], actor=globex_main)


def test_a_technical_contact_cannot_change_roles(globex, globex_main, globex_tech1):
    from django.core.exceptions import PermissionDenied

    tech = Membership.objects.get(user=globex_tech1)
    with pytest.raises(PermissionDenied):
        services.set_roles(tech, [Role.TECHNICAL, Role.ORG_ADMIN], actor=globex_tech1)
    tech.refresh_from_db()
    assert not tech.is_org_admin


def test_role_changes_are_audited_with_before_and_after(globex, globex_main, globex_tech1):
    from accounts.models import AuditEvent

    tech = Membership.objects.get(user=globex_tech1)
    services.set_roles(tech, [Role.TECHNICAL, Role.SALES], actor=globex_main)
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert event.actor == globex_main
    assert event.organization == globex
    assert event.changes == {
        "roles_before": ["technical_contact"],
        "roles": ["technical_contact", "sales_contact"],
    }
