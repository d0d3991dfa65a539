from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from guardian.admin import GuardedModelAdmin

from accounts.models import AuditEvent, Invitation, Membership, Notification, Organization, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


# Stacked, not tabular: the tabular inline's checkboxes have no labels (axe, `make check`).
class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdmin):
    list_display = ["name", "kind", "country", "managed_by"]
    list_filter = ["kind"]
    search_fields = ["name", "legal_name"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    readonly_fields = ["accepted_at", "accepted_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "organization", "target_repr", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "target_repr", "actor__email"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "template", "status", "attempts"]
    list_filter = ["status", "template"]
    search_fields = ["recipient", "idempotency_key"]
    exclude = ["body", "html_body"]
