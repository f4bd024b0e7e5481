from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .models import (
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProcessForm(forms.ModelForm):
    class Meta:
        model = Process
        fields = [
            "title",
            "territory",
            "territory_key",
            "period_start",
            "period_end",
            "status",
            "description",
            "target_groups",
            "fields_of_action",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "target_groups": forms.CheckboxSelectMultiple,
            "fields_of_action": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, may_set_territory: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.filter(active=True)
        self.fields["fields_of_action"].queryset = FieldOfAction.objects.filter(active=True)
        if not may_set_territory:
            # Shown, not editable: the key decides whose official figures the process reads.
            self.fields["territory_key"].disabled = True
            self.fields["territory_key"].help_text = _("Set by a platform administrator.")


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["kind", "title", "start_date", "end_date", "order", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.process = process
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Position on the timeline; empty puts it last.")


class TargetGroupForm(forms.ModelForm):
    class Meta:
        model = TargetGroup
        fields = ["code", "name", "name_en", "description", "order", "active"]


class FieldOfActionForm(forms.ModelForm):
    class Meta:
        model = FieldOfAction
        fields = ["code", "name", "name_en", "description", "order", "active"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "address", "website", "email", "phone", "notes", "processes"]
        widgets = {"processes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, processes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if processes is not None:
            self.fields["processes"].queryset = processes


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "function",
            "processes",
            "language",
            "consent_to_contact",
            "consent_date",
            "consent_purpose",
            "notes",
        ]
        widgets = {
            "consent_date": DateInput(),
            "processes": forms.CheckboxSelectMultiple,
            "language": forms.Select(
                choices=[
                    ("de", "Deutsch"),
                    ("en", "English"),
                    ("uk", "Українська"),
                    ("ar", "العربية"),
                    ("tr", "Türkçe"),
                    ("ru", "Русский"),
                    ("pl", "Polski"),
                    ("ro", "Română"),
                    ("bg", "Български"),
                    ("fa", "فارسی"),
                ]
            ),
        }

    def __init__(self, *args, processes=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if processes is not None:
            self.fields["processes"].queryset = processes
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if not (data.get("first_name") or data.get("last_name") or data.get("email")):
            raise forms.ValidationError(_("Enter at least a name or an email address."))
        if data.get("consent_to_contact") and not data.get("consent_purpose"):
            self.add_error("consent_purpose", _("Say what the person agreed to be contacted for."))
        return data


class PersonEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that this person asked to be erased. This cannot be undone."),
        required=True,
    )
    reason = forms.CharField(
        label=_("Note (optional, stored without personal data)"), required=False, max_length=200
    )


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ProcessMembership.Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"]
        try:
            self.cleaned_data["member"] = get_user_model().objects.get(
                username=username, is_active=True
            )
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(_("There is no active user with this name.")) from None
        return username
