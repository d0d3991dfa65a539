from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Invitation, Notification, Organization
from subscriptions.models import OrderForm, Subscription
from tests import factories

TODAY = date.today()


def order_form_post(**overrides):
    data = {
        "reference": "OF-2026-0042",
        "customer_name": "Hooli",
        "customer_legal_name": "Hooli Inc.",
        "customer_country": "us",
        "plan": factories.plan("standard").pk,
        "servers": "3",
        "starts_on": (TODAY - timedelta(days=1)).isoformat(),
        "ends_on": (TODAY + timedelta(days=364)).isoformat(),
        "purchase_order": "PO-77",
        "payment_method": "bank_transfer",
        "channel": "direct",
        "main_contact_name": "Gavin Belson",
        "main_contact_email": "gavin@hooli.example",
        "tech-TOTAL_FORMS": "5",
        "tech-INITIAL_FORMS": "0",
        "tech-0-name": "Richard",
        "tech-0-email": "richard@hooli.example",
        "tech-1-name": "Dinesh",
        "tech-1-email": "Dinesh@hooli.example",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post_order_form(client, sales_ops, django_capture_on_commit_callbacks):
    client.force_login(sales_ops)

    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("staff_order_form_new"), order_form_post(**overrides))

    return post


def test_processing_creates_the_customer_its_subscription_and_invitations(post_order_form):
    response = post_order_form()
    assert response.status_code == 302
    hooli = Organization.objects.get(name="Hooli")
    subscription = Subscription.objects.get(organization=hooli)
    assert (subscription.status, subscription.servers, subscription.purchase_order) == (
        "active",
        3,
        "PO-77",
    )
    invitations = {i.email: i.roles for i in Invitation.objects.for_organization(hooli)}
    assert invitations == {
        "gavin@hooli.example": ["main_contact", "org_admin"],
        "richard@hooli.example": ["technical_contact"],
        "dinesh@hooli.example": ["technical_contact"],
    }


def test_processing_queues_one_welcome_and_one_support_welcome_per_technical_contact(
    post_order_form, mailoutbox
):
    post_order_form()
    welcome = Notification.objects.filter(template="subscriptions/welcome")
    support = Notification.objects.filter(template="subscriptions/support_welcome")
    assert [n.recipient for n in welcome] == ["gavin@hooli.example"]
    assert sorted(n.recipient for n in support) == ["dinesh@hooli.example", "richard@hooli.example"]
    assert "Standard" in welcome.get().body and "PO-77" in welcome.get().body
    assert {m.to[0] for m in mailoutbox} >= {"gavin@hooli.example", "richard@hooli.example"}


def test_with_no_technical_contact_the_main_contact_gets_the_support_welcome(post_order_form):
    post_order_form(
        **{"tech-0-name": "", "tech-0-email": "", "tech-1-name": "", "tech-1-email": ""}
    )
    support = Notification.objects.get(template="subscriptions/support_welcome")
    assert support.recipient == "gavin@hooli.example"


def test_processing_the_same_order_form_twice_does_nothing_the_second_time(post_order_form):
    post_order_form()
    counts = (
        Subscription.objects.count(),
        Invitation.objects.count(),
        Notification.objects.count(),
    )
    response = post_order_form(servers="99")
    assert response.status_code == 302
    assert (
        Subscription.objects.count(),
        Invitation.objects.count(),
        Notification.objects.count(),
    ) == counts
    assert Subscription.objects.get().servers == 3


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"plan": "999999"}, "plan", "Select a valid choice"),
        ({"ends_on": (TODAY - timedelta(days=5)).isoformat()}, "ends_on", "end after it starts"),
        ({"main_contact_email": "not-an-email"}, "main_contact_email", "valid email"),
        (
            {"tech-2-email": "a@hooli.example", "tech-3-email": "b@hooli.example"},
            "technical_contacts",
            "at most 2 technical contacts",
        ),
        ({"channel": "reseller"}, "sold_by", "Name the partner"),
    ],
)
def test_invalid_order_forms_are_refused_with_field_errors_and_nothing_saved(
    post_order_form, overrides, field, message
):
    response = post_order_form(**overrides)
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field) or form.non_field_errors()
    assert any(message in error for error in errors), form.errors
    assert not OrderForm.objects.exists()
    assert not Organization.objects.filter(name="Hooli").exists()
    assert not Notification.objects.exists()


def test_a_distribution_list_needs_the_persons_confirmation(post_order_form):
    response = post_order_form(**{"tech-0-is_distribution_list": "on"})
    errors = response.context["contacts"].forms[0].errors
    assert "Confirm this" in errors["distribution_list_confirmed"][0]
    response = post_order_form(
        **{"tech-0-is_distribution_list": "on", "tech-0-distribution_list_confirmed": "on"}
    )
    assert response.status_code == 302
    assert OrderForm.objects.get().technical_contacts[0]["is_distribution_list"] is True


def test_a_solution_provider_sale_is_premium_and_managed_by_the_partner(post_order_form, acme):
    response = post_order_form(channel="solution_provider", sold_by=acme.pk)
    assert "Premium" in response.context["form"].errors["plan"][0]
    post_order_form(channel="solution_provider", sold_by=acme.pk, plan=factories.plan().pk)
    assert Organization.objects.get(name="Hooli").managed_by == acme


def test_an_order_form_for_an_existing_customer_names_its_existing_members(
    post_order_form, globex, globex_main, globex_tech1
):
    post_order_form(
        customer_name="",
        organization=globex.pk,
        main_contact_email="main@globex.example",
        **{"tech-0-email": "tech1@globex.example", "tech-1-name": "", "tech-1-email": ""},
    )
    assert Subscription.objects.get().organization == globex
    assert not Invitation.objects.exists()  # both are members already
    assert AuditEvent.objects.filter(action="order_form.processed", organization=globex).exists()


def test_staff_without_the_sales_permission_cannot_enter_order_forms(client, support_engineer):
    client.force_login(support_engineer)
    assert client.get(reverse("staff_order_form_new")).status_code == 404


def test_the_service_itself_refuses_an_actor_without_permission(support_engineer):
    from django.core.exceptions import PermissionDenied

    from subscriptions import services

    with pytest.raises(PermissionDenied):
        services.process_order_form(actor=support_engineer, reference="X", plan=factories.plan())
    assert not OrderForm.objects.exists()
