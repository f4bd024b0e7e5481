"""Forms of the catalogue pages (input parsing only; the services validate and write)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from monitoring.models import Area, Indicator, Target, Territory
from participation.forms import DateInput
from participation.models import Organisation, Statement, TargetGroup

from .models import CatalogueSettings, Finding, Measure, OperationalGoal, StrategicGoal
from .services.imports import FIELDS


class VersionedForm(forms.ModelForm):
    """Carries the version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def _post_clean(self):
        # The services run the model validation (with the process set); do not run it twice.
        pass


class FindingForm(VersionedForm):
    class Meta:
        model = Finding
        fields = [
            "field_of_action",
            "target_group",
            "title",
            "current_state",
            "target_state",
            "order",
        ]
        widgets = {
            "current_state": forms.Textarea(attrs={"rows": 8}),
            "target_state": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_action"].queryset = process.fields_of_action.all()
        self.fields["target_group"].queryset = process.target_groups.all()
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class StrategicGoalForm(VersionedForm):
    class Meta:
        model = StrategicGoal
        fields = ["field_of_action", "title", "description", "findings", "weight", "order"]
        widgets = {"findings": forms.CheckboxSelectMultiple}

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_of_action"].queryset = process.fields_of_action.all()
        self.fields["findings"].queryset = Finding.objects.filter(process=process)
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class OperationalGoalForm(VersionedForm):
    class Meta:
        model = OperationalGoal
        fields = [
            "strategic_goal",
            "title",
            "description",
            "indicator",
            "target",
            "weight",
            "order",
        ]

    def __init__(self, *args, process, field_of_action=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import indicators_for

        self.fields["strategic_goal"].queryset = StrategicGoal.objects.filter(process=process)
        indicators = indicators_for(field_of_action)
        self.fields["indicator"].queryset = Indicator.objects.all()
        self.fields["indicator"].choices = [("", "---------")] + [
            (i.pk, f"{i.area.label}: {i.label}") for i in indicators
        ]
        self.fields["indicator"].help_text = _(
            "Indicators of the field of action's monitoring areas come first."
        )
        self.fields["target"].queryset = Target.objects.filter(process=process).select_related(
            "indicator", "target_group"
        )
        self.fields["target"].help_text = _(
            "A target of the monitoring (value and year); the baseline is taken from the data."
        )
        self.fields["order"].required = False

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class MeasureForm(VersionedForm):
    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "field_of_action",
            "operational_goals",
            "target_groups",
            "lead_organisation",
            "partners",
            "start_date",
            "end_date",
            "priority",
            "cost_estimate",
            "funding_source",
            "indicators",
            "findings",
            "weight",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "operational_goals": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
            "findings": forms.CheckboxSelectMultiple,
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "indicators": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import indicators_for

        self.fields["field_of_action"].queryset = process.fields_of_action.all()
        self.fields["operational_goals"].queryset = OperationalGoal.objects.filter(process=process)
        self.fields["target_groups"].queryset = process.target_groups.all()
        self.fields["findings"].queryset = Finding.objects.filter(process=process)
        self.fields["lead_organisation"].queryset = Organisation.objects.all()
        self.fields["partners"].queryset = Organisation.objects.all()
        foa = self.instance.field_of_action if self.instance.pk else None
        indicators = indicators_for(foa)
        self.fields["indicators"].queryset = Indicator.objects.all()
        self.fields["indicators"].choices = [
            (i.pk, f"{i.area.label}: {i.label}") for i in indicators
        ]


class ProposeFromStatementsForm(forms.Form):
    statements = forms.ModelMultipleChoiceField(
        label=_("Idea statements"),
        queryset=Statement.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more statements (e.g. the cards of a workshop cluster)."),
    )
    title = forms.CharField(
        label=_("Title of the measure"),
        max_length=300,
        required=False,
        help_text=_("Empty: the first statement's first line."),
    )
    field_of_action = forms.ModelChoiceField(
        label=_("Field of action"),
        queryset=None,
        required=False,
        help_text=_("Empty: the field of action most of the statements name."),
    )

    def __init__(self, *args, process, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statements"].queryset = statements
        self.fields["statements"].label_from_instance = lambda s: (
            f"{s.text[:160]} — {s.source_label}"
        )
        self.fields["field_of_action"].queryset = process.fields_of_action.all()


class TransitionForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the decision (e.g. the committee's vote)."),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = choices


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    done_on = forms.DateField(label=_("Reached on"), widget=DateInput(), required=False)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachment = forms.FileField(
        validators=[UploadLimits(limit=10 * 1024 * 1024)],
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, office document, image or text; up to 10 MB."),
    )

    def __init__(self, *args, measure: Measure, **kwargs):
        from .services.workflow import REPORTABLE

        super().__init__(*args, **kwargs)
        options = [measure.status] + list(REPORTABLE.get(measure.status, ()))
        if measure.status == Measure.Status.ADOPTED:
            options.insert(1, Measure.Status.IN_PROGRESS)
        seen = []
        for s in options:
            if s not in seen:
                seen.append(s)
        self.fields["status"].choices = [(s, Measure.Status(s).label) for s in seen]
        self.fields["progress"].initial = measure.progress


class CiteStatementForm(forms.Form):
    statement = forms.ModelChoiceField(label=_("Statement"), queryset=Statement.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].queryset = statements
        self.fields["statement"].label_from_instance = lambda s: (
            f"{s.text[:120]} — {s.source_label}"
        )


class CiteSurveyFigureForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=None)
    version_number = forms.IntegerField(label=_("Survey version"), min_value=1)
    question_code = forms.CharField(label=_("Question code"), max_length=64)
    breakdown = forms.CharField(
        label=_("Breakdown (optional)"),
        max_length=64,
        required=False,
        help_text=_("As in the figure's address: …/q/<code>/?by=…"),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, process, **kwargs):
        from surveys.models import Survey

        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(process=process)


class CiteIndicatorForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.all())
    territory = forms.ModelChoiceField(label=_("Territory"), queryset=Territory.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2100)
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        required=False,
        queryset=TargetGroup.objects.all(),
        empty_label=_("All (total)"),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, process, field_of_action=None, **kwargs):
        from monitoring.services.catalogue import territory_scope

        from .selectors import indicators_for

        super().__init__(*args, **kwargs)
        indicators = indicators_for(field_of_action)
        self.fields["indicator"].choices = [
            (i.pk, f"{i.area.label}: {i.label}") for i in indicators
        ]
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=[t.pk for t in territory_scope(process)]
        )
        self.fields["target_group"].queryset = process.target_groups.all()


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CatalogueSettings
        fields = ["public", "public_intro", "report_every_days"]


class ReportingLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Lead organisation"), queryset=None)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    contact_email = forms.EmailField(label=_("Email of the contact person"))
    first_due_on = forms.DateField(
        label=_("First report due on"), widget=DateInput(), required=False
    )

    def __init__(self, *args, process, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            led_measures__process=process
        ).distinct()


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        validators=[UploadLimits()],
        label=_("Measure list (XLSX or CSV)"),
        help_text=_("The first row names the columns."),
    )


class ImportMappingForm(forms.Form):
    def __init__(self, *args, columns: list[str], mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– ignore –"))] + [
            (key, f"{label}{' *' if required else ''}") for key, label, required, _s in FIELDS
        ]
        for i, column in enumerate(columns):
            self.fields[f"col_{i}"] = forms.ChoiceField(
                label=column or _("(column %(n)s without name)") % {"n": i + 1},
                choices=choices,
                required=False,
                initial=mapping.get(column, ""),
            )
        self.columns = columns

    def mapping(self) -> dict[str, str]:
        return {c: self.cleaned_data.get(f"col_{i}") or "" for i, c in enumerate(self.columns)}


class AreaLinksForm(forms.Form):
    areas = forms.ModelMultipleChoiceField(
        label=_("Monitoring areas"),
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class WeightsForm(forms.Form):
    """One number field per measure / goal (built from the goal tree)."""

    def __init__(self, *args, tree, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = {}
        for block in tree:
            for goal in block["goals"]:
                self._add("strategic", goal, _("Strategic goal"))
                for op in goal.children:
                    self._add("operational", op, _("Operational goal"))
        for m in measures:
            self._add("measure", m, _("Measure"))

    def _add(self, kind, obj, what):
        name = f"{kind}_{obj.pk}"
        self.fields[name] = forms.IntegerField(
            label=f"{what}: {obj}", min_value=0, max_value=100, initial=obj.weight
        )
        self.keys[name] = (kind, obj.pk)

    def weights(self) -> dict:
        return {self.keys[n]: v for n, v in self.cleaned_data.items() if n in self.keys}
