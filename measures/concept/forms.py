"""Forms of the concept pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.concept import LANGUAGES, Chapter, Concept, Variant


class ConceptForm(forms.ModelForm):
    class Meta:
        model = Concept
        fields = ["title", "subtitle", "publisher"]


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["title", "text", "summary_text", "in_summary"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 14}),
            "summary_text": forms.Textarea(attrs={"rows": 6}),
        }


class GenerateForm(forms.Form):
    variant = forms.ChoiceField(
        label=_("Document"), choices=Variant.choices, widget=forms.RadioSelect, initial="full"
    )
    year = forms.IntegerField(
        label=_("Report year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only for the integration report, e.g. 2024."),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=LANGUAGES, widget=forms.RadioSelect, initial="de"
    )

    def clean(self):
        data = super().clean()
        if data.get("variant") == Variant.REPORT and not data.get("year"):
            self.add_error("year", _("An integration report needs its year."))
        return data


class SummaryForm(forms.Form):
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Strategic goals"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.ModelMultipleChoiceField(
        label=_("Priority measures"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without a choice the summary shows the measures of high priority."),
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        from ..models import Finding, Measure, StrategicGoal

        self.fields["findings"].queryset = Finding.objects.filter(process=process).select_related(
            "field_of_action"
        )
        self.fields["goals"].queryset = StrategicGoal.objects.filter(process=process)
        self.fields["measures"].queryset = Measure.objects.filter(process=process).exclude(
            status=Measure.Status.REJECTED
        )
        self.fields["findings"].label_from_instance = lambda f: f"{f.field_of_action}: {f.title}"
        self.fields["measures"].label_from_instance = lambda m: f"{m.code} {m.title}"
