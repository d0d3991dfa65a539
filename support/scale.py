"""Scale tickets for `seed_scale`: `--tickets` of them, with their conversation and SLA clocks.

- Three years of history: 98% closed, 1% recently resolved, 1% active (new, open or
  waiting on the customer; those OpenNebula holds fill the triage queue). Solution
  Providers' end customers' tickets are mostly held by the SP's L1/L2 team, some
  escalated to L3.
- Support tickets are opened against one of the organization's subscriptions (with
  its plan's SLA targets and, for business-hours plans, the issuing entity's
  calendar); partners send presales requests.
- One to four comments per ticket (OpenNebula's answers, the customer's replies, a
  few internal notes); the first-response and resolution clocks of every ticket that
  reached OpenNebula (met, breached, running or paused), and `sla_due_at` set from
  the running ones as the services keep it.
- A share of the tickets belongs to the demo customers (opened by their people), and
  twenty scale support engineers hold them with support@opennebula.example.
- ARTICLES knowledge-base articles, each on one of a dozen topics, for the search.

Loaded with COPY, ids reserved up front so comments and clocks name their ticket.
"""

import math
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from subscriptions.models import Plan, SLATarget, Subscription
from support.models import (
    Article,
    ArticleCategory,
    BusinessCalendar,
    SLAClock,
    Ticket,
    TicketComment,
)
from support.sla import AMERICAS, PRESALES_RESPONSE_MINUTES

ENGINEERS = 20
ARTICLES = 3000
HISTORY_DAYS = 3 * 365
BATCH = 100_000
SUBJECTS = [
    "Live migration fails between hosts",
    "Sunstone login is slow",
    "VM stuck in BOOT state",
    "Datastore shows wrong free capacity",
    "Upgrade from 6.8 to 6.10 LTS: planning",
    "VXLAN networking lost after host reboot",
    "oned crashes on start after upgrade",
    "Scheduler does not place VMs on new hosts",
    "Ceph datastore images fail to clone",
    "Marketplace app import times out",
    "Question about host overcommitment settings",
    "FireEdge shows a blank page",
]
DESCRIPTION = (
    "Since the last maintenance window we see this on two of our hosts. Logs from "
    "/var/log/one/oned.log attached; it happens with every VM we tried."
)
ANSWERS = [
    "Thanks for the details. Could you attach the VM log and the output of onehost show?",
    "This is a known issue fixed in the next maintenance release; a workaround follows.",
    "We reproduced it in our lab. Please apply the attached patch and restart oned.",
]
REPLIES = [
    "Attached the logs you asked for.",
    "The workaround fixed it on our side, thanks.",
    "We still see it on one host after the change.",
]
# Knowledge-base articles: each about one topic (its words), in general technical prose.
TOPICS = [
    "live migration libvirt ports hosts cpu model shared storage",
    "upgrade release lts maintenance packages repository downtime",
    "vxlan bridge network vlan virtual router firewall security groups",
    "ceph datastore images clone snapshot backup restore qcow2",
    "sunstone fireedge login browser session web interface",
    "scheduler placement capacity overcommitment cluster quotas",
    "ldap saml authentication groups users acl tokens",
    "high availability raft leader follower federation zones",
    "monitoring prometheus grafana alerts hooks logs",
    "kubernetes oneke appliance marketplace contextualization",
    "edge provision aws equinix hybrid cloud clusters",
    "accounting showback billing usage reports",
]
PROSE = str.split(
    "the a to of and in for with on when after before your our this that each every "
    "check configure run set use make sure then also see below above example note step "
    "command file option value default service daemon error message output state start "
    "stop restart enable disable install remove update change apply verify test confirm "
    "node front-end server system version path directory permission user administrator"
)
NOTE = "Internal: same root cause as the libvirt port-range regression; link the bug."

TICKET_FIELDS = [
    "id", "organization", "kind", "subject", "description", "severity", "subscription",
    "product_version", "status", "level", "opened_by", "assignee", "calendar", "sla_due_at",
    "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at",
    "escalated_at",
]  # fmt: skip
COMMENT_FIELDS = ["ticket", "author", "side", "is_internal", "body", "created_at"]
CLOCK_FIELDS = [
    "ticket", "target", "target_minutes", "state", "started_at", "due_at", "warn_at",
    "remaining_minutes", "stopped_at",
]  # fmt: skip


