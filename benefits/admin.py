from django.contrib import admin

from benefits.models import (
    Commission,
    DealRegistration,
    Lead,
    LeadOffer,
    NewsItem,
    NFRRequest,
    Referral,
)


@admin.register(DealRegistration)
class DealRegistrationAdmin(admin.ModelAdmin):
    list_display = ["company_name", "partner", "status", "has_conflict", "protected_until"]
    list_filter = ["status", "has_conflict"]
    search_fields = ["company_name", "partner__name", "contact_email"]
    readonly_fields = ["normalized_name", "email_domain"]
    raw_id_fields = ["partner", "registered_by", "decided_by", "order_form"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["company_name", "partner", "status", "customer"]
    list_filter = ["status"]
    search_fields = ["company_name", "partner__name"]
    raw_id_fields = ["partner", "customer", "order_form", "submitted_by", "decided_by"]


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    """Read-only: commissions are accrued from paid invoices, never typed in."""

    list_display = ["partner", "invoice", "accrued_on", "currency", "amount"]
    list_filter = ["currency"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["company_name", "country", "status", "created_at"]
    list_filter = ["status"]


@admin.register(LeadOffer)
class LeadOfferAdmin(admin.ModelAdmin):
    list_display = ["lead", "partner", "status", "respond_by"]
    list_filter = ["status"]
    raw_id_fields = ["lead", "partner", "offered_by", "responded_by"]


@admin.register(NFRRequest)
class NFRRequestAdmin(admin.ModelAdmin):
    list_display = ["partner", "plan", "servers", "status", "requested_at"]
    list_filter = ["status"]
    raw_id_fields = ["partner", "subscription", "requested_by", "decided_by"]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "emailed"]
