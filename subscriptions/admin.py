from django.contrib import admin

from subscriptions.models import (
    Deployment,
    EndCustomerRequest,
    OrderForm,
    Plan,
    ServerRequest,
    SLATarget,
    Subscription,
)


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "support_hours",
        "max_technical_contacts",
        "annual_price_per_server",
        "currency",
        "is_active",
    ]
    inlines = [SLATargetInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["organization", "plan", "status", "servers", "starts_on", "ends_on", "sold_by"]
    list_filter = ["status", "plan", "channel"]
    search_fields = ["organization__name", "purchase_order"]
    raw_id_fields = ["organization", "sold_by", "previous"]
    # Status changes go through subscriptions.services (audited), not the admin.
    readonly_fields = ["status"]


@admin.register(OrderForm)
class OrderFormAdmin(admin.ModelAdmin):
    list_display = ["reference", "organization", "plan", "servers", "processed_at"]
    search_fields = ["reference", "customer_name", "main_contact_email"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "subscription", "created_at", "revoked_at"]
    search_fields = ["name", "token_prefix"]
    exclude = ["token_hash"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(ServerRequest)
admin.site.register(EndCustomerRequest)
