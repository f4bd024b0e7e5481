from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import DateInput
from ..interviews.forms import UserChoiceField, process_workers
from ..models import AgendaItem, Conference, Process, Statement, TopicTable


class ConferenceForm(forms.ModelForm):
    class Meta:
        model = Conference
        fields = ["title", "date", "venue", "capacity", "registration_open", "description"]
        widgets = {"date": DateInput()}

    def _post_clean(self):
        pass


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "title", "speaker", "room"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def _post_clean(self):
        pass


class TopicTableForm(forms.ModelForm):
    facilitator = UserChoiceField(label=_("facilitator"), queryset=None)

    class Meta:
        model = TopicTable
        fields = ["field_of_action", "facilitator", "title"]

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = process_workers(process)
        self.fields["field_of_action"].queryset = process.fields_of_action.all()

    def _post_clean(self):
        pass


class CardForm(forms.Form):
    text = forms.CharField(
        label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Statement.Kind.choices,
        initial=Statement.Kind.OTHER,
        widget=forms.RadioSelect,
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups concerned (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = process.target_groups.all()


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. step-free access, sign language interpreting, induction loop."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my details are stored to organise the conference and deleted afterwards."
        ),
        error_messages={"required": _("Registration needs your consent.")},
    )


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
