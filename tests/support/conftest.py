"""The support cast: Globex on Premium with two technical contacts, Initech on Standard
with its Main Contact alone, Umbrella Labs (Acme Cloud's end customer) on Premium, and
OpenNebula's support engineer."""

import pytest

from tests import factories
from tests.support import factories as support_factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a throw-away MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other_engineer(vendor):
    return factories.staff_member(vendor, "l3@opennebula.example", "Support engineers")


@pytest.fixture
def globex_premium(globex):
    return support_factories.live_subscription(
        globex, "premium", deployments=("globex-prod", "globex-lab")
    )


@pytest.fixture
def globex_tech2(globex):
    return factories.member(globex, "tech2@globex.example", "technical_contact").user


@pytest.fixture
def globex_billing(globex):
    return factories.member(globex, "billing@globex.example", "administrative_contact").user


@pytest.fixture
def initech_standard(initech):
    initech.country = "DE"
    initech.save()
    return support_factories.live_subscription(initech, "standard", deployments=("initech-main",))


@pytest.fixture
def umbrella(acme):
    return factories.OrganizationFactory(name="Umbrella Labs", kind="customer", managed_by=acme)


@pytest.fixture
def acme_engineer(acme, umbrella):
    """Acme's L1/L2 engineer: technical contact of Acme, and of its end customer."""
    membership = factories.member(acme, "l2@acme.example", "technical_contact")
    factories.member(umbrella, "l2@acme.example", "technical_contact")
    return membership.user


@pytest.fixture
def umbrella_premium(umbrella, acme):
    return support_factories.live_subscription(
        umbrella, "premium", deployments=("umbrella-edge",), sold_by=acme
    )


@pytest.fixture
def globex_ticket(globex_tech1, globex_premium):
    """tech1's Severity 2 ticket on Globex's Premium subscription."""
    return support_factories.open_ticket(globex_tech1, globex_premium.organization)


@pytest.fixture
def umbrella_ticket(acme_engineer, umbrella, umbrella_premium):
    """Opened by Acme's engineer acting for Umbrella Labs: held by Acme at L1/L2."""
    return support_factories.open_ticket(acme_engineer, umbrella, severity=1)


class Clock:
    """timezone.now() under the test's control."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Wednesday 2 December 2026, 10:00 in Madrid (09:00 UTC), and moving only when told."""
    from datetime import UTC, datetime

    from django.utils import timezone

    fake = Clock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


def act_for(client, organization):
    """Choose the organization in the switcher, as the person would."""
    from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY

    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = organization.pk
    session.save()
