"""Demo data: `python manage.py seed_demo`. Idempotent: a second run changes nothing.

Every account's password is demo-pass-2026. Staff accounts are enrolled in TOTP
with a demo-only secret (see README); never use it outside a demo.
"""

from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from guardian.shortcuts import assign_perm

from accounts.models import Membership, Organization, Role

DEMO_PASSWORD = "demo-pass-2026"
DEMO_APPS = ["subscriptions", "billing", "programs", "benefits", "support"]
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

User = get_user_model()


class Command(BaseCommand):
    help = "Load the demo organizations and accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        vendor = organization(
            "OpenNebula Systems",
            Organization.Kind.VENDOR,
            legal_name="OpenNebula Systems S.L.",
            country="ES",
            website="https://opennebula.io",
        )
        acme = organization(
            "Acme Cloud",
            Organization.Kind.PARTNER,
            legal_name="Acme Cloud Services Ltd.",
            country="GB",
            website="https://acme.example",
        )
        globex = organization(
            "Globex",
            Organization.Kind.CUSTOMER,
            legal_name="Globex Corporation",
            country="US",
            website="https://globex.example",
            address="1 Globex Plaza\nCypress Creek, OR 97000\nUSA",
        )
        initech = organization(
            "Initech",
            Organization.Kind.CUSTOMER,
            legal_name="Initech GmbH",
            country="DE",
            website="https://initech.example",
            address="Hauptstraße 5\n10115 Berlin\nGermany",
        )
        umbrella = organization(
            "Umbrella Labs",
            Organization.Kind.CUSTOMER,
            legal_name="Umbrella Labs S.A.",
            country="FR",
            managed_by=acme,
        )

        admin = person(
            "admin@opennebula.example",
            "Ada Admin",
            staff=True,
            superuser=True,
            groups=["Partner managers", "Sales operations"],
        )
        support = person(
            "support@opennebula.example", "Sam Support", staff=True, groups=["Support engineers"]
        )
        billing = person(
            "billing@opennebula.example", "Bea Billing", staff=True, groups=["Billing"]
        )
        for user in (admin, support, billing):
            member(user, vendor)
            enroll_totp(user)

        acme_main = person("main@acme.example", "Alice Acme")
        member(acme_main, acme, Role.MAIN, Role.ORG_ADMIN, Role.SALES, Role.TECHNICAL)
        # The SP's support team acts for its end customer (SPEC §3).
        member(acme_main, umbrella, Role.MAIN, Role.TECHNICAL)
        assign_perm("accounts.manage_partner", admin, acme)

        member(person("main@globex.example", "Grace Globex"), globex, Role.MAIN, Role.ORG_ADMIN)
        member(person("tech1@globex.example", "Tom Tech"), globex, Role.TECHNICAL)
        member(person("tech2@globex.example", "Tina Tech"), globex, Role.TECHNICAL)
        member(person("billing@globex.example", "Bill Globex"), globex, Role.ADMINISTRATIVE)
        member(person("main@initech.example", "Ian Initech"), initech, Role.MAIN, Role.ORG_ADMIN)

        people = {
            **{user.email: user for user in User.objects.filter(memberships__isnull=False)},
            **{org.name: org for org in Organization.objects.all()},
        }
        # Each app adds its own demo data, in dependency order.
        for app in DEMO_APPS:
            import_module(f"{app}.demo").seed(people)

        self.stdout.write(self.style.SUCCESS("Demo data ready (password: demo-pass-2026)."))


def organization(name, kind, **fields):
    org, _ = Organization.objects.get_or_create(name=name, kind=kind, defaults=fields)
    return org


def person(email, full_name, *, staff=False, superuser=False, groups=()):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, DEMO_PASSWORD, full_name=full_name, is_staff=staff, is_superuser=superuser
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def member(user, org, *roles):
    membership, _ = Membership.objects.get_or_create(user=user, organization=org)
    from accounts.models import ROLE_FIELDS

    changed = False
    for role in roles:
        field = ROLE_FIELDS[role]
        if not getattr(membership, field):
            setattr(membership, field, True)
            changed = True
    if changed:
        membership.save()
    return membership


def enroll_totp(user):
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
        RecoveryCodes.activate(user)
