"""Reads of the support app: who sees which ticket, the triage queue, published articles."""

from django.db import connection, models
from django.db.models import F, Q

from accounts.tenancy import TenantQuerySet


class TicketQuerySet(TenantQuerySet):
    def visible_to(self, user, organization, membership=None):
        """The tickets `user`, acting for `organization`, may read (SPEC §4, issue 6 §3).

        - OpenNebula staff: every ticket.
        - The Main Contact: every ticket of the organization.
        - A technical contact: the tickets they opened, those the Main Contact
          shared with them one by one, or all when the organization shares them.
        - A Solution Provider's main and technical contacts, acting for the SP:
          also their end customers' support tickets.
        """
        from accounts.models import Membership, Organization
        from support.models import TicketUserObjectPermission

        if user.is_authenticated and user.is_vendor_staff:
            return self.all()
        if organization is None or not user.is_authenticated:
            return self.none()
        if membership is None or membership.organization_id != organization.pk:
            membership = Membership.objects.filter(user=user, organization=organization).first()
        if membership is None:
            return self.none()
        own = Q(organization=organization)
        sees_all_of_org = membership.is_main_contact or (
            membership.is_technical_contact and organization.share_tickets_with_technical_contacts
        )
        if not sees_all_of_org:
            shared_with_me = TicketUserObjectPermission.objects.filter(
                user=user, permission__codename="follow_ticket"
            ).values("content_object")
            own &= Q(opened_by=user) | Q(pk__in=shared_with_me)
        visible = own
        if organization.is_partner and (
            membership.is_main_contact or membership.is_technical_contact
        ):
            # The end customers by id: PostgreSQL then reads each one's tickets from
            # its index; `organization__managed_by` joins and scans every active ticket.
            end_customers = list(
                Organization.objects.filter(managed_by=organization)
                .order_by()
                .values_list("pk", flat=True)
            )
            if end_customers:
                visible |= Q(organization__in=end_customers, kind=self.model.Kind.SUPPORT)
        return self.filter(visible)

    def active(self):
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def held_by_vendor(self):
        return self.filter(level__in=self.model.VENDOR_LEVELS)

    def by_time_to_breach(self):
        """Soonest deadline first; paused tickets (no running clock) last."""
        return self.order_by(F("sla_due_at").asc(nulls_last=True), "created_at", "id")

    def for_queue(self):
        """The triage queue's rows: only the columns a row shows (a ticket's description
        and the related rows' other columns were 40% of reading a page of rows)."""
        return (
            self.select_related("organization", "subscription__plan", "assignee")
            .only(
                "subject",
                "status",
                "severity",
                "kind",
                "level",
                "sla_due_at",
                "created_at",
                "assignee",
                "organization",
                "subscription",
                "organization__name",
                "organization__managed_by",
                "subscription__plan__name",
                "assignee__full_name",
                "assignee__email",
            )
            .by_time_to_breach()
        )


class CommentQuerySet(TenantQuerySet):
    def public(self):
        return self.filter(is_internal=False)


class AttachmentQuerySet(TenantQuerySet):
    def public(self):
        """Files of the ticket itself or of public comments: never an internal note's."""
        return self.filter(Q(comment__isnull=True) | Q(comment__is_internal=False))


class SLAClockQuerySet(TenantQuerySet):
    def running(self):
        return self.filter(state=self.model.State.RUNNING)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_audiences(self, audiences):
        return self.published().filter(audience__in=audiences)

    def search(self, text):
        """PostgreSQL full-text search ranked by title then body; a plain match on SQLite."""
        text = (text or "").strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            # The stored, weighted document (Article.search_document): the GIN index
            # finds the matches and the rank reads the stored vectors.
            query = SearchQuery(text, config="english", search_type="websearch")
            return (
                self.filter(search_document=query)
                .annotate(rank=SearchRank(F("search_document"), query))
                .order_by("-rank", "title")
            )
        words = text.split()
        matches = Q()
        for word in words:
            matches &= (
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return self.filter(matches)
