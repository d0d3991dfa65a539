"""Demo data of the support app, loaded by `manage.py seed_demo` (must be idempotent).

Runs after the subscriptions demo and finds its deployments by organization and name
(globex-prod and globex-lab on Globex's Premium, initech-main on Initech's Standard,
umbrella-edge on Umbrella Labs' Premium sold by Acme Cloud); the tickets are opened
against each deployment's subscription through the support services.
"""

from django.utils import timezone

from accounts.models import Membership
from subscriptions.models import Deployment, Subscription
from support import services
from support.models import Article, ArticleCategory, Ticket

INTERNAL_MARKER = "INTERNAL-ONLY-7f3a"


def seed(people):
    globex, initech, umbrella = people["Globex"], people["Initech"], people["Umbrella Labs"]
    acme = people["Acme Cloud"]

    support = people["support@opennebula.example"]
    tech1, tech2 = people["tech1@globex.example"], people["tech2@globex.example"]
    acme_main = people["main@acme.example"]

    ticket = _ticket(
        globex,
        tech1,
        "Live migration fails on globex-prod",
        severity=2,
        deployment="globex-prod",
        version="6.10.2",
        description=(
            "Live migrating VMs between kvm-03 and kvm-07 fails since yesterday with\n"
            "'Failed to migrate: unable to connect to server at kvm-07:49152'.\n"
            "Cold migration works. Affects about 40 production VMs."
        ),
    )
    if ticket is not None:
        vendor = _membership(support, people["OpenNebula Systems"])
        services.claim_ticket(ticket, actor=support)
        services.add_comment(
            ticket,
            actor=support,
            membership=vendor,
            internal=True,
            body=(
                f"{INTERNAL_MARKER}: looks like the libvirt migration port range is "
                "firewalled on kvm-07 after last week's hardening. Do not share the "
                "hardening script with the customer."
            ),
        )
        services.add_comment(
            ticket,
            actor=support,
            membership=vendor,
            body=(
                "Thanks for the details. Could you check that TCP ports 49152-49215 are "
                "open between your KVM hosts, and attach /var/log/one/oned.log from the "
                "front-end covering a failed attempt?"
            ),
        )

    _ticket(
        globex,
        tech2,
        "Sunstone login slow",
        severity=3,
        deployment="globex-lab",
        version="6.10.2",
        description="Logging in to Sunstone takes 20-30 seconds for every user since Monday.",
    )
    _ticket(
        initech,
        people["main@initech.example"],
        "Planning the upgrade from 6.8 to 6.10 LTS",
        severity=4,
        deployment="initech-main",
        version="6.8.3",
        description="Which steps and downtime should we plan for the upgrade of our cloud?",
    )

    umbrella_ticket = _ticket(
        umbrella,
        acme_main,
        "Edge hosts lose VM networking after reboot",
        severity=1,
        deployment="umbrella-edge",
        version="6.10.1",
        description=(
            "After a reboot, VMs on the edge hosts get no network until the VXLAN bridge "
            "is recreated by hand. Acme Cloud L1/L2 reproduced it on two hosts."
        ),
    )
    if umbrella_ticket is not None:
        services.escalate_ticket(
            umbrella_ticket,
            actor=acme_main,
            membership=_membership(acme_main, acme),
            reason=(
                "Reproduced on two hosts with 6.10.1; the bridge is not recreated by the "
                "network drivers at boot. Logs attached to the ticket on request."
            ),
        )

    _articles(support)


def _membership(user, organization):
    return Membership.objects.select_related("organization").get(
        user=user, organization=organization
    )


def _ticket(organization, opener, subject, *, severity, deployment, version, description):
    """Open the ticket through the services, once: None when it already exists (or when
    the subscriptions demo has no such live deployment)."""
    if Ticket.objects.for_organization(organization).filter(subject=subject).exists():
        return None
    deployment = (
        Deployment.objects.for_organization(organization)
        .live()
        .filter(name=deployment, subscription__status=Subscription.Status.ACTIVE)
        .select_related("subscription")
        .first()
    )
    if deployment is None:
        return None
    return services.open_ticket(
        actor=opener,
        membership=_membership(opener, organization),
        subscription=deployment.subscription,
        severity=severity,
        deployment=deployment,
        subject=subject,
        description=description,
        product_version=version,
    )


