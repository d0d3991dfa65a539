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


def staff_member(vendor, email=None):
    user = UserFactory(**({"email": email} if email else {}), is_staff=True)
    Membership.objects.create(user=user, organization=vendor)
    return user
