"""Upgrade, downgrade, suspension: each with a reason, audited, emailed, kept as history."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from programs import services
from programs.models import UpgradeRequest
from tests.programs import builders


@pytest.fixture
def acme_strategic(acme, acme_main, partner_manager):
    from accounts import services as accounts_services

    enrollment = builders.enrollment(acme, tier_code="strategic", track="sp")
    accounts_services.assign_account_manager(acme, partner_manager, actor=partner_manager)
    return enrollment


def test_staff_downgrade_a_strategic_partner_with_a_reason(
    client, partner_manager, acme_strategic, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(partner_manager)
    url = reverse("staff_partner_downgrade", args=[acme_strategic.pk])
    page = client.get(url).content.decode()
    assert "Yes, downgrade" in page and "Standard" in page
    assert "reason" in client.post(url, {"reason": ""}).context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Revenue fell below $100,000."})
    acme_strategic.refresh_from_db()
    assert acme_strategic.tier.code == "standard" and acme_strategic.status == "authorized"
    event = acme_strategic.events.first()
    assert (event.kind, event.from_tier.code, event.to_tier.code) == (
        "downgraded",
        "strategic",
        "standard",
    )
    assert event.actor == partner_manager and event.reason == "Revenue fell below $100,000."
    audit = AuditEvent.objects.get(action="enrollment.downgraded")
    assert audit.changes["tier_before"] == "strategic" and audit.changes["tier"] == "standard"
    recipients = {m.to[0] for m in mailoutbox}
    assert recipients == {"main@acme.example", partner_manager.email}
    assert all("Revenue fell below $100,000." in m.body for m in mailoutbox)


def test_the_partner_then_sees_standard_with_the_strategic_benefits_inactive(
    client, acme_main, partner_manager, acme_strategic
):
    services.downgrade(acme_strategic, actor=partner_manager, reason="Revenue below target.")
    client.force_login(acme_main)
    response = client.get(reverse("partner_status"))
    status = response.context["statuses"][0][0]
    assert status.enrollment.tier.name == "Standard"
    inactive = {line.benefit.code for line in status.inactive_benefits}
    assert {"deal_registration", "volume_discount", "strategic_logo"} <= inactive
    assert "Revenue below target." in response.content.decode()


def test_the_lowest_tier_cannot_be_downgraded(partner_manager, acme):
    enrollment = builders.enrollment(acme)
    with pytest.raises(services.InvalidTransition):
        services.downgrade(enrollment, actor=partner_manager, reason="x")


def test_staff_suspend_and_reinstate_with_reasons(client, partner_manager, acme_strategic):
    client.force_login(partner_manager)
    client.post(
        reverse("staff_partner_suspend", args=[acme_strategic.pk]),
        {"reason": "Distributes the community edition to customers."},
    )
    acme_strategic.refresh_from_db()
    assert acme_strategic.status == "suspended"
    client.post(
        reverse("staff_partner_reinstate", args=[acme_strategic.pk]),
        {"reason": "Moved every customer to the Enterprise Edition."},
    )
    acme_strategic.refresh_from_db()
    assert acme_strategic.status == "authorized"
    assert list(acme_strategic.events.values_list("kind", flat=True)[:2]) == [
        "reinstated",
        "suspended",
    ]


def test_only_staff_with_the_permission_change_a_tier(
    client, support_engineer, acme_main, acme_strategic
):
    for user in (support_engineer, acme_main):
        client.force_login(user)
        response = client.post(
            reverse("staff_partner_downgrade", args=[acme_strategic.pk]), {"reason": "x"}
        )
        assert response.status_code == 404
    acme_strategic.refresh_from_db()
    assert acme_strategic.tier.code == "strategic"


def test_a_partner_meeting_strategic_requests_an_upgrade_and_staff_approve_it(
    client,
    acme,
    acme_main,
    partner_manager,
    revenues,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme, tier_code="strategic")
    revenues[acme] = Decimal("125000")
    client.force_login(acme_main)
    page = client.get(reverse("partner_status")).content.decode()
    assert "Request the upgrade to Strategic" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partner_request_upgrade", args=[enrollment.pk]))
    upgrade = UpgradeRequest.objects.get()
    assert upgrade.status == "pending" and upgrade.to_tier.code == "strategic"
    assert mailoutbox[-1].to == [partner_manager.email]

    client.force_login(partner_manager)
    client.post(reverse("staff_upgrade_approve", args=[upgrade.pk]))
    enrollment.refresh_from_db()
    assert enrollment.tier.code == "strategic"
    assert enrollment.events.first().kind == "upgraded"


def test_an_upgrade_cannot_be_requested_without_meeting_the_next_tier(client, acme, acme_main):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    client.force_login(acme_main)
    response = client.post(reverse("partner_request_upgrade", args=[enrollment.pk]), follow=True)
    assert "Meet every Strategic requirement first" in response.content.decode()
    assert not UpgradeRequest.objects.exists()


def test_staff_decline_an_upgrade_with_a_reason(acme, partner_manager, revenues):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme, tier_code="strategic")
    revenues[acme] = Decimal("125000")
    upgrade = services.request_upgrade(enrollment, actor=partner_manager)
    with pytest.raises(services.ProgramError):
        services.request_upgrade(enrollment, actor=partner_manager)
    services.decline_upgrade(upgrade, actor=partner_manager, reason="Revenue is one-off.")
    upgrade.refresh_from_db()
    enrollment.refresh_from_db()
    assert upgrade.status == "declined" and enrollment.tier.code == "standard"
    assert enrollment.events.first().reason == "Revenue is one-off."


def test_the_history_says_who_when_and_why(client, acme_main, partner_manager, acme_strategic):
    services.downgrade(acme_strategic, actor=partner_manager, reason="Revenue below target.")
    client.force_login(acme_main)
    page = client.get(reverse("partner_history", args=[acme_strategic.pk])).content.decode()
    assert "Downgraded" in page and "Revenue below target." in page
    assert "Strategic → Standard" in page and str(partner_manager) in page
