from django import forms
from django.conf import settings
from django.utils import timezone

from accounts.models import Organization
from benefits.models import DealRegistration, Lead, NewsItem, NFRRequest, Product, Referral
from programs.countries import COUNTRIES as COUNTRY_CHOICES
from programs.models import Program, Tier
from subscriptions.forms import OrderFormForm
from subscriptions.models import Plan, SalesChannel

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
COUNTRY_SELECT = [("", "Choose a country"), *COUNTRY_CHOICES]


class DealForm(forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_SELECT)
    products = forms.MultipleChoiceField(
        choices=Product.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the customer is expected to buy.",
    )

    class Meta:
        model = DealRegistration
        fields = [
            "company_name",
            "country",
            "contact_name",
            "contact_email",
            "expected_value",
            "currency",
            "products",
            "expected_close_on",
            "notes",
        ]
        widgets = {
            "expected_close_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "company_name": "The end customer's company, as it is known.",
            "contact_email": "Their work address: its domain identifies the company.",
            "notes": "Anything that helps us support you in the sale.",
        }

    def clean_expected_close_on(self):
        day = self.cleaned_data["expected_close_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("The expected close date is in the past.")
        return day


class ReferralForm(forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_SELECT)

    class Meta:
        model = Referral
        fields = ["company_name", "country", "contact_name", "contact_email", "need"]
        widgets = {"need": forms.Textarea(attrs={"rows": 4})}
        labels = {"company_name": "Company you refer"}
        help_texts = {
            "contact_email": "Their work address: its domain identifies the company.",
            "need": "What they want to run on OpenNebula, and when.",
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ApproveDealForm(forms.Form):
    discount_percent = forms.DecimalField(
        label="Registration discount (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="Off the list price of the first term, added to the partner's own discounts.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"discount_percent": settings.DEAL_REGISTRATION_DISCOUNT_PERCENT}
        )
        super().__init__(*args, **kwargs)


class PartnerOrderForm(OrderFormForm):
    """The order form of a won deal or a converted referral: the partner is the deal's."""

    def __init__(self, *args, channels=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sold_by"]
        if channels is None:
            del self.fields["channel"]
        else:
            self.fields["channel"].choices = [
                (value, label) for value, label in SalesChannel.choices if value in channels
            ]


# Channels through which a deal's partner sells (not direct, not a referral).
DEAL_CHANNELS = [
    SalesChannel.INTEGRATOR,
    SalesChannel.RESELLER,
    SalesChannel.SOLUTION_PROVIDER,
]


class LeadForm(forms.ModelForm):
    country = forms.ChoiceField(choices=COUNTRY_SELECT)

    class Meta:
        model = Lead
        fields = [
            "company_name",
            "country",
            "contact_name",
            "contact_email",
            "need",
            "estimated_value",
            "currency",
        ]
        widgets = {"need": forms.Textarea(attrs={"rows": 4})}


class EligibleFilterForm(forms.Form):
    """Staff narrow the partners a lead may go to."""

    country = forms.ChoiceField(choices=[("", "Any country"), *COUNTRY_CHOICES], required=False)
    program = forms.ModelChoiceField(
        queryset=Program.objects.exclude(code="referral"), required=False, empty_label="Any program"
    )
    tier = forms.ChoiceField(
        choices=[("", "Any tier"), *[(c, label) for c, label in Tier.Code.choices]],
        required=False,
    )


class OfferLeadForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=Organization.objects.filter(kind=Organization.Kind.PARTNER),
        widget=forms.HiddenInput,
    )


class NFRRequestForm(forms.ModelForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.filter(is_active=True, currency="USD"))
    servers = forms.IntegerField(min_value=1, help_text="Servers the demonstration cloud needs.")

    class Meta:
        model = NFRRequest
        fields = ["plan", "servers", "purpose", "note"]
        widgets = {
            "purpose": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"purpose": "What it is for", "note": "Anything else we should know"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["servers"].max_value = settings.NFR_MAX_SERVERS
        self.fields["servers"].widget.attrs["max"] = settings.NFR_MAX_SERVERS
        self.fields[
            "servers"
        ].help_text = f"Servers the demonstration cloud needs, at most {settings.NFR_MAX_SERVERS}."
        self.fields["purpose"].choices = NFRRequest.Purpose.choices

    def clean_servers(self):
        servers = self.cleaned_data["servers"]
        if servers > settings.NFR_MAX_SERVERS:
            raise forms.ValidationError(
                f"An NFR subscription covers at most {settings.NFR_MAX_SERVERS} servers."
            )
        return servers


class NewsForm(forms.ModelForm):
    tiers = forms.ModelMultipleChoiceField(
        queryset=Tier.objects.select_related("program"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Audience",
        help_text="Leave every box unticked to publish to every partner.",
    )
    email = forms.BooleanField(
        label="Also email it to the Main Contact of each partner in the audience", required=False
    )

    class Meta:
        model = NewsItem
        fields = ["title", "body", "tiers"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Referral", not "Referral Referral": the Referral program's one tier.
        self.fields["tiers"].label_from_instance = lambda tier: (
            tier.program.name if tier.program.name == tier.name else str(tier)
        )


class DealFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *DealRegistration.Status.choices], required=False
    )
    conflicts = forms.BooleanField(label="Conflicts only", required=False)
    q = forms.CharField(label="Company or partner", required=False, max_length=100)


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Referral.Status.choices], required=False
    )
    q = forms.CharField(label="Company or partner", required=False, max_length=100)


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *Lead.Status.choices], required=False)
