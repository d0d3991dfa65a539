"""Another organization's object is a 404, at every URL, for GET and POST.

The walk reads the URL configuration itself: a pattern added later with
arguments fails `test_every_url_with_arguments_has_a_sample` until it gets a
sample here (or a reasoned exclusion), so no object URL escapes the walk.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import outbox, services
from accounts.models import Invitation, Membership, Organization
from tests import factories

# URL names whose arguments are not a tenant's object.
NOT_TENANT_OBJECTS = {
    "account_confirm_email": "allauth: the key is the secret, not an organization's object",
    "account_reset_password_from_key": "allauth: uid and key are the secret",
    "invitation_accept": "the token is the secret; an unknown token is a 404 (tested apart)",
    "billing_invoice_link": "signed link from the invoice email (tested apart)",
    "billing_invoice_link_pdf": "signed link from the invoice email (tested apart)",
    "program_detail": "the public program catalog: the same page for everyone, no login",
}
# Whole namespaces that are vendor-staff only and tested apart (tests/accounts/test_staff_mfa.py).
STAFF_ONLY_NAMESPACES = {"admin": "Django admin: vendor staff only, behind allauth and TOTP"}


ALL_ROLES = [
    "main_contact",
    "org_admin",
    "technical_contact",
    "administrative_contact",
    "sales_contact",
]


class OtherOrganizations:
    """The objects live in Globex (customer) and Northwind (partner); the requests come
    from Initech (customer) and Hooli (partner), whose people hold every role, so any 404
    is the scoping's and not a missing role's."""

    def __init__(self):
        self.organization = self.globex = factories.OrganizationFactory(
            name="Globex", kind="customer"
        )
        self.main = factories.member(self.globex, "main@globex.example", "main_contact")
        self.tech = factories.member(self.globex, "tech@globex.example", "technical_contact")
        self.partner = self.northwind = factories.OrganizationFactory(
            name="Northwind Resale", kind="partner"
        )
        self.partner_main = factories.member(self.northwind, "main@northwind.example", *ALL_ROLES)
        self.invitation, _ = services.invite(
            self.globex, "new@globex.example", roles=[], actor=self.main.user
        )
        self.notification = outbox.notify(
            "main@globex.example",
            "accounts/invitation",
            {
                "organization": "Globex",
                "roles": [],
                "inviter": "x",
                "accept_path": "/",
                "expires_at": "2026-12-31",
            },
            key="sample",
            organization=self.globex,
        )
        initech = factories.OrganizationFactory(name="Initech", kind="customer")
        hooli = factories.OrganizationFactory(name="Hooli Integrations", kind="partner")
        self.requesters = {
            "customer": factories.member(initech, "main@initech.example", *ALL_ROLES).user,
            "partner": factories.member(hooli, "main@hooli.example", *ALL_ROLES).user,
        }


@dataclass
class Sample:
    """Another organization's object for a URL: its kwargs, and who asks for it."""

    kwargs: Callable[[OtherOrganizations], dict]
    requested_by: str = "customer"


SAMPLES = {
    "member_edit": Sample(lambda other: {"pk": other.tech.pk}),
    "member_remove": Sample(lambda other: {"pk": other.tech.pk}),
    "invitation_revoke": Sample(lambda other: {"pk": other.invitation.pk}),
    "staff_outbox_detail": Sample(lambda other: {"pk": other.notification.pk}),
    "staff_outbox_retry": Sample(lambda other: {"pk": other.notification.pk}),
}
# Each app keeps its samples beside its tests: tests/<app>/url_samples.py defines SAMPLES.
for module_info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if module_info.ispkg:
        try:
            module = importlib.import_module(f"tests.{module_info.name}.url_samples")
        except ModuleNotFoundError:
            continue
        SAMPLES.update(module.SAMPLES)