CATEGORIES = [
    ("getting-started", "Getting started", "Using the support portal and your subscription."),
    ("operations", "Operations and upgrades", "Running, upgrading and troubleshooting clouds."),
    ("partners", "For partners", "Support and presales for OpenNebula partners."),
]

ARTICLES = [
    (
        "how-to-write-a-good-support-ticket",
        "How to write a good support ticket",
        "getting-started",
        Article.Audience.PUBLIC,
        "What to include so the first answer is the right one.",
        "## Before you open a ticket\n\nSearch this knowledge base: many questions have an "
        "answer here already.\n\n## What to include\n\n1. The **deployment** and the "
        "**OpenNebula version** (`onedversion`).\n2. What you did, what you expected and what "
        "happened.\n3. Logs: `/var/log/one/oned.log` and the VM log from "
        "`/var/log/one/<vmid>.log`.\n\nAttach files of up to 10 MB: text, logs, PDF, images, "
        "gzip or zip archives.",
    ),
    (
        "severity-levels-and-response-times",
        "Severity levels and response times",
        "getting-started",
        Article.Audience.PUBLIC,
        "How severity decides the SLA targets of a ticket.",
        "| Severity | Meaning |\n|---|---|\n| 1 | Production down, no workaround |\n"
        "| 2 | Major function impaired |\n| 3 | Partial, non-critical loss |\n"
        "| 4 | Questions and cosmetic issues |\n\nPremium subscriptions are answered 24x7; "
        "Standard subscriptions during business hours of the issuing entity. The SLA clock "
        "pauses while a ticket waits on your answer.",
    ),
    (
        "accessing-the-enterprise-repository",
        "Accessing the enterprise repository with your deployment token",
        "operations",
        Article.Audience.CUSTOMERS,
        "Configure apt or dnf to install Enterprise Edition packages.",
        "Each deployment of your subscription has a **token**. Use it as the user part of the "
        "repository address:\n\n```\ndeb https://YOUR_TOKEN@enterprise.opennebula.io/repo/"
        "6.10/Ubuntu/24.04 stable opennebula\n```\n\nThe Downloads page lists your deployments "
        "and the start of each token.",
    ),
    (
        "troubleshooting-live-migration",
        "Troubleshooting live migration failures",
        "operations",
        Article.Audience.CUSTOMERS,
        "Firewalls, libvirt ports and shared storage: the usual suspects.",
        "Live migration between KVM hosts needs:\n\n- libvirt's migration ports "
        "(TCP 49152-49215) open between hosts;\n- the same CPU model, or a common "
        "`CPU_MODEL`;\n- the VM's disks reachable from both hosts.\n\nCheck "
        "`/var/log/one/<vmid>.log` on the front-end for the libvirt error.",
    ),
    (
        "escalating-an-end-customer-ticket-to-l3",
        "Escalating an end customer's ticket to L3",
        "partners",
        Article.Audience.PARTNERS,
        "How Solution Providers hand a ticket to OpenNebula's L3 engineers.",
        "As a Solution Provider you give L1 and L2 support to your end customers. When a "
        "ticket needs OpenNebula, open it and choose **Escalate to OpenNebula L3**.\n\n"
        "L3 escalation needs an active **Premium** subscription on the end customer's side. "
        "OpenNebula can hand the ticket back to your team when L3 work is done.",
    ),
    (
        "sending-a-presales-request",
        "Sending a presales request",
        "partners",
        Article.Audience.PARTNERS,
        "Strategic partners reach OpenNebula's presales team with a 48-hour SLA.",
        "Use **Ask presales** on the Support page. Describe the opportunity, the customer's "
        "environment and the help you need: sizing, architecture, a demo. OpenNebula "
        "answers within 48 hours.",
    ),
]


def _articles(author):
    categories = {}
    for position, (slug, name, description) in enumerate(CATEGORIES):
        categories[slug], _ = ArticleCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    now = timezone.now()
    for slug, title, category, audience, summary, body in ARTICLES:
        Article.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "category": categories[category],
                "audience": audience,
                "summary": summary,
                "body": body,
                "is_published": True,
                "published_at": now,
                "author": author,
            },
        )
