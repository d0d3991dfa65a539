import pyotp
import pytest
from django.urls import reverse

from tests.accounts.mfa import DEMO_TOTP_SECRET, enroll_totp

STAFF_PAGES = ["/dashboard/", "/audit/", "/staff/outbox/", "/staff/partners/mine/", "/admin/"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_without_totp_are_sent_to_set_it_up(client, partner_manager, path):
    client.force_login(partner_manager)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_with_totp_reach_staff_pages(client, partner_manager, path):
    enroll_totp(partner_manager)
    client.force_login(partner_manager)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/staff/outbox/", "/staff/partners/mine/"])
def test_staff_pages_are_a_404_for_customers(client, globex_main, path):
    client.force_login(globex_main)
    assert client.get(path).status_code == 404


def test_the_admin_is_not_content_for_customers(client, globex_main):
    client.force_login(globex_main)
    response = client.get("/admin/accounts/organization/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url or "/admin/login/" in response.url


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_log_in_with_password_then_totp_code(client, partner_manager):
    enroll_totp(partner_manager)
    response = client.post(
        reverse("account_login"),
        {"login": "admin@opennebula.example", "password": "demo-pass-2026"},
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/staff/outbox/").status_code == 302  # not logged in yet
    response = client.post(
        reverse("mfa_authenticate"), {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()}
    )
    assert response.status_code == 302
    assert client.get("/staff/outbox/").status_code == 200


def test_my_partners_lists_the_partners_i_manage(client, partner_manager, acme, initech):
    from accounts import services

    enroll_totp(partner_manager)
    services.assign_account_manager(acme, partner_manager, actor=partner_manager)
    other_partner = type(acme).objects.create(name="Northwind Resale", kind="partner")
    client.force_login(partner_manager)
    partners = list(client.get("/staff/partners/mine/").context["partners"])
    assert partners == [acme]
    assert other_partner not in partners