def url_patterns_with_arguments(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner in STAFF_ONLY_NAMESPACES:
                continue
            yield from url_patterns_with_arguments(entry, inner)
        elif isinstance(entry, URLPattern) and entry.pattern.regex.groups:
            yield entry.name, entry


def test_every_url_with_arguments_has_a_sample():
    missing = sorted(
        str(name)
        for name, _ in url_patterns_with_arguments()
        if name not in SAMPLES and name not in NOT_TENANT_OBJECTS
    )
    assert missing == [], f"Add a sample of another organization's object for: {missing}"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_another_organizations_object_is_a_404(client, db, name):
    other = OtherOrganizations()
    sample = SAMPLES[name]
    url = reverse(name, kwargs=sample.kwargs(other))
    client.force_login(other.requesters[sample.requested_by])
    assert client.get(url).status_code == 404, f"GET {url}"
    assert client.post(url, {"roles": ["org_admin"]}).status_code == 404, f"POST {url}"
    other.tech.refresh_from_db()
    assert not other.tech.is_org_admin
    assert Membership.objects.filter(pk=other.tech.pk).exists()
    assert Invitation.objects.get(pk=other.invitation.pk).revoked_at is None


def test_an_unknown_invitation_token_is_a_404(client, db):
    assert client.get(reverse("invitation_accept", args=["not-a-token"])).status_code == 404


# --- Every tenant-data model leads to its organization --------------------------

PROJECT_APPS = ["accounts", "programs", "subscriptions", "billing", "support", "benefits"]

# Models that are not one tenant's data, each with the reason.
NOT_TENANT_DATA = {
    "accounts.User": "a person; reaches organizations through memberships",
    "accounts.Organization": "the tenant itself",
    # Nullable on purpose: vendor-wide events and emails to people with no
    # organization yet (sign-up verification). Staff-only where null.
    "accounts.AuditEvent": "organization is null for vendor-wide events",
    "accounts.Notification": "organization is null for account emails",
    "programs.Program": "vendor catalog (SPEC §3), public",
    "programs.Tier": "vendor catalog (a program's tiers)",
    "programs.Requirement": "vendor catalog (a tier's requirements)",
    "programs.Benefit": "vendor catalog",
    "programs.TierBenefit": "vendor catalog (a tier's benefits)",
    "programs.AgreementVersion": "vendor data: the published agreement texts",
    "subscriptions.Plan": "vendor catalog, the same for every organization",
    "subscriptions.SLATarget": "vendor catalog (a plan's targets)",
    "subscriptions.OrderForm": "vendor staff data; a new customer has no organization until "
    "it is processed",
    "billing.IssuingEntity": "vendor data: the OpenNebula companies that issue invoices",
    "billing.ExchangeRate": "vendor data, the same for every organization",
    "billing.InvoiceSequence": "vendor data: the last number per entity and year",
    "support.BusinessCalendar": "vendor data: the issuing entities' working hours",
    "support.Holiday": "vendor data (a business calendar's days off)",
    "support.ArticleCategory": "vendor catalog of the knowledge base",
    "support.Article": "vendor content; who reads it is decided by audience (tested apart)",
    "benefits.Lead": "vendor data: a prospect in OpenNebula's pool; a partner sees it only "
    "through its own LeadOffer",
    "benefits.NewsItem": "vendor content; who reads it is decided by tier (tested apart)",
}


def tenant_models():
    for app_label in PROJECT_APPS:
        yield from apps.get_app_config(app_label).get_models()


def path_to_organization(model):
    """Follow `tenant_path` and return the fields walked; fail if any is nullable."""
    fields = []
    current = model
    for step in model.tenant_path.split("__"):
        field = current._meta.get_field(step)
        fields.append(field)
        current = field.related_model
    return current, fields


@pytest.mark.parametrize("model", list(tenant_models()), ids=lambda m: m._meta.label)
def test_every_tenant_model_has_a_non_null_path_to_its_organization(model):
    label = model._meta.label
    if label in NOT_TENANT_DATA:
        return
    assert hasattr(model, "tenant_path"), f"{label} names no tenant_path"
    target, fields = path_to_organization(model)
    assert target is Organization, f"{label}.tenant_path ends at {target}"
    nullable = [f.name for f in fields if f.null]
    assert nullable == [], f"{label}: nullable step(s) {nullable} on the way to Organization"
    assert isinstance(model._default_manager.all(), models.QuerySet)
    assert hasattr(model._default_manager.all(), "for_organization"), (
        f"{label}'s manager is not a TenantQuerySet"
    )


def test_the_allow_list_names_only_real_models():
    labels = {m._meta.label for m in tenant_models()}
    assert set(NOT_TENANT_DATA) <= labels
