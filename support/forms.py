from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Membership
from subscriptions.models import Deployment, Plan
from support import access, attachments
from support.models import SEVERITY_DEFINITIONS, Article, Ticket

User = get_user_model()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more files, each checked against the size limit and the allow-list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": attachments.ACCEPT})
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attachments")
        kwargs.setdefault("help_text", attachments.describe_limits())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        uploads = [super(AttachmentsField, self).clean(upload, initial) for upload in uploads]
        uploads = [upload for upload in uploads if upload]
        if len(uploads) > settings.SUPPORT_ATTACHMENT_MAX_FILES:
            raise ValidationError(
                f"Attach at most {settings.SUPPORT_ATTACHMENT_MAX_FILES} files at a time."
            )
        errors = []
        for upload in uploads:
            try:
                upload.validated_content_type = attachments.check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


def severity_choices():
    return [
        (number, f"Severity {number} — {label}: {definition}")
        for number, (label, definition) in SEVERITY_DEFINITIONS.items()
    ]


class SubscriptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, subscription):
        return (
            f"{subscription.organization.name} — {subscription.plan.name} "
            f"(until {subscription.ends_on:%Y-%m-%d})"
        )


class DeploymentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, deployment):
        return f"{deployment.name} ({deployment.subscription.organization.name})"


class TicketForm(forms.Form):
    subscription = SubscriptionChoiceField(queryset=None, empty_label=None)
    deployment = DeploymentChoiceField(
        queryset=None,
        required=False,
        empty_label="Not about one deployment",
        help_text="The cloud deployment concerned, if any.",
    )
    severity = forms.TypedChoiceField(
        choices=severity_choices, coerce=int, widget=forms.RadioSelect, label="Severity"
    )
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happens, what you expected, and what you have tried. Logs help.",
    )
    product_version = forms.CharField(
        max_length=40, required=False, label="OpenNebula version", help_text="For example 6.10.2."
    )
    attachments = AttachmentsField()

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        subscriptions = access.subscriptions_to_open_against(membership)
        self.fields["subscription"].queryset = subscriptions
        self.fields["deployment"].queryset = (
            Deployment.objects.live()
            .filter(subscription__in=subscriptions)
            .select_related("subscription__organization")
            .order_by("subscription__organization__name", "name")
        )

    def clean(self):
        data = super().clean()
        deployment, subscription = data.get("deployment"), data.get("subscription")
        if deployment and subscription and deployment.subscription_id != subscription.pk:
            self.add_error("deployment", "This deployment belongs to another subscription.")
        return data


class PresalesForm(forms.Form):
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Your question",
        help_text="The opportunity, the customer's environment and what you need from us.",
    )
    attachments = AttachmentsField()


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label="Your reply")
    attachments = AttachmentsField()
    wait = forms.BooleanField(
        required=False,
        label="Wait for the customer's answer (pauses the SLA clock)",
    )

    def __init__(self, *args, holds=False, reopens=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not holds:
            del self.fields["wait"]
        if reopens:
            self.fields["body"].label = "Your reply (reopens the ticket)"


class InternalNoteForm(forms.Form):
    prefix = "note"  # shares the ticket page with the reply form: distinct ids and labels

    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Internal note",
        help_text="Seen only by OpenNebula staff: never shown or emailed to the customer.",
    )
    attachments = AttachmentsField(help_text="Internal files. " + attachments.describe_limits())


class ResolveForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Resolution message (public, optional)",
    )


class EscalateForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What L1/L2 found and why it needs L3",
    )


class HandBackForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Note to the partner's team (public)",
    )


def support_engineers():
    """Who may hold tickets: active staff with `support.change_ticket`, from a group or
    given directly, and superusers."""
    permission = Q(codename="change_ticket", content_type__app_label="support")
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=Permission.objects.filter(permission))
            | Q(user_permissions__in=Permission.objects.filter(permission))
        )
        .distinct()
        .order_by("email")
    )


def engineer_label(full_name, email):
    return f"{full_name} ({email})" if full_name else email


class EngineerChoices(forms.models.ModelChoiceIterator):
    """The options read as (id, name, email) rows. A User instance and a choice wrapper per
    option, read through a server-side cursor, cost the ticket page 1.6 of its 14.7 ms."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, email in self.queryset.values_list("pk", "full_name", "email"):
            yield (pk, engineer_label(name, email))


class EngineerChoiceField(forms.ModelChoiceField):
    iterator = EngineerChoices

    def label_from_instance(self, user):
        return engineer_label(user.full_name, user.email)


class AssignForm(forms.Form):
    assignee = EngineerChoiceField(queryset=None, label="Assign to", empty_label="Nobody")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = support_engineers()
        self.fields["assignee"].required = False


class BulkAssignForm(forms.Form):
    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(), label="Tickets", widget=forms.CheckboxSelectMultiple
    )
    assignee = EngineerChoiceField(queryset=None, label="Assign the selected tickets to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = Ticket.objects.active().held_by_vendor()
        self.fields["assignee"].queryset = support_engineers()


class QueueFilterForm(forms.Form):
    VIEWS = [("unassigned", "Unassigned"), ("mine", "Mine"), ("all", "All open")]

    view = forms.ChoiceField(choices=VIEWS, required=False, widget=forms.HiddenInput)
    severity = forms.TypedChoiceField(
        choices=[("", "Any severity")] + [(n, f"Severity {n}") for n in SEVERITY_DEFINITIONS],
        coerce=int,
        required=False,
        empty_value=None,
    )
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.all(), required=False, empty_label="Any plan"
    )
    # A name to search for, not a list: thousands of organizations have open tickets.
    organization = forms.CharField(
        required=False, max_length=100, label="Organization", help_text="Name contains"
    )
    status = forms.ChoiceField(
        choices=[("", "Any open status")]
        + [(s.value, s.label) for s in Ticket.Status if s in Ticket.ACTIVE_STATUSES],
        required=False,
    )
    assignee = EngineerChoiceField(queryset=None, required=False, empty_label="Anyone")

    def __init__(self, *args, engineers=None, **kwargs):
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assignee.queryset = support_engineers()
        if engineers is not None:
            # The page lists the engineers already: the choices come from that list (the
            # queryset still checks a submitted value).
            assignee.choices = [("", assignee.empty_label)] + [
                (engineer.pk, assignee.label_from_instance(engineer)) for engineer in engineers
            ]


class ShareForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=None, label="Technical contact", empty_label="Choose a technical contact"
    )

    def __init__(self, *args, ticket, already_shared=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (
            User.objects.filter(
                pk__in=Membership.objects.for_organization(ticket.organization)
                .filter(is_technical_contact=True)
                .values("user")
            )
            .exclude(pk=ticket.opened_by_id)
            .exclude(pk__in=[user.pk for user in already_shared])
            .order_by("email")
        )


class TicketSharingForm(forms.Form):
    share_tickets_with_technical_contacts = forms.BooleanField(
        required=False,
        label="Every technical contact sees every ticket of the organization",
        help_text="Off: each technical contact sees only the tickets they opened or that "
        "you share with them one by one.",
    )


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "slug", "category", "audience", "summary", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}
        help_texts = {"slug": "The article's address: lowercase words joined by hyphens."}