def seed(ctx):
    world = _World(ctx)
    total = ctx.options["tickets"]
    first_id = ctx.reserve_ids(Ticket, total)
    counts = {"tickets": 0, "comments": 0, "clocks": 0}
    for start in range(0, total, BATCH):
        tickets, comments, clocks = [], [], []
        for ticket_id in range(first_id + start, first_id + min(total, start + BATCH)):
            world.ticket(ticket_id, tickets, comments, clocks)
        counts["tickets"] += ctx.copy(Ticket, TICKET_FIELDS, tickets)
        counts["comments"] += ctx.copy(TicketComment, COMMENT_FIELDS, comments)
        counts["clocks"] += ctx.copy(SLAClock, CLOCK_FIELDS, clocks)
    articles = _articles(ctx)
    ctx.say(
        f"  tickets: {counts['tickets']:,} ({counts['comments']:,} comments, "
        f"{counts['clocks']:,} SLA clocks); knowledge base: {articles:,} articles"
    )


class _World:
    """What the generator draws from: organizations' subscriptions, people, engineers,
    SLA targets and calendars."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = timezone.now()
        self.subscriptions = {}
        for pk, organization, plan, status in Subscription.objects.values_list(
            "pk", "organization_id", "plan_id", "status"
        ).order_by("pk"):
            self.subscriptions.setdefault(organization, []).append((pk, plan, status))
        self.business_plans = set(
            Plan.objects.filter(support_hours=Plan.SupportHours.BUSINESS).values_list(
                "pk", flat=True
            )
        )
        self.targets = {
            (t.plan_id, t.severity): (
                t.first_response_minutes,
                t.resolution_minutes,
            )
            for t in SLATarget.objects.all()
        }
        self.calendars = {c.code: c for c in BusinessCalendar.objects.all()}
        self.default_calendar = next(
            (c for c in self.calendars.values() if c.is_default), None
        ) or next(iter(self.calendars.values()), None)
        self.engineers = _engineers()

    def calendar_for(self, organization):
        code = "usa" if self.ctx.countries.get(organization) in AMERICAS else "europe"
        return self.calendars.get(code) or self.default_calendar

    def ticket(self, ticket_id, tickets, comments, clocks):
        rng, ctx, now = self.rng, self.ctx, self.now
        presales = rng.random() < 0.02
        if presales:
            organization = rng.choice(ctx.partners)
        else:
            organization = ctx.pick_customer(demo_share=0.005)
            if organization not in self.subscriptions:
                presales, organization = True, rng.choice(ctx.partners)
        people = ctx.people.get(organization) or [None]
        opener = rng.choice(people)

        draw = rng.random()
        if draw < 0.01:
            status = rng.choices(["new", "open", "waiting"], weights=[10, 65, 25])[0]
            created = now - timedelta(minutes=rng.randint(5, 30 * 24 * 60))
        elif draw < 0.02:
            status = "resolved"
            created = now - timedelta(minutes=rng.randint(60, 30 * 24 * 60))
        else:
            status = "closed"
            created = now - timedelta(
                days=rng.randint(20, HISTORY_DAYS), minutes=rng.randint(0, 1439)
            )

        level = "direct"
        managed = organization in ctx.managed_by
        if managed and not presales:
            level = "partner" if rng.random() < 0.8 else "l3"

        subscription = severity = calendar = None
        if not presales:
            candidates = self.subscriptions[organization]
            if status in ("new", "open", "waiting"):
                live = [s for s in candidates if s[2] == "active"]
                candidates = live or candidates
            subscription, plan, _ = rng.choice(candidates)
            severity = rng.choices([1, 2, 3, 4], weights=[3, 15, 50, 32])[0]
            if plan in self.business_plans:
                calendar = self.calendar_for(organization)
        first_minutes, resolution_minutes = (
            (PRESALES_RESPONSE_MINUTES, None)
            if presales
            else self.targets.get((plan, severity), (240, 7 * 24 * 60))
        )

        vendor_holds = level in ("direct", "l3")
        answered = status != "new"
        first_response = (
            created + timedelta(minutes=rng.randint(10, first_minutes)) if answered else None
        )
        resolved = closed = None
        if status in ("resolved", "closed"):
            resolved = created + timedelta(hours=rng.randint(2, 24 * 20))
            resolved = min(resolved, now - timedelta(minutes=30))
            first_response = min(first_response, resolved)
            if status == "closed":
                closed = min(now, resolved + timedelta(days=14))
        updated = closed or resolved or first_response or created
        if status in ("open", "waiting"):
            updated = min(now, (first_response or created) + timedelta(hours=rng.randint(1, 72)))
        assignee = None
        if vendor_holds and (status != "new" and rng.random() < 0.95):
            assignee = rng.choice(self.engineers)
        escalated = created + timedelta(hours=rng.randint(1, 48)) if level == "l3" else None

        sla_due = None
        if vendor_holds:
            clock_start = escalated or created
            sla_due = self._clocks(
                ticket_id, status, calendar, clock_start, first_minutes, resolution_minutes,
                first_response, resolved, clocks,
            )  # fmt: skip
        tickets.append((
            ticket_id, organization, "presales" if presales else "support",
            rng.choice(SUBJECTS), DESCRIPTION, severity, subscription,
            "" if presales else rng.choice(["6.8.3", "6.10.2", "7.0.0"]), status, level,
            opener, assignee, calendar.pk if calendar else None, sla_due, created, updated,
            first_response, resolved, closed, escalated,
        ))  # fmt: skip

        # OpenNebula answers, or the Solution Provider's team while it holds the ticket.
        answerer, side = assignee, "vendor"
        if level == "partner":
            answerer, side = (ctx.people.get(ctx.managed_by[organization]) or [None])[0], "partner"
        moment = created
        for n in range(0 if status == "new" else rng.choice([1, 1, 2, 2, 3, 4])):
            moment = min(now, moment + timedelta(hours=rng.randint(1, 30)))
            if n % 2 == 0:
                comments.append((ticket_id, answerer, side, False, rng.choice(ANSWERS), moment))
            else:
                comments.append((ticket_id, opener, "customer", False, rng.choice(REPLIES), moment))
        if assignee and rng.random() < 0.05:
            comments.append((ticket_id, assignee, "vendor", True, NOTE, moment))

    def _clocks(self, ticket_id, status, calendar, start, first_minutes, resolution_minutes,
                first_response, resolved, clocks):  # fmt: skip
        """Append the ticket's first-response and resolution clocks; the earliest running
        deadline (Ticket.sla_due_at)."""
        running = []
        for target, minutes, stopped in (
            ("first_response", first_minutes, first_response),
            ("resolution", resolution_minutes, resolved),
        ):
            if minutes is None:
                continue
            if stopped is not None:
                # Stopped clocks of the history: deadlines counted 24x7 (a business
                # calendar's minutes, counted day by day, would take hours for millions).
                due = start + timedelta(minutes=minutes)
                warn = start + timedelta(minutes=math.ceil(minutes * SLAClock.WARNING_SHARE))
                state = "met" if stopped <= due else "breached"
                clocks.append((ticket_id, target, minutes, state, start, due, warn, None, stopped))
            elif status == "waiting":
                left = max(0, minutes - int((self.now - start).total_seconds() // 60) // 2)
                clocks.append((ticket_id, target, minutes, "paused", start, None, None, left, None))
            else:
                due = _add_minutes(calendar, start, minutes)
                warn = _add_minutes(calendar, start, math.ceil(minutes * SLAClock.WARNING_SHARE))
                clocks.append((ticket_id, target, minutes, "running", start, due, warn, None, None))
                running.append(due)
        return min(running) if running else None


def _articles(ctx):
    """ARTICLES published knowledge-base articles, for the search to have work to do."""
    categories = list(ArticleCategory.objects.values_list("pk", flat=True))
    audiences = [choice.value for choice in Article.Audience]
    now = timezone.now()
    rows = []
    for n in range(ARTICLES):
        topic = TOPICS[n % len(TOPICS)].split()
        words = [
            ctx.rng.choice(topic) if ctx.rng.random() < 0.2 else ctx.rng.choice(PROSE)
            for _ in range(160)
        ]
        title = f"{' '.join(ctx.rng.sample(topic, 3)).capitalize()}: {SUBJECTS[n % len(SUBJECTS)]}"
        rows.append(
            Article(
                title=title,
                slug=f"scale-{n:05d}",
                category_id=ctx.rng.choice(categories),
                audience=ctx.rng.choice(audiences),
                summary=" ".join(words[3:15]).capitalize() + ".",
                body="\n\n".join(
                    " ".join(words[start : start + 40]).capitalize() + "."
                    for start in range(15, 160, 40)
                ),
                is_published=ctx.rng.random() < 0.95,
                published_at=now,
            )
        )
    Article.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _add_minutes(calendar, start, minutes):
    if calendar is None:
        return start + timedelta(minutes=minutes)
    return calendar.add_minutes(start, minutes)


def _engineers():
    """support@opennebula.example and ENGINEERS scale engineers in the Support engineers group."""
    User = get_user_model()
    group = Group.objects.get(name="Support engineers")
    engineers = User.objects.bulk_create(
        User(
            email=f"engineer{n:02d}@scale.opennebula.example",
            full_name=f"Scale Engineer {n:02d}",
            password="!",
            is_staff=True,
        )
        for n in range(ENGINEERS)
    )
    group.user_set.add(*engineers)
    return [user.pk for user in group.user_set.order_by("pk")]
