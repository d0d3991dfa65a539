"""Billing data staff keep in the admin: issuing entities, exchange rates and partner
discounts. Invoices are read-only here: they change only through the billing pages."""

from django.contrib import admin

from billing.models import ExchangeRate, Invoice, IssuingEntity, PartnerDiscount


@admin.register(IssuingEntity)
class IssuingEntityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "currency", "country", "domestic_tax_rate"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "usd_per_unit", "valid_from"]
    list_filter = ["currency"]
    date_hierarchy = "valid_from"


@admin.register(PartnerDiscount)
class PartnerDiscountAdmin(admin.ModelAdmin):
    list_display = ["partner", "percent", "note"]
    raw_id_fields = ["partner"]
    search_fields = ["partner__name"]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "status", "issued_on", "total", "currency"]
    list_filter = ["status", "kind", "entity"]
    search_fields = ["number", "organization__name", "purchase_order"]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
