from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadLimits
from participation.models import TargetGroup

from .models import Area, ColumnMapping, DataRequest, Indicator, Series, Target, Territory


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

    def column_fields(self):
        """Per column: its name, the bound role field and the bound value fields."""
        return [
            (column, self[role_field], [self[name] for name, _value in value_fields])
            for column, role_field, value_fields in self.columns
        ]

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


DIRECTIONS = [
    ("", _("— choose —")),
    ("1", _("Rising is better")),
    ("-1", _("Falling is better")),
    ("context", _("Context figure: no valuation, development only")),
]


class ImportCheckForm(MappingForm):
    """The check step of an upload: the column mapping plus what the file does not say.

    A territory is asked for when rows name none; each new indicator's name, area, unit, type
    and direction are asked for, proposed from the file and its metadata where they say it.
    The choices of the upload step (dry run, skip invalid rows) arrive as initial values.
    """

    territory = forms.ModelChoiceField(
        label=_("Territory of the rows without a territory key"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("— choose —"),
        help_text=_("The file names no territory for these rows; say which one they describe."),
    )

    def __init__(self, *args, check, territories, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check
        self.fields["territory"].queryset = Territory.objects.filter(
            pk__in=[t.pk for t in territories]
        ).order_by("key")
        self.fields["territory"].required = check.needs_territory
        if not check.needs_territory:
            del self.fields["territory"]
        self.proposals = []
        for index, proposal in enumerate(proposals):
            prefix = f"ind_{index}_"
            self.fields[prefix + "name"] = forms.CharField(
                label=_("Name of indicator %(code)s") % {"code": proposal.code},
                max_length=200,
                initial=proposal.name,
                help_text=_("As readers should see it; the metadata gave no usable title.")
                if not proposal.name
                else "",
            )
            self.fields[prefix + "area"] = forms.ModelChoiceField(
                label=_("Area"),
                queryset=Area.objects.all(),
                empty_label=_("— choose —"),
                initial=proposal.area,
            )
            self.fields[prefix + "unit"] = forms.CharField(
                label=_("Unit"), max_length=50, required=False, initial=proposal.unit
            )
            self.fields[prefix + "kind"] = forms.ChoiceField(
                label=_("Type"),
                choices=[
                    (Indicator.Kind.RATE, Indicator.Kind.RATE.label),
                    (Indicator.Kind.COUNT, Indicator.Kind.COUNT.label),
                ],
                initial=proposal.kind,
            )
            self.fields[prefix + "direction"] = forms.ChoiceField(
                label=_("Desired direction"), choices=DIRECTIONS
            )
            self.proposals.append((proposal, prefix))

    def clean(self):
        data = super().clean()
        for _proposal, prefix in self.proposals:
            unit = (data.get(prefix + "unit") or "").strip()
            if data.get(prefix + "kind") == Indicator.Kind.COUNT and _rate_unit(unit):
                self.add_error(
                    prefix + "kind",
                    _("The unit “%(unit)s” is a rate or share, not a count.") % {"unit": unit},
                )
        return data

    def proposal_fields(self):
        """Per new indicator: the proposal and its bound fields, for the template."""
        return [
            (proposal, [self[prefix + n] for n in ("name", "area", "unit", "kind", "direction")])
            for proposal, prefix in self.proposals
        ]

    def indicator_specs(self) -> dict[str, dict]:
        specs = {}
        for proposal, prefix in self.proposals:
            direction = self.cleaned_data[prefix + "direction"]
            context = direction == "context"
            specs[proposal.series] = {
                "code": proposal.code,
                "name": self.cleaned_data[prefix + "name"].strip(),
                "area": self.cleaned_data[prefix + "area"],
                "unit": self.cleaned_data[prefix + "unit"].strip(),
                "kind": self.cleaned_data[prefix + "kind"],
                "category": Indicator.Category.CONTEXT if context else Indicator.Category.OUTCOME,
                "direction": None if context else int(direction),
                "decimals": proposal.decimals,
                "definition": proposal.definition,
                "source": proposal.source,
                "method_notes": proposal.method_notes,
            }
        return specs


def _rate_unit(unit: str) -> bool:
    from .services.import_check import is_rate_unit

    return is_rate_unit(unit)


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "target_group", "value", "year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            category=Indicator.Category.OUTCOME
        ).order_by("code")
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
