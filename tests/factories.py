from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.models import ROLE_FIELDS, Membership, Organization, Role

PASSWORD = "demo-pass-2026"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.CUSTOMER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


def member(organization, email=None, *roles):
    """A person in `organization` with `roles` (Role values)."""
    user = UserFactory(**({"email": email} if email else {}))
    membership = Membership(user=user, organization=organization)
    for role in roles:
        setattr(membership, ROLE_FIELDS[Role(role)], True)
    membership.save()
    return membership


def staff_member(vendor, email=None, *groups):
    """Vendor staff, in the named staff groups (e.g. "Sales operations"), TOTP enrolled."""
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    user = UserFactory(**({"email": email} if email else {}), is_staff=True)
    Membership.objects.create(user=user, organization=vendor)
    user.groups.add(*Group.objects.filter(name__in=groups))
    if groups:
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def plan(code="premium"):
    from subscriptions.models import Plan

    return Plan.objects.get(code=code)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subscriptions.Subscription"

    organization = factory.SubFactory(OrganizationFactory)
    plan = factory.LazyFunction(plan)
    status = "active"
    servers = 4
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=365))


def deployment(subscription, name="prod"):
    """A live deployment and its token (as the person saw it once)."""
    from subscriptions import services

    staff = UserFactory(email=f"sales-{subscription.pk}-{name}@opennebula.example", is_staff=True)
    return services.create_deployment(subscription, name=name, actor=staff)
