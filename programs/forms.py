from django import forms
from django.utils import timezone

from programs.countries import COUNTRIES
from programs.models import (
    AgreementVersion,
    Application,
    Certification,
    Evidence,
    Program,
    Tier,
    Track,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Labelled:
    """Labels without Django's trailing colon, as the rest of the portal's pages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class StartApplicationForm(Labelled, forms.Form):
    company_name = forms.CharField(
        label="Company name",
        max_length=200,
        help_text="The name your partner organization goes by on the portal.",
    )
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Program",
    )

    def __init__(self, *args, needs_company=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_company:
            del self.fields["company_name"]


class ApplicationForm(Labelled, forms.ModelForm):
    """Everything is optional while it is a draft; `services.submission_problems` says what
    a submission needs, and the view shows it as field errors."""

    tier = forms.ChoiceField(
        label="Requested tier",
        choices=[(Tier.Code.STANDARD, "Standard"), (Tier.Code.STRATEGIC, "Strategic")],
        widget=forms.RadioSelect,
        required=False,
        help_text="The Referral program has a single tier.",
    )
    country = forms.ChoiceField(choices=[("", "Choose a country")] + COUNTRIES, required=False)
    website = forms.URLField(required=False, assume_scheme="https")
    opennebula_page = forms.URLField(
        label="Page of your website that shows OpenNebula",
        required=False,
        assume_scheme="https",
        help_text="The program requires OpenNebula to be visible on your site.",
    )
    regions = forms.MultipleChoiceField(
        label="Regions you cover",
        choices=Application.Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    accept_terms = forms.BooleanField(
        label="I accept the program terms and have read the Partner Agreement",
        required=False,
    )

    class Meta:
        model = Application
        fields = [
            "program",
            "track",
            "legal_name",
            "country",
            "website",
            "opennebula_page",
            "company_size",
            "regions",
            "markets",
            "opennebula_expertise",
            "sales_experience",
            "enterprise_edition_use",
            "exclusive_enterprise_edition",
            "support_capability",
            "references",
            "sales_contact_name",
            "sales_contact_email",
            "technical_contact_name",
            "technical_contact_email",
        ]
        labels = {"track": "Solution Services partner type", "legal_name": "Legal name"}
        widgets = {
            "program": forms.RadioSelect,
            "track": forms.RadioSelect,
            "markets": forms.Textarea(attrs={"rows": 2}),
            "opennebula_expertise": forms.Textarea(attrs={"rows": 3}),
            "sales_experience": forms.Textarea(attrs={"rows": 3}),
            "enterprise_edition_use": forms.Textarea(attrs={"rows": 3}),
            "support_capability": forms.Textarea(attrs={"rows": 3}),
            "references": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "track": "Solution Services only. SIs deliver services and OpenNebula supports the "
            "end customer; SPs give L1/L2 support and get L3 support from OpenNebula.",
            "references": "Customers or projects we may ask about (optional).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].empty_label = None
        self.fields["track"].choices = Track.choices
        self.fields["track"].required = False
        self.fields["company_size"].choices = [("", "Choose a size")] + list(
            Application.CompanySize.choices
        )
        if self.instance.requested_tier_id:
            self.initial.setdefault("tier", self.instance.requested_tier.code)
        if self.instance.status != Application.Status.DRAFT:
            del self.fields["accept_terms"]  # accepted on submission

    def application_fields(self):
        """The cleaned data as `services.save_draft` takes it."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        program = data["program"]
        code = self.cleaned_data.get("tier") or Tier.Code.STANDARD
        data["requested_tier"] = (
            program.tiers.filter(code=code).first() or program.tiers.order_by("rank").first()
        )
        data["track"] = data["track"] or ""
        return data

    # Errors of the submission rules arrive under the model's names.
    FIELD_FOR = {"requested_tier": "tier"}

    def add_submission_errors(self, errors):
        for name, message in errors.items():
            self.add_error(self.FIELD_FOR.get(name, name), message)


class AnswerForm(Labelled, forms.Form):
    message = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class AskInformationForm(Labelled, forms.Form):
    message = forms.CharField(
        label="Question for the applicant",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Emailed to the applicant's Main Contact, who answers in the portal.",
    )
    # Hidden and repeated in several forms on one page: no id (ids must be unique).
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": False}))


class ApproveForm(Labelled, forms.Form):
    tier = forms.ModelChoiceField(queryset=Tier.objects.none(), label="Approve at tier")
    # Hidden and repeated in several forms on one page: no id (ids must be unique).
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": False}))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = application.program.tiers.order_by("rank")
        self.fields["tier"].empty_label = None
        self.fields["tier"].label_from_instance = lambda tier: tier.name
        self.initial.setdefault("tier", application.requested_tier_id)
        self.initial.setdefault("version", application.version)


class RejectForm(Labelled, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Emailed to the applicant.",
    )
    # Hidden and repeated in several forms on one page: no id (ids must be unique).
    version = forms.IntegerField(widget=forms.HiddenInput(attrs={"id": False}))


class ReasonForm(Labelled, forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Kept in the history and emailed to the partner.",
    )


class SignatureForm(Labelled, forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=150)
    title = forms.CharField(label="Your title", max_length=150, help_text="e.g. CEO")
    consent = forms.BooleanField(
        label="I have read this Partner Agreement and I sign it electronically on behalf of "
        "my organization; my typed name is my signature.",
        error_messages={"required": "Tick the box to sign the agreement."},
    )
    text_sha256 = forms.CharField(widget=forms.HiddenInput)


class CertificationForm(Labelled, forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "person_name",
            "person_email",
            "kind",
            "certificate_number",
            "issued_on",
            "expires_on",
        ]
        labels = {"kind": "Certification", "certificate_number": "Certificate number"}
        widgets = {"issued_on": DATE, "expires_on": DATE}

    def clean(self):
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and issued > timezone.localdate():
            self.add_error("issued_on", "A certification cannot be issued in the future.")
        if issued and expires and expires <= issued:
            self.add_error("expires_on", "The expiry date must be after the issue date.")
        return cleaned


class ScheduleReviewForm(Labelled, forms.Form):
    scheduled_for = forms.DateField(label="Date", widget=DATE)
    summary = forms.CharField(
        label="Agenda (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )


class ReviewHeldForm(Labelled, forms.Form):
    held_on = forms.DateField(label="Held on", widget=DATE)
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("A meeting cannot be held in the future.")
        return held_on


class EvidenceForm(Labelled, forms.Form):
    kind = forms.ChoiceField(label="Requirement", choices=Evidence.Kind.choices)
    url = forms.URLField(
        label="Link",
        required=False,
        assume_scheme="https",
        help_text="e.g. your page about OpenNebula",
    )
    statement = forms.CharField(
        label="Statement",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, Evidence.Kind(k).label) for k in kinds]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not (cleaned.get("statement") or "").strip():
            self.add_error("url", "Give a link or a statement.")
        return cleaned


class AgreementVersionForm(Labelled, forms.ModelForm):
    class Meta:
        model = AgreementVersion
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 20})}
        help_texts = {
            "body": "Placeholders filled when the agreement is issued: {partner_legal_name}, "
            "{program}, {tier}, {effective_date}."
        }


class ApplicationFilterForm(Labelled, forms.Form):
    AGES = [
        ("", "Any age"),
        ("7", "Waiting over 7 days"),
        ("14", "Over 14 days"),
        ("30", "Over 30 days"),
    ]

    status = forms.ChoiceField(required=False)
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(), required=False, empty_label="All programs"
    )
    country = forms.ChoiceField(required=False)
    age = forms.ChoiceField(choices=AGES, required=False, label="Age")

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [s for s in Application.Status.choices if s[0] != Application.Status.DRAFT]
        self.fields["status"].choices = [("", "Every status")] + statuses
        names = dict(COUNTRIES)
        self.fields["country"].choices = [("", "Every country")] + [
            (code, names.get(code, code)) for code in countries
        ]


class PartnerFilterForm(Labelled, forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.all(), required=False, empty_label="All programs"
    )
    tier = forms.ChoiceField(required=False, choices=[("", "Every tier")] + list(Tier.Code.choices))
    status = forms.ChoiceField(required=False)
    standing = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from programs.models import Enrollment

        self.fields["status"].choices = [("", "Every status")] + list(Enrollment.Status.choices)
        self.fields["standing"].choices = [("", "Any standing")] + list(Enrollment.Standing.choices)
