from django import forms

from accounts.models import Role

ASSIGNABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.MAIN]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    roles = forms.MultipleChoiceField(
        choices=ASSIGNABLE_ROLES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The Main Contact role is handed over, not invited.",
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=ASSIGNABLE_ROLES, widget=forms.CheckboxSelectMultiple, required=False
    )


class OrganizationSwitchForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)
