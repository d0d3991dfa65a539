from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, Membership
from tests.accounts.mfa import enroll_totp


def test_a_role_change_through_the_portal_records_who_and_from_where(
    client, globex_main, globex_tech1
):
    membership = Membership.objects.get(user=globex_tech1)
    client.force_login(globex_main)
    client.post(
        reverse("member_edit", args=[membership.pk]),
        {"roles": ["technical_contact", "sales_contact"]},
        REMOTE_ADDR="203.0.113.9",
    )
    event = AuditEvent.objects.get(action="membership.roles_changed")
    assert (event.actor, event.ip_address) == (globex_main, "203.0.113.9")


def test_a_main_contact_sees_only_their_organizations_events(
    client, globex, globex_main, globex_tech1, initech, initech_main
):
    services.set_roles(
        Membership.objects.get(user=globex_tech1),
        ["technical_contact", "sales_contact"],
        actor=globex_main,
    )
    services.invite(initech, "x@initech.example", roles=[], actor=initech_main)
    client.force_login(globex_main)
    events = list(client.get(reverse("audit_log")).context["events"])
    assert {e.organization for e in events} == {globex}


def test_a_technical_contact_has_no_audit_page(client, globex_tech1):
    client.force_login(globex_tech1)
    assert client.get(reverse("audit_log")).status_code == 404


def test_staff_see_every_organizations_events(
    client, partner_manager, globex, globex_main, initech, initech_main
):
    services.invite(globex, "x@globex.example", roles=[], actor=globex_main)
    services.invite(initech, "x@initech.example", roles=[], actor=initech_main)
    enroll_totp(partner_manager)
    client.force_login(partner_manager)
    events = list(client.get(reverse("audit_log")).context["events"])
    assert {e.organization for e in events} == {globex, initech}
