"""The monitoring in the document: per indicator a table by target group (county total and
NRW/Bund references), its chart with a text alternative, its trend and a one-line reading.

Only published (small-count protected) values are used: a withheld value is shown as "." with
a note, never as a number, and the chart leaves a gap there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core import charts
from monitoring import selectors
from monitoring.models import Indicator, IndicatorValue, Target
from participation.models import Process

from .formatting import fmt, signed
from .structure import MISSING, SUPPRESSED, Cell, Document, Figure, Table, Text

TABLE_YEARS = 6  # the table holds the latest years; the chart shows them all


@dataclass
class Row:
    label: str
    key: str
    reference: bool
    group_id: int | None
    territory_id: int
    values: dict[int, IndicatorValue] = field(default_factory=dict)

    def shown(self, year: int) -> float | None:
        value = self.values.get(year)
        return None if value is None else value.published_value

    def withheld(self, year: int) -> bool:
        value = self.values.get(year)
        return value is not None and value.published_value is None and value.value is not None


@dataclass
class IndicatorData:
    indicator: Indicator
    rows: list[Row]
    years: list[int]
    targets: list[Target]

    @property
    def total(self) -> Row | None:
        return next((r for r in self.rows if not r.reference and r.group_id is None), None)


def load(process: Process, indicator: Indicator, targets: list[Target]) -> IndicatorData:
    lines, years, values = selectors.indicator_lines(process=process, indicator=indicator)
    by_key: dict[str, Row] = {}
    for line in lines:
        by_key[line.key] = None  # keeps the selector's order
    rows: dict[str, Row] = {}
    for value in values:
        key = f"{value.territory.key}-{value.target_group_id or 0}"
        row = rows.get(key)
        if row is None:
            line = next(line for line in lines if line.key == key)
            row = rows[key] = Row(
                label=line.label,
                key=key,
                reference=line.reference,
                group_id=value.target_group_id,
                territory_id=value.territory_id,
            )
        row.values[value.year] = value
    ordered = [rows[key] for key in by_key if key in rows]
    return IndicatorData(indicator=indicator, rows=ordered, years=years, targets=targets)


def _unit_word(indicator: Indicator) -> tuple[str, str]:
    """What the reading calls the figure, and the unit of a change."""
    if indicator.kind == Indicator.Kind.PERCENT:
        return _("The rate"), _("percentage points")
    if indicator.kind == Indicator.Kind.PER_THOUSAND:
        return _("The rate"), _("per thousand points")
    if indicator.kind == Indicator.Kind.COUNT:
        return _("The number"), ""
    return _("The value"), ""


def reading(data: IndicatorData, *, year: int | None = None) -> str:
    """One plain sentence: how the county total moved and whether the target is in reach."""
    indicator = data.indicator
    total = data.total
    if total is None:
        return _("There are no values for the county as a whole yet.")
    years = [y for y in data.years if year is None or y <= year]
    published = [(y, total.shown(y)) for y in years if total.shown(y) is not None]
    latest_year = years[-1] if years else None
    if latest_year is not None and total.withheld(latest_year):
        return _(
            "The latest value (%(year)s) is withheld to protect small numbers; no reading is given."
        ) % {"year": latest_year}
    if len(published) < 2:
        return _("Too few published values for a trend.")
    (first_year, first), (last_year, last) = published[0], published[-1]
    noun, unit = _unit_word(indicator)
    change = last - first
    decimals = indicator.decimals
    if round(change, decimals) == 0:
        sentence = _("%(noun)s has stayed the same since %(year)s") % {
            "noun": noun,
            "year": first_year,
        }
    else:
        amount = fmt(abs(change), decimals)
        if unit:
            amount = f"{amount} {unit}"
        elif indicator.kind == Indicator.Kind.COUNT and first:
            amount = f"{amount} ({fmt(abs(change) / abs(first) * 100, 1)} %)"
        template = (
            _("%(noun)s has risen by %(amount)s since %(year)s")
            if change > 0
            else _("%(noun)s has fallen by %(amount)s since %(year)s")
        )
        sentence = template % {"noun": noun, "amount": amount, "year": first_year}
    target = next((t for t in data.targets if t.target_group_id is None), None)
    if target is not None:
        latest = total.values.get(last_year)
        trend = latest.trend if latest is not None else ""
        words = {
            IndicatorValue.Trend.ON_TRACK: _("target %(year)s within reach"),
            IndicatorValue.Trend.ACCELERATE: _(
                "target %(year)s only within reach if progress speeds up"
            ),
            IndicatorValue.Trend.LIMITED: _("target %(year)s out of reach at this pace"),
            IndicatorValue.Trend.DETERIORATION: _("moving away from the target %(year)s"),
        }
        phrase = words.get(trend, _("target %(year)s: %(value)s"))
        sentence += "; " + phrase % {
            "year": target.year,
            "value": fmt(target.value, decimals),
        }
    return sentence + "."


def trend_label(data: IndicatorData, year: int | None = None) -> str:
    total = data.total
    if total is None or not total.values:
        return _("No trend")
    years = sorted(y for y in total.values if year is None or y <= year)
    if not years:
        return _("No trend")
    latest = total.values[years[-1]]
    if latest.published_value is None:
        return _("No trend")
    return str(latest.get_trend_display()) if latest.trend else _("No trend")


def figure(doc: Document, data: IndicatorData, *, year: int | None = None) -> Figure:
    indicator = data.indicator
    years = [y for y in data.years if year is None or y <= year]
    lines = [
        (row.label, [(y, row.shown(y)) for y in years if y in row.values], row.reference)
        for row in data.rows
    ]
    title = f"{indicator.code} {indicator.label}"
    alt = _(
        "Line chart of %(title)s, %(first)s to %(last)s. %(reading)s "
        "The table below holds every figure."
    ) % {
        "title": title,
        "first": years[0] if years else "",
        "last": years[-1] if years else "",
        "reading": reading(data, year=year),
    }
    svg = charts.line_chart(
        [charts.ChartLine(label, points, ref) for label, points, ref in lines],
        title=title,
        description=alt,
        unit=indicator.unit,
        decimals=indicator.decimals,
        chart_id=f"ind-{indicator.pk}-{doc._figures + 1}",
    )
    return doc.figure(
        Figure(
            svg=svg,
            alt=alt,
            caption=title,
            lines=lines,
            unit=indicator.unit,
            decimals=indicator.decimals,
        )
    )


def table(
    doc: Document, data: IndicatorData, *, year: int | None = None, figures: dict | None = None
) -> Table:
    """The indicator's values by target group; ``figures`` collects them for the snapshot."""
    indicator = data.indicator
    years = [y for y in data.years if year is None or y <= year][-TABLE_YEARS:]
    withheld = False
    rows = []
    for row in data.rows:
        cells = [Cell(row.label)]
        for y in years:
            if row.withheld(y):
                withheld = True
                cells.append(Cell(SUPPRESSED, suppressed=True, numeric=True))
            elif row.shown(y) is None:
                cells.append(Cell(MISSING, numeric=True))
            else:
                cells.append(Cell(fmt(row.shown(y), indicator.decimals), numeric=True))
            if figures is not None:
                figures[f"{indicator.code} · {row.label} · {y}"] = cells[-1].text
        rows.append(cells)
    notes = []
    if indicator.unit:
        notes.append(_("Unit: %(unit)s.") % {"unit": indicator.unit})
    if indicator.source:
        notes.append(_("Source: %(source)s.") % {"source": indicator.source})
    if withheld:
        notes.append(withheld_note())
    if len(data.years) > len(years):
        notes.append(
            _("The table shows the latest %(n)s years; the chart shows all years.")
            % {"n": len(years)}
        )
    return doc.table(
        Table(
            caption=f"{indicator.code} {indicator.label}",
            header=[_("Group")] + [str(y) for y in years],
            rows=rows,
            notes=[" ".join(notes)] if notes else [],
            widths=[3.0] + [1.0] * len(years),
        )
    )


def withheld_note() -> str:
    return _(
        "“.” = withheld to protect small numbers (too few cases to publish the figure safely)."
    )


def targets_text(data: IndicatorData) -> Text | None:
    if not data.targets:
        return None
    parts = []
    for target in data.targets:
        group = target.target_group.label if target.target_group_id else _("all")
        parts.append(
            _("%(group)s: %(value)s by %(year)s")
            % {
                "group": group,
                "value": fmt(target.value, data.indicator.decimals),
                "year": target.year,
            }
        )
    return Text(_("Targets") + ": " + "; ".join(parts) + ".")


def change_cell(data: IndicatorData, row: Row, year: int) -> Cell:
    value = row.values.get(year)
    if value is None or value.published_value is None:
        return Cell(
            SUPPRESSED if row.withheld(year) else MISSING,
            numeric=True,
            suppressed=row.withheld(year),
        )
    return Cell(signed(value.change_previous, data.indicator.decimals), numeric=True)
