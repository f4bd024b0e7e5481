from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits

from ..forms import DateInput
from ..models import (
    Code,
    FieldOfAction,
    GuideQuestion,
    Interview,
    Person,
    Process,
    Statement,
    TargetGroup,
)
from .selectors import facilitator_choices, process_workers  # noqa: F401 (re-exported)
from .transcripts import TranscriptFileError, read_transcript, segments

MAX_UPLOAD_BYTES = getattr(settings, "TEILHABE_TRANSCRIPT_MAX_BYTES", 2 * 1024 * 1024)
# A transcript is text: its .docx unpacks to a few times that, never to tens of megabytes.
TRANSCRIPT_MAX_UNPACKED_BYTES = 10 * 1024 * 1024


def upload_messages() -> dict:
    return {
        "too_large": str(_("The file {name} is larger than {limit}. Upload a smaller file.")),
        "extension": str(
            _("The file {name} is a {ext} file. Only .txt and .docx files can be read.")
        ),
        "empty": str(_("The file {name} contains no text.")),
        "docx": str(_("The file {name} cannot be read as a Word document (.docx).")),
        "encoding": str(_("The file {name} is not a plain text file.")),
    }


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{full} ({obj.get_username()})" if full else obj.get_username()


class InterviewForm(forms.ModelForm):
    facilitator = UserChoiceField(label=_("facilitator"), queryset=None)
    upload = forms.FileField(
        validators=[
            UploadLimits(limit=MAX_UPLOAD_BYTES, max_unpacked=TRANSCRIPT_MAX_UNPACKED_BYTES)
        ],
        label=_("Upload transcript or summary"),
        required=False,
        help_text=_("A .txt or .docx file; it replaces the text above."),
    )

    class Meta:
        model = Interview
        fields = [
            "held_on",
            "facilitator",
            "interviewee",
            "interviewee_pseudonym",
            "target_group",
            "fields_of_action",
            "consent_given_on",
            "consent_scope",
            "text_kind",
            "transcript",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "consent_given_on": DateInput(),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "text_kind": forms.RadioSelect,
            "transcript": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, process: Process, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.process = process
        self.fields["facilitator"].queryset = facilitator_choices(process=process, user=user)
        self.fields["interviewee"].queryset = Person.objects.filter(
            processes=process, erased_at__isnull=True
        )
        self.fields["interviewee"].label_from_instance = lambda p: (
            f"{p.display_name} ({p.pseudonym})"
        )
        self.fields["target_group"].queryset = process.target_groups.all()
        self.fields["fields_of_action"].queryset = process.fields_of_action.all()
        self.fields["transcript"].help_text = _(
            "Can only be stored once consent is recorded. Put each speaker turn on its own line."
        )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                upload_messages()["too_large"].format(
                    name=upload.name, limit=f"{MAX_UPLOAD_BYTES // 1024} KB", ext=""
                )
            )
        try:
            return read_transcript(
                upload.name,
                upload.read(),
                max_bytes=MAX_UPLOAD_BYTES,
                messages=upload_messages(),
            ), upload.name
        except TranscriptFileError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if data.get("interviewee") and data.get("interviewee_pseudonym"):
            self.add_error(
                "interviewee_pseudonym",
                _("Choose either a person or a pseudonym for the interviewee (not both)."),
            )
        elif not data.get("interviewee") and not data.get("interviewee_pseudonym"):
            self.add_error(
                "interviewee_pseudonym",
                _("Choose a person or enter a pseudonym for the interviewee."),
            )
        if data.get("consent_given_on") and not data.get("consent_scope"):
            self.add_error("consent_scope", _("Say what the interviewee agreed to."))
        upload = data.pop("upload", None)
        if upload:
            data["transcript"], data["transcript_filename"] = upload
        return data

    def _post_clean(self):
        # Validation (constraints included) happens in the service, which names the fields.
        pass


class GuideQuestionForm(forms.ModelForm):
    class Meta:
        model = GuideQuestion
        fields = ["order", "text", "note"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.process = process
        self.fields["order"].required = False
        self.fields["order"].help_text = _("Position in the guide; empty puts it last.")

    def _post_clean(self):
        pass


class CodeChoiceField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, paths: dict[int, str] | None = None, **kwargs):
        self.paths = paths or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.paths.get(obj.pk, obj.name)


class CodeForm(forms.ModelForm):
    class Meta:
        model = Code
        fields = ["name", "parent", "field_of_action", "order", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, process: Process, paths: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.process = process
        parents = Code.objects.filter(process=process)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda c: paths.get(c.pk, c.name)
        self.fields["field_of_action"].queryset = process.fields_of_action.all()
        self.fields["field_of_action"].help_text = _("Empty: taken from the parent code.")

    def _post_clean(self):
        pass


class PassageForm(forms.Form):
    """Choose a passage by numbered sentences (works without JavaScript) or by character
    offsets (filled in by the mouse selection when JavaScript runs)."""

    start_segment = forms.ChoiceField(label=_("From sentence"), required=False)
    end_segment = forms.ChoiceField(label=_("To sentence"), required=False)
    start = forms.IntegerField(
        label=_("or from character"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    end = forms.IntegerField(
        label=_("to character"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    codes = CodeChoiceField(
        label=_("Codes"), queryset=Code.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(
        label=_("Kind of statement"),
        choices=Statement.Kind.choices,
        initial=Statement.Kind.OTHER,
        widget=forms.RadioSelect,
    )
    memo = forms.CharField(
        label=_("Memo (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, interview: Interview, paths: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.segments = {s.number: s for s in segments(interview.transcript)}
        choices = [("", "–")] + [
            (number, f"{number}: {s.text[:50]}{'…' if len(s.text) > 50 else ''}")
            for number, s in self.segments.items()
        ]
        self.fields["start_segment"].choices = choices
        self.fields["end_segment"].choices = choices
        self.fields["codes"].queryset = Code.objects.filter(process=interview.process)
        self.fields["codes"].paths = paths
        # The code tree in depth-first order (sub-codes right under their parent).
        self.fields["codes"].choices = list(paths.items())
        self.fields["start"].help_text = _(
            "Selecting text in the transcript with the mouse fills these in."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None or end is not None:
            if start is None or end is None:
                raise forms.ValidationError(_("Enter both the first and the last character."))
            return data
        first, last = data.get("start_segment"), data.get("end_segment")
        if not first:
            raise forms.ValidationError(
                _("Choose the passage: a first and last sentence, or character positions.")
            )
        last = last or first
        a, b = self.segments[first], self.segments[last]
        if b.start < a.start:
            self.add_error("end_segment", _("The last sentence must not come before the first."))
            return data
        data["start"], data["end"] = a.start, b.end
        return data


class CodingFilterForm(forms.Form):
    target_group = forms.ModelChoiceField(
        label=_("Target group"), queryset=TargetGroup.objects.all(), required=False
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Field of action"), queryset=FieldOfAction.objects.all(), required=False
    )

    def __init__(self, *args, process: Process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_group"].queryset = process.target_groups.all()
        self.fields["field_of_action"].queryset = process.fields_of_action.all()
