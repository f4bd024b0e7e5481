from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from participation.interviews.forms import process_workers
from participation.models import Person, Process, Statement

from .models import COLUMN_KINDS, Column, Vote, Workshop, WorkshopAgendaItem
from .services.protocol import max_photo_bytes


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class WorkshopForm(forms.ModelForm):
    facilitators = UserMultipleChoiceField(
        label=_("facilitators"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "fields_of_action",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "facilitators",
            "description",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "fields_of_action": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = process_workers(process)
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()

    def _post_clean(self):
        pass  # the service validates and saves


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = WorkshopAgendaItem
        fields = ["starts_at", "title", "note"]
        widgets = {"starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def _post_clean(self):
        pass


class InviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("People from the directory"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            Person.objects.filter(processes=process, erased_at__isnull=True)
            .select_related("organisation")
            .order_by("last_name", "first_name")
        )
        self.fields["people"].label_from_instance = lambda p: (
            f"{p.display_name} ({p.organisation})" if p.organisation_id else p.display_name
        )


KIND_CHOICES = [
    (k, label)
    for k, label in Statement.Kind.choices
    if k in {str(v) for kinds in COLUMN_KINDS.values() for v in kinds}
]


class CardForm(forms.Form):
    """A new card: only the text is needed; Enter submits and the next card can be typed."""

    text = forms.CharField(label=_("Card text"), max_length=2000)
    column = forms.ChoiceField(label=_("Column"), choices=Column.choices, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("(default)"))] + KIND_CHOICES, required=False
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class CardEditForm(forms.Form):
    text = forms.CharField(
        label=_("Card text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups (optional)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = process.target_groups.all()


class CardMoveForm(forms.Form):
    column = forms.ChoiceField(label=_("Column"), choices=Column.choices)
    cluster = forms.CharField(label=_("Cluster"), required=False)
    position = forms.IntegerField(label=_("Position"), required=False, min_value=0)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CardChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.text[:120]}"


class ClusterForm(forms.Form):
    title = forms.CharField(label=_("Cluster title"), max_length=200)
    column = forms.ChoiceField(label=_("Column"), choices=Column.choices)
    cards = CardChoiceField(
        label=_("Cards in the cluster"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = cards


class MergeForm(forms.Form):
    cards = CardChoiceField(
        label=_("Cards to merge (the first keeps its number)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Text of the merged card (empty: all texts joined)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, cards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = cards


class AcceptForm(forms.Form):
    text = forms.CharField(
        label=_("Card text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    column = forms.ChoiceField(label=_("Column"), choices=Column.choices)


class VoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=_("Prioritisation"))
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=Vote.Mode.choices,
        initial=Vote.Mode.DOTS,
        widget=forms.RadioSelect,
    )
    cards = CardChoiceField(
        label=_("Idea cards"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters of ideas"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dots_per_participant = forms.IntegerField(
        label=_("Dots per participant"), min_value=1, max_value=20, initial=3
    )
    max_per_item = forms.IntegerField(
        label=_("At most per card"), min_value=1, max_value=20, initial=2
    )

    def __init__(self, *args, cards, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cards"].queryset = cards
        self.fields["clusters"].queryset = clusters


class PhotoForm(forms.Form):
    file = forms.FileField(
        validators=[UploadLimits(limit=max_photo_bytes)],
        label=_("Photo or scan"),
        help_text=_("JPEG, PNG or PDF. Location and camera data are removed from photos."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    caption = forms.CharField(label=_("Caption (optional)"), required=False, max_length=300)


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}
        ),
    )


class ParticipantCardForm(forms.Form):
    text = forms.CharField(
        label=_("Your card"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    column = forms.ChoiceField(
        label=_("Where does it belong?"),
        choices=Column.choices,
        initial=Column.IDEAS,
        widget=forms.RadioSelect,
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class CheckInSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)
