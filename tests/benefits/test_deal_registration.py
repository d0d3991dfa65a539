"""Deal registration (guide: Deal Registration Program; Strategic Solution Services)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from benefits import services
from benefits.models import DealRegistration
from billing.models import Invoice, PartnerDiscount
from programs import services as programs
from programs.models import Enrollment
from tests import factories
from tests.benefits import builders
from tests.programs import builders as program_builders


def test_a_strategic_services_partner_registers_a_deal(client, acme_strategic, acme_main):
    client.force_login(acme_main)
    response = client.post(
        reverse("deal_new"),
        {
            "company_name": "Stark Industries",
            "country": "US",
            "contact_name": "Pepper Potts",
            "contact_email": "pepper@stark.example",
            "expected_value": "240000",
            "currency": "USD",
            "products": ["premium_subscription", "professional_services"],
            "expected_close_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    deal = DealRegistration.objects.get()
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    assert deal.partner == acme_strategic and deal.registered_by == acme_main
    assert deal.status == "submitted" and not deal.has_conflict
    assert deal.normalized_name == "stark industries" and deal.email_domain == "stark.example"


def test_the_form_refuses_a_close_date_in_the_past(client, acme_strategic, acme_main):
    client.force_login(acme_main)
    fields = builders.deal_fields(expected_close_on=date(2020, 1, 1).isoformat())
    response = client.post(reverse("deal_new"), fields)
    assert response.status_code == 200
    assert "The expected close date is in the past." in response.content.decode()
    assert not DealRegistration.objects.exists()


def test_a_standard_partner_is_told_deal_registration_is_not_in_its_tier(client, acme, acme_main):
    program_builders.enrollment(acme, "services", "standard", track="sp")
    client.force_login(acme_main)
    for url in (reverse("deal_list"), reverse("deal_new")):
        response = client.get(url)
        assert response.status_code == 404
        assert "Deal registration is not in your tier" in response.content.decode()


def test_a_strategic_reseller_has_no_deal_registration(acme, acme_main):
    program_builders.enrollment(acme, "reseller", "strategic", track="")
    with pytest.raises(services.NotEntitled):
        builders.register(acme, acme_main)


def test_a_technical_contact_does_not_register_deals(client, acme_strategic):
    tech = factories.member(acme_strategic, "tech@acme.example", "technical_contact").user
    client.force_login(tech)
    assert client.get(reverse("deal_list")).status_code == 200
    assert client.get(reverse("deal_new")).status_code == 404


# --- Conflicts ---------------------------------------------------------------------------


def test_the_same_customer_registered_by_another_partner_flags_both(
    client, acme_strategic, acme_main, stark_cloud, stark_cloud_main, partner_manager
):
    first = builders.register(acme_strategic, acme_main, "Stark Industries, Inc.")
    second = builders.register(stark_cloud, stark_cloud_main, "STARK INDUSTRIES", "tony@gmail.com")
    first.refresh_from_db()
    assert first.has_conflict and second.has_conflict
    client.force_login(partner_manager)
    page = client.get(reverse("staff_deal", args=[second.pk])).content.decode()
    assert "Deal registration</strong> by <strong>Acme Cloud" in page


def test_the_same_email_domain_under_another_name_is_a_conflict(
    acme_strategic, acme_main, stark_cloud, stark_cloud_main
):
    builders.register(acme_strategic, acme_main, "Stark Industries", "pepper@stark.example")
    other = builders.register(stark_cloud, stark_cloud_main, "SI Holdings", "happy@stark.example")
    assert other.has_conflict


def test_free_webmail_addresses_are_not_a_conflict(
    acme_strategic, acme_main, stark_cloud, stark_cloud_main
):
    builders.register(acme_strategic, acme_main, "Stark Industries", "pepper@gmail.com")
    other = builders.register(stark_cloud, stark_cloud_main, "Wayne Enterprises", "bruce@gmail.com")
    assert not other.has_conflict


def test_an_existing_customer_is_a_conflict_by_name_or_by_its_people(
    client, acme_strategic, acme_main, globex, globex_main, partner_manager
):
    globex.legal_name = "Globex Corporation"
    globex.save()
    by_name = builders.register(acme_strategic, acme_main, "Globex Corp.", "hank@other.example")
    by_domain = builders.register(acme_strategic, acme_main, "Globex EMEA", "cfo@globex.example")
    assert by_name.has_conflict and by_domain.has_conflict
    client.force_login(partner_manager)
    page = client.get(reverse("staff_deal", args=[by_domain.pk])).content.decode()
    assert "Already a customer</strong>: Globex" in page


def test_a_partners_own_registrations_do_not_conflict(acme_strategic, acme_main):
    builders.register(acme_strategic, acme_main)
    again = builders.register(acme_strategic, acme_main)
    assert not again.has_conflict


def test_staff_filter_the_queue_to_conflicts(
    client, acme_strategic, acme_main, stark_cloud, stark_cloud_main, partner_manager
):
    builders.register(acme_strategic, acme_main)
    builders.register(stark_cloud, stark_cloud_main)
    builders.register(acme_strategic, acme_main, "Wayne Enterprises", "lucius@wayne.example")
    client.force_login(partner_manager)
    page = client.get(reverse("staff_deals"), {"status": "submitted", "conflicts": "on"})
    assert {deal.company_name for deal in page.context["deals"]} == {"Stark Industries"}
    assert page.context["counts"]["conflicts"] == 2


# --- Review, protection, extension, expiry ------------------------------------------------


def test_approval_protects_the_customer_for_the_configured_days(
    settings, acme_strategic, acme_main, partner_manager
):
    settings.DEAL_PROTECTION_DAYS = 90
    deal = builders.register(acme_strategic, acme_main)
    deal = services.approve_deal(deal, actor=partner_manager, discount_percent=Decimal("7.5"))
    assert deal.status == "approved" and deal.is_protected
    assert deal.protected_until == timezone.localdate() + timedelta(days=90)
    assert deal.discount_percent == Decimal("7.5")
    mail = Notification.objects.get(template="benefits/deal_changed", recipient=acme_main.email)
    assert "protected for Acme Cloud until" in mail.body


def test_another_partners_protected_deal_blocks_approval(
    acme_strategic, acme_main, stark_cloud, stark_cloud_main, partner_manager
):
    services.approve_deal(builders.register(acme_strategic, acme_main), actor=partner_manager)
    late = builders.register(stark_cloud, stark_cloud_main, "Stark Industries Inc")
    with pytest.raises(services.BenefitError, match="protects this customer"):
        services.approve_deal(late, actor=partner_manager)
    services.reject_deal(late, actor=partner_manager, reason="Acme registered it first.")
    assert DealRegistration.objects.get(pk=late.pk).status == "rejected"


def test_a_rejection_needs_a_reason_and_tells_the_partner(
    client, acme_strategic, acme_main, partner_manager
):
    deal = builders.register(acme_strategic, acme_main)
    client.force_login(partner_manager)
    response = client.post(reverse("staff_deal_reject", args=[deal.pk]), {"reason": ""})
    assert response.status_code == 200 and DealRegistration.objects.get().status == "submitted"
    client.post(reverse("staff_deal_reject", args=[deal.pk]), {"reason": "Existing customer."})
    assert DealRegistration.objects.get().rejection_reason == "Existing customer."
    assert Notification.objects.filter(subject__startswith="Deal registration rejected").exists()


def test_staff_without_the_permission_cannot_approve(acme_strategic, acme_main, sales_ops):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.approve_deal(builders.register(acme_strategic, acme_main), actor=sales_ops)


def test_the_partner_extends_the_protection_once(
    client, settings, acme_strategic, acme_main, partner_manager
):
    settings.DEAL_EXTENSION_DAYS = 60
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )
    before = deal.protected_until
    client.force_login(acme_main)
    assert client.get(reverse("deal_extend", args=[deal.pk])).status_code == 200  # confirm first
    client.post(reverse("deal_extend", args=[deal.pk]))
    deal.refresh_from_db()
    assert deal.protected_until == before + timedelta(days=60) and deal.extended_at
    with pytest.raises(services.BenefitError, match="extended once"):
        services.extend_deal(deal, actor=acme_main)


def test_a_deal_is_told_before_and_at_expiry_once_each(
    settings, acme_strategic, acme_main, partner_manager
):
    settings.DEAL_EXPIRY_NOTICE_DAYS = 14
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )
    last_day = deal.protected_until

    assert services.expire_deals(last_day - timedelta(days=15)) == {"expiring": 0, "expired": 0}
    services.expire_deals(last_day - timedelta(days=14))
    services.expire_deals(last_day - timedelta(days=13))  # a second run adds nothing
    expiring = Notification.objects.filter(subject__startswith="Deal protection ends on")
    assert expiring.count() == 1

    services.expire_deals(last_day)
    assert DealRegistration.objects.get().status == "approved"  # protected through its last day
    assert services.expire_deals(last_day + timedelta(days=1))["expired"] == 1
    assert services.expire_deals(last_day + timedelta(days=2))["expired"] == 0
    assert DealRegistration.objects.get().status == "expired"
    assert Notification.objects.filter(subject__startswith="Deal protection ended").count() == 1


def test_an_extension_earns_a_new_expiry_notice(acme_strategic, acme_main, partner_manager):
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )
    services.expire_deals(deal.protected_until - timedelta(days=1))
    deal = services.extend_deal(deal, actor=acme_main)
    services.expire_deals(deal.protected_until - timedelta(days=1))
    assert Notification.objects.filter(subject__startswith="Deal protection ends on").count() == 2


# --- Won: the order form carries the registration discount ---------------------------------


def test_an_approved_deal_becomes_an_order_form_with_the_registration_discount(
    client, acme_strategic, acme_main, partner_manager, sales_ops
):
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )  # 5% by default
    client.force_login(sales_ops)
    data = {**builders.order("OF-STARK-1", customer="Stark Industries", servers=10)}
    data["plan"] = data["plan"].pk
    data.update(channel="integrator", **{"tech-TOTAL_FORMS": 0, "tech-INITIAL_FORMS": 0})
    response = client.post(reverse("staff_deal_order_form", args=[deal.pk]), data)
    deal.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert deal.status == "won" and deal.order_form.reference == "OF-STARK-1"
    assert deal.order_form.registration_discount_percent == Decimal("5.00")
    invoice = Invoice.objects.get(subscription=deal.order_form.subscription)
    # Integrator sale: the customer is billed; 10 servers x $1,000 less 5%.
    line = invoice.lines.get()
    assert line.discount_percent == Decimal("5.00")
    assert invoice.subtotal == Decimal("9500.00")
    assert invoice.organization.name == "Stark Industries"


def test_the_registration_discount_adds_to_the_partners_own_on_a_resale(
    acme_strategic, acme_main, partner_manager, sales_ops
):
    PartnerDiscount.objects.create(partner=acme_strategic, percent=Decimal("20"))
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main),
        actor=partner_manager,
        discount_percent=Decimal("7.5"),
    )
    order_form = services.win_deal(
        deal,
        actor=sales_ops,
        channel="solution_provider",
        **builders.order("OF-STARK-2", customer="Stark Industries", plan="premium", servers=3),
    )
    invoice = Invoice.objects.get(subscription=order_form.subscription)
    # 3 servers x $2,000 = $6,000 less 27.5% (20 partner + 7.5 deal) = $4,350.00
    assert invoice.organization == acme_strategic
    assert invoice.lines.get().discount_percent == Decimal("27.50")
    assert invoice.subtotal == Decimal("4350.00")
    assert invoice.notes == "Discount: partner 20%, deal registration 7.5%"


def test_only_the_first_term_gets_the_registration_discount(
    acme_strategic, acme_main, partner_manager, sales_ops
):
    from subscriptions import services as subscriptions

    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )
    order_form = services.win_deal(
        deal, actor=sales_ops, channel="integrator", **builders.order("OF-STARK-3")
    )
    renewal = subscriptions.renew_subscription(
        order_form.subscription, actor=sales_ops, ends_on=date(2028, 1, 1)
    )
    assert Invoice.objects.get(subscription=renewal).lines.get().discount_percent == 0


def test_a_deal_past_its_protection_is_not_won(
    acme_strategic, acme_main, partner_manager, sales_ops
):
    deal = services.approve_deal(
        builders.register(acme_strategic, acme_main), actor=partner_manager
    )
    services.expire_deals(deal.protected_until + timedelta(days=1))
    deal.refresh_from_db()
    with pytest.raises(services.BenefitError):
        services.win_deal(deal, actor=sales_ops, channel="integrator", **builders.order())


def test_a_downgraded_partner_loses_deal_registration_at_once(
    client, acme_strategic, acme_main, partner_manager
):
    deal = builders.register(acme_strategic, acme_main)
    enrollment = Enrollment.objects.get(organization=acme_strategic)
    programs.downgrade(enrollment, actor=partner_manager, reason="Revenue below $100,000.")
    client.force_login(acme_main)
    assert client.get(reverse("deal_list")).status_code == 404
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert b"Sales benefits" in client.get(reverse("dashboard")).content  # news remain
    assert b"Deals</a>" not in client.get(reverse("sales_home")).content
    with pytest.raises(services.NotEntitled):
        services.approve_deal(deal, actor=partner_manager)
