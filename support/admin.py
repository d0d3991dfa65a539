from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from support.models import (
    Article,
    ArticleCategory,
    BusinessCalendar,
    Holiday,
    SLAClock,
    Ticket,
)


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "time_zone", "opens_at", "closes_at", "is_default"]
    inlines = [HolidayInline]


class SLAClockInline(admin.TabularInline):
    model = SLAClock
    extra = 0
    can_delete = False
    readonly_fields = [
        "target",
        "target_minutes",
        "state",
        "started_at",
        "due_at",
        "warn_at",
        "remaining_minutes",
        "stopped_at",
        "warned_at",
        "breach_alerted_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(GuardedModelAdmin):
    """Read-mostly: status, level and SLA change only through the portal's services."""

    list_display = ["pk", "subject", "organization", "kind", "severity", "status", "level"]
    list_filter = ["status", "level", "kind", "severity"]
    search_fields = ["subject", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "kind",
        "status",
        "level",
        "subscription",
        "deployment",
        "opened_by",
        "assignee",
        "calendar",
        "sla_due_at",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "escalated_at",
        "escalated_by",
    ]
    inlines = [SLAClockInline]


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "audience", "is_published", "updated_at"]
    list_filter = ["audience", "is_published", "category"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
