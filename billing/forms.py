from decimal import Decimal

from django import forms
from django.utils import timezone

from billing.models import Invoice, IssuingEntity
from subscriptions.models import PaymentMethod, Subscription

CUSTOMER_STATUSES = [
    (Invoice.Status.ISSUED, "Issued, not yet due"),
    (Invoice.Status.OVERDUE, "Overdue"),
    (Invoice.Status.PAID, "Paid"),
    (Invoice.Status.VOID, "Void"),
]


class DateInput(forms.DateInput):
    input_type = "date"


class InvoiceFilterForm(forms.Form):
    """The billing portal's filters: status and year."""

    status = forms.ChoiceField(choices=[("", "Any status"), *CUSTOMER_STATUSES], required=False)
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["year"].choices = [("", "Any year")] + [(y, y) for y in years]

    def filter(self, invoices):
        if not self.is_valid():
            return invoices
        if status := self.cleaned_data["status"]:
            invoices = invoices.filter(status=status)
        if year := self.cleaned_data["year"]:
            invoices = invoices.filter(issued_on__year=year)
        return invoices


class StaffInvoiceFilterForm(InvoiceFilterForm):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Invoice.Status.choices], required=False
    )
    kind = forms.ChoiceField(
        choices=[("", "Invoices and credit notes"), *Invoice.Kind.choices], required=False
    )
    entity = forms.ModelChoiceField(
        IssuingEntity.objects.all(), required=False, empty_label="Any issuing entity"
    )
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="Number, organization or purchase order",
    )

    def filter(self, invoices):
        invoices = super().filter(invoices)
        if not self.is_valid():
            return invoices
        if kind := self.cleaned_data["kind"]:
            invoices = invoices.filter(kind=kind)
        if entity := self.cleaned_data["entity"]:
            invoices = invoices.filter(entity=entity)
        if q := self.cleaned_data["q"].strip():
            from django.db.models import Q

            invoices = invoices.filter(
                Q(number__icontains=q)
                | Q(organization__name__icontains=q)
                | Q(purchase_order__icontains=q)
            )
        return invoices


class SubscriptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subscription):
        return (
            f"{subscription.organization.name} — {subscription.plan.name}, "
            f"{subscription.servers} servers ({subscription.starts_on} → {subscription.ends_on})"
            f"{' · ' + subscription.get_channel_display() if subscription.sold_by_id else ''}"
        )


class NewDraftForm(forms.Form):
    subscription = SubscriptionChoiceField(
        Subscription.objects.none(),
        help_text="Resold subscriptions are invoiced to the partner, with its discount.",
    )
    reason = forms.ChoiceField(
        choices=[
            (Invoice.Reason.NEW_TERM, "New subscription: the term's invoice"),
            (Invoice.Reason.RENEWAL, "Renewal: the term's invoice"),
            (Invoice.Reason.ADJUSTMENT, "Adjustment: an empty draft, lines added by hand"),
        ],
        widget=forms.RadioSelect,
        initial=Invoice.Reason.ADJUSTMENT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subscription"].queryset = (
            Subscription.objects.filter(
                status__in=[Subscription.Status.PENDING, Subscription.Status.ACTIVE]
            )
            .select_related("organization", "plan")
            .order_by("organization__name", "-starts_on")
        )


class DraftForm(forms.Form):
    purchase_order = forms.CharField(label="Purchase-order number", max_length=60, required=False)
    payment_terms_days = forms.IntegerField(
        label="Payment terms (days)",
        min_value=0,
        max_value=365,
        help_text="The due date is the issue date plus these days.",
    )
    tax_rate = forms.DecimalField(
        label="Tax rate (%)", min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    notes = forms.CharField(
        label="Notes printed on the invoice",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class LineForm(forms.Form):
    description = forms.CharField(max_length=300)
    quantity = forms.DecimalField(min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    unit_price = forms.DecimalField(
        label="Unit price", min_value=0, max_digits=12, decimal_places=2
    )
    discount_percent = forms.DecimalField(
        label="Discount (%)",
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
    )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label="Why is it void?", widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )


class CreditForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to credit, before tax",
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text="Leave empty to credit everything not yet credited.",
    )
    reason = forms.CharField(
        label="Reason (printed on the credit note)",
        max_length=300,
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label="Payment method", choices=PaymentMethod.choices)
    reference = forms.CharField(
        max_length=100,
        required=False,
        help_text="Bank reference, card transaction or cheque number.",
    )
    received_on = forms.DateField(label="Received on", widget=DateInput)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("A payment cannot be received in the future.")
        return received_on
