import django_filters
from django import forms
from django.db.models import Q

from accounts.models import Membership, Organization
from subscriptions.models import (
    EndCustomerRequest,
    PaymentMethod,
    Plan,
    SalesChannel,
    Subscription,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"})

DISTRIBUTION_LIST_HELP = (
    "A distribution list is allowed only if everyone behind it works in the same "
    "administrative domain and is aware of each other's issues."
)


class ContactFields(forms.Form):
    """A named contact; a distribution-list address needs the person's confirmation (SPEC §4)."""

    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()
    is_distribution_list = forms.BooleanField(
        label="This address is a distribution list", required=False
    )
    distribution_list_confirmed = forms.BooleanField(
        label="Everyone behind it is in the same administrative domain and aware of each "
        "other's issues",
        required=False,
        help_text=DISTRIBUTION_LIST_HELP,
    )

    def clean(self):
        data = super().clean()
        if data.get("is_distribution_list") and not data.get("distribution_list_confirmed"):
            self.add_error(
                "distribution_list_confirmed", "Confirm this to name a distribution list."
            )
        return data

    def contact(self):
        return {
            "name": self.cleaned_data.get("name", ""),
            "email": self.cleaned_data["email"].lower(),
            "is_distribution_list": bool(self.cleaned_data.get("is_distribution_list")),
        }


class TechnicalContactFormSet(forms.BaseFormSet):
    def clean(self):
        emails = [
            form.cleaned_data["email"].lower()
            for form in self.forms
            if form.cleaned_data.get("email")
        ]
        if len(emails) != len(set(emails)):
            raise forms.ValidationError("Each technical contact needs a different email address.")

    def contacts(self):
        return [form.contact() for form in self.forms if form.cleaned_data.get("email")]


TechnicalContacts = forms.formset_factory(
    ContactFields, formset=TechnicalContactFormSet, extra=5, max_num=10, validate_max=True
)


class OrderFormForm(forms.Form):
    reference = forms.CharField(
        label="Order form number", max_length=40, help_text="As printed on the signed order form."
    )
    organization = forms.ModelChoiceField(
        label="Existing customer",
        queryset=Organization.objects.filter(kind=Organization.Kind.CUSTOMER),
        required=False,
        help_text="Leave empty for a new customer and fill in its details below.",
    )
    customer_name = forms.CharField(label="New customer: name", max_length=200, required=False)
    customer_legal_name = forms.CharField(label="Legal name", max_length=200, required=False)
    customer_country = forms.CharField(
        label="Country (ISO code)", max_length=2, min_length=2, required=False
    )
    customer_address = forms.CharField(
        label="Billing address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.filter(is_active=True))
    servers = forms.IntegerField(min_value=1, max_value=100000)
    starts_on = forms.DateField(label="Term starts", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Term ends", widget=DATE_INPUT)
    purchase_order = forms.CharField(label="Purchase-order number", max_length=60, required=False)
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices)
    channel = forms.ChoiceField(label="Sold", choices=SalesChannel.choices)
    sold_by = forms.ModelChoiceField(
        label="Partner",
        queryset=Organization.objects.filter(kind=Organization.Kind.PARTNER),
        required=False,
    )
    main_contact_name = forms.CharField(label="Main Contact: name", max_length=150)
    main_contact_email = forms.EmailField(label="Main Contact: email")

    def clean_customer_country(self):
        return self.cleaned_data["customer_country"].upper()

    def clean(self):
        data = super().clean()
        if data.get("organization") and data.get("customer_name"):
            self.add_error("customer_name", "Choose an existing customer or name a new one.")
        return data


class AddTechnicalContactForm(ContactFields):
    prefix = "technical"


class AdministrativeContactForm(forms.Form):
    prefix = "administrative"
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()


class HandOverForm(forms.Form):
    new_main_contact = forms.ModelChoiceField(
        label="New Main Contact", queryset=Membership.objects.none()
    )
    confirm = forms.BooleanField(
        label="I understand I will no longer be the Main Contact of this organization"
    )

    def __init__(self, *args, organization, exclude_user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_main_contact"].queryset = (
            Membership.objects.for_organization(organization)
            .exclude(user=exclude_user)
            .select_related("user")
        )
        self.fields["new_main_contact"].label_from_instance = lambda m: (
            f"{m.user.get_full_name()} <{m.user.email}>"
        )


class ContactDetailsForm(forms.Form):
    full_name = forms.CharField(max_length=150)


class DeploymentForm(forms.Form):
    name = forms.SlugField(
        max_length=60, help_text="Letters, numbers and hyphens, e.g. prod-madrid."
    )


class ServerRequestForm(forms.Form):
    additional_servers = forms.IntegerField(min_value=1, max_value=10000)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Other services you need, or anything we should know.",
    )


class RenewForm(forms.Form):
    ends_on = forms.DateField(label="New term ends", widget=DATE_INPUT)
    servers = forms.IntegerField(min_value=1, required=False, help_text="Leave empty to keep.")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EndCustomerRequestForm(forms.ModelForm):
    class Meta:
        model = EndCustomerRequest
        fields = [
            "name",
            "legal_name",
            "country",
            "main_contact_name",
            "main_contact_email",
            "servers",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}
        labels = {"starts_on": "Term starts", "ends_on": "Term ends"}

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", "The term must end after it starts.")
        return data


class ConfirmEndCustomerForm(forms.Form):
    reference = forms.CharField(
        label="Order reference", max_length=40, help_text="Recorded as the order form number."
    )


class SubscriptionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(choices=Subscription.Status.choices)
    plan = django_filters.ModelChoiceFilter(queryset=Plan.objects.all())
    # A name to search for, not a list of every partner (thousands at scale).
    sold_by = django_filters.CharFilter(
        label="Partner",
        field_name="sold_by__name",
        lookup_expr="icontains",
        help_text="Name contains",
    )
    ends_before = django_filters.DateFilter(
        label="Ending before", field_name="ends_on", lookup_expr="lt", widget=DATE_INPUT
    )

    class Meta:
        model = Subscription
        fields = ["q", "status", "plan", "sold_by", "ends_before"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(organization__name__icontains=value) | Q(purchase_order__icontains=value)
        )
