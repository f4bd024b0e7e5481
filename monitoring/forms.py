from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from participation.models import TargetGroup

from .models import ColumnMapping, DataRequest, Indicator, Series, Target, Territory


class UploadForm(forms.Form):
    FORMATS = [
        ("auto", _("Recognise automatically")),
        ("opensdg", _("Open SDG CSV")),
        ("official", _("Official statistics table (CSV with ;)")),
        ("xlsx", _("Excel workbook (XLSX)")),
    ]
    file = forms.FileField(label=_("File"), validators=[UploadLimits()])
    metadata = forms.FileField(
        validators=[UploadLimits()],
        label=_("Open SDG metadata (.md, optional)"),
        required=False,
        help_text=_("Creates the indicator from the metadata if it does not exist yet."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="auto")
    dry_run = forms.BooleanField(label=_("Only check, write nothing (dry run)"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows and import the rest"),
        required=False,
        help_text=_("Without this, nothing is written when any row is invalid."),
    )


class MappingForm(forms.Form):
    """One role per dimension column; for target-group columns a target group per value."""

    dry_run = forms.BooleanField(label=_("Only check, write nothing (dry run)"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows and import the rest"), required=False
    )

    def __init__(self, *args, columns: dict[str, list[str]], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        groups = (
            [("", _("— keep as breakdown —"))]
            + [(tg.code, tg.label) for tg in TargetGroup.objects.filter(active=True)]
            + [("__total__", _("All (total)"))]
        )
        self.columns = []
        for index, (column, values) in enumerate(columns.items()):
            spec = initial_mapping.get(column, {})
            role_field = f"role_{index}"
            self.fields[role_field] = forms.ChoiceField(
                label=_("Column “%(column)s”") % {"column": column},
                choices=ColumnMapping.Role.choices,
                initial=spec.get("role", "named"),
            )
            value_fields = []
            for vindex, value in enumerate(values[:30]):
                name = f"value_{index}_{vindex}"
                mapped = (spec.get("values") or {}).get(value, "")
                self.fields[name] = forms.ChoiceField(
                    label=value or _("(blank)"),
                    choices=groups,
                    required=False,
                    initial="__total__"
                    if mapped == "" and value in (spec.get("values") or {})
                    else mapped,
                )
                value_fields.append((name, value))
            self.columns.append((column, role_field, value_fields))

    def mapping(self) -> dict[str, dict]:
        result = {}
        for column, role_field, value_fields in self.columns:
            role = self.cleaned_data[role_field]
            values = {}
            if role == "target_group":
                for name, value in value_fields:
                    chosen = self.cleaned_data.get(name) or ""
                    if chosen == "__total__":
                        values[value] = ""
                    elif chosen:
                        values[value] = chosen
            result[column] = {"role": role, "values": values}
        return result


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "target_group", "value", "year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by("code")
        self.fields["target_group"].queryset = TargetGroup.objects.filter(active=True)


class DataRequestForm(forms.ModelForm):
    series = forms.ModelMultipleChoiceField(
        label=_("Figures"),
        queryset=Series.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DataRequest
        fields = ["title", "owner_name", "owner_email", "series", "year", "territory", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=[t.pk for t in (territories or [])]
        )


class DeliverForm(forms.Form):
    file = forms.FileField(
        label=_("Or upload a file (CSV or XLSX)"),
        required=False,
        help_text=_("Columns: Jahr; AGS; optional Zielgruppe; one column per figure code."),
    )

    def __init__(self, *args, request: DataRequest, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [(0, _("All"))] + [
            (tg.pk, tg.label) for tg in request.process.target_groups.filter(active=True)
        ]
        self.cells = []
        for series in request.series.order_by("name"):
            row = []
            for tg_id, tg_label in groups:
                name = f"v_{series.pk}_{tg_id}"
                self.fields[name] = forms.DecimalField(
                    label=f"{series.label} – {tg_label}",
                    required=False,
                    min_value=0,
                    decimal_places=3,
                    max_digits=15,
                    localize=True,
                )
                row.append(name)
            self.cells.append((series, row))
        self.groups = groups

    def figures(self) -> dict[tuple[int, int], object]:
        result = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("v_") and value is not None:
                _v, series_id, tg_id = name.split("_")
                result[(int(series_id), int(tg_id))] = value
        return result
