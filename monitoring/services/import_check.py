"""What an import will write, shown before anything is written (the check step of the upload).

``import_check`` reads the file the way the import will and says which territories, series,
indicators (with area, unit, type and direction), periods and breakdowns it will write, and what
it cannot tell from the file and its metadata, so that the page asks for it: a file without a
territory column never falls back to the process's county on its own, and an indicator's
direction is never guessed. Reads only; ``values_import`` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from participation.models import Process

from .. import parsing
from ..models import Area, Indicator, Series, Territory
from .catalogue import territory_scope
from .imports import ImportFile, group_problems, parse_file, translated

RATE_UNITS = {"%", "prozent", "percent", "anteil", "quote", "‰", "je 1000", "je 1.000"}


def is_rate_unit(unit: str) -> bool:
    """``%``, ``‰``, "je 1.000 Einwohner", "Quote": a rate or share, never a count."""
    low = unit.strip().lower()
    return low in RATE_UNITS or bool(re.search(r"\b(pro|je|per)\b|%|‰|quote|anteil", low))


def _translation_key(text: str) -> bool:
    """Open SDG metadata often names an indicator by a key of its site's translations
    (``global_indicators.5-3-2-title``) instead of a title."""
    text = text.strip()
    return (
        not text
        or text.lower() == "untitled"
        or bool(re.fullmatch(r"[\w-]+(\.[\w-]+)+", text))
        or "global_indicators" in text
    )


def _common_words(values: list[str]) -> str:
    """The words all values start with ("Arbeitslosenquote …" → "Arbeitslosenquote")."""
    split = [v.split() for v in values if v.strip()]
    if not split:
        return ""
    common = []
    for words in zip(*split, strict=False):
        if all(w == words[0] for w in words):
            common.append(words[0])
        else:
            break
    return " ".join(common).strip(" -–:,(")


def proposed_name(metadata: dict, parsed: parsing.Parsed) -> str:
    """The indicator's title from the metadata, else from the file's own words; blank when
    neither says it (then the page asks)."""
    for key in ("indicator_name", "graph_title", "title", "national_indicator_title"):
        text = str(metadata.get(key) or "")
        if not _translation_key(text):
            return text.strip()[:200]
    for column in parsed.dimension_columns:
        values = [v for v in parsed.column_values.get(column, []) if v]
        name = _common_words(values) if len(values) > 1 else (values[0] if values else "")
        if len(name) >= 4:
            return name[:200]
    return ""


def proposed_decimals(metadata: dict) -> int:
    precision = metadata.get("precision")
    if isinstance(precision, int):
        return precision
    if isinstance(precision, list):
        for item in precision:
            if isinstance(item, dict) and isinstance(item.get("decimals"), int):
                return item["decimals"]
    return 1


@dataclass
class TerritoryLine:
    key: str
    name: str
    rows: int
    known: bool
    in_scope: bool


@dataclass
class SeriesLine:
    code: str
    name: str
    unit: str
    exists: bool
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class IndicatorProposal:
    """A new indicator for a series of an Open SDG file: proposed values, confirmed by staff."""

    series: str
    code: str
    name: str
    unit: str
    kind: str
    decimals: int
    definition: str = ""
    source: str = ""
    method_notes: str = ""
    area: Area | None = None


@dataclass
class ImportCheck:
    file: str
    fmt: str
    source: str
    rows_read: int = 0
    territory_in_file: bool = False
    rows_without_territory: int = 0
    territories: list[TerritoryLine] = field(default_factory=list)
    series: list[SeriesLine] = field(default_factory=list)
    proposals: list[IndicatorProposal] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None
    rows_with_breakdown: int = 0
    breakdown_columns: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    parsed: parsing.Parsed | None = None

    @property
    def needs_territory(self) -> bool:
        return self.rows_without_territory > 0

    @property
    def outside_scope(self) -> list[TerritoryLine]:
        return [t for t in self.territories if t.known and not t.in_scope]


def _plain(text) -> str:
    return re.sub(r"<[^>]+>", "", str(text or "")).strip()


def import_check(
    *,
    file: ImportFile,
    fmt: str,
    process: Process,
    mapping: dict | None = None,
    territory: Territory | None = None,
) -> ImportCheck:
    """What importing ``file`` with ``mapping`` would write. Raises ``parsing.ParseError`` when
    the file cannot be read at all."""
    known_series = set(Series.objects.values_list("code", flat=True))
    used, parsed, source = parse_file(file, fmt=fmt, known_series=known_series, mapping=mapping)
    frame = parsed.frame
    check = ImportCheck(file=file.name, fmt=used, source=source, rows_read=parsed.rows_read)
    check.parsed = parsed
    check.problems = group_problems([translated({"file": file.name, **r}) for r in parsed.rejected])
    if frame.empty:
        return check
    scope = {t.pk for t in territory_scope(process)}
    keys = [str(k or "") for k in frame["territory"]]
    names = [str(n or "") for n in frame["territory_name"]]
    check.territory_in_file = any(keys) or any(names)
    register = {t.key: t for t in Territory.objects.filter(key__in=set(keys) - {""})}
    by_name = {
        t.name: t for t in Territory.objects.filter(name__in=set(names) - {""}, historic=False)
    }
    unresolved = 0
    counts: dict[str, list] = {}
    for key, name in zip(keys, names, strict=True):
        obj = register.get(key) if key else by_name.get(name)
        if obj is None and not key and not name:
            unresolved += 1
            continue
        label = key or name
        entry = counts.setdefault(label, [obj, name, 0])
        entry[2] += 1
    # counted before the chosen territory takes them: the page keeps asking for it
    check.rows_without_territory = unresolved
    if unresolved and territory is not None:
        entry = counts.setdefault(territory.key, [territory, territory.name, 0])
        entry[2] += unresolved
    for label, (obj, name, rows) in sorted(counts.items(), key=lambda i: (i[1][0] is None, i[0])):
        check.territories.append(
            TerritoryLine(
                key=obj.key if obj else label,
                name=obj.name if obj else (name or label),
                rows=rows,
                known=obj is not None,
                in_scope=obj is not None and obj.pk in scope,
            )
        )
    units = frame.drop_duplicates("series").set_index("series")["unit"].to_dict()
    existing = {s.code: s for s in Series.objects.filter(code__in=list(units))}
    info = {i.code: i for i in parsed.series_info}
    metadata = file.metadata or {}
    several = len(units) > 1
    for code, unit in sorted(units.items()):
        unit = str(unit or "") or str(metadata.get("computation_units") or "")
        series = existing.get(code)
        line = SeriesLine(
            code=code,
            name=series.label if series else (info[code].name if code in info else code),
            unit=series.unit if series else unit,
            exists=series is not None,
        )
        if series is not None:
            line.indicators = list(
                Indicator.objects.filter(numerator=series).select_related("area")
            ) + list(Indicator.objects.filter(denominator=series).select_related("area"))
        check.series.append(line)
        if series is None and used == "opensdg":
            number = str(metadata.get("indicator_number") or parsing.opensdg_id(file.name))
            ind_code = (f"{number} ({unit})" if several and unit else number)[:50]
            if Indicator.objects.filter(code=ind_code).exists():
                continue
            check.proposals.append(
                IndicatorProposal(
                    series=code,
                    code=ind_code,
                    name=proposed_name(metadata, parsed),
                    unit=unit[:50],
                    kind=Indicator.Kind.RATE if is_rate_unit(unit) else Indicator.Kind.COUNT,
                    decimals=proposed_decimals(metadata),
                    definition=_plain(metadata.get("national_indicator_description")),
                    source=str(metadata.get("data_source") or "")[:300],
                    method_notes="\n\n".join(
                        _plain(metadata.get(k))
                        for k in ("computation_calculations", "other_info")
                        if metadata.get(k)
                    ),
                    area=area_for(metadata),
                )
            )
    periods = frame.drop_duplicates("period").sort_values(["year", "period"])
    check.periods = [str(p.period_label or p.period) for p in periods.itertuples()]
    check.years = (int(frame["year"].min()), int(frame["year"].max()))
    named = frame["dimensions"].map(bool)
    check.rows_with_breakdown = int(named.sum())
    if check.rows_with_breakdown:
        columns: set[str] = set()
        for dims in frame.loc[named, "dimensions"].head(5000):
            columns.update(dims)
        check.breakdown_columns = sorted(columns)
    return check


def area_for(metadata: dict) -> Area | None:
    """The area named in the metadata, if the platform has it."""
    code = str((metadata or {}).get("area") or "")
    return Area.objects.filter(code=code).first() if code else None


def check_summary_text(check: ImportCheck) -> str:
    """One line for messages: how many rows for which territories."""
    return gettext("%(rows)s rows for %(territories)s") % {
        "rows": check.rows_read,
        "territories": ", ".join(t.name for t in check.territories) or "–",
    }


@dataclass
class WrittenIndicator:
    indicator: Indicator
    years: list[int]
    values_shown: int


def import_run_indicators(*, run, process: Process) -> list[WrittenIndicator]:
    """The indicators an applied import feeds, with the years the process's pages show for
    them, so that the report and the indicator pages can be compared."""
    from ..models import IndicatorValue, Value

    series = list(Value.objects.filter(import_run=run).values_list("series", flat=True).distinct())
    if not series:
        return []
    scope = [t.pk for t in territory_scope(process)]
    out = []
    for indicator in (
        Indicator.objects.filter(numerator__in=series).select_related("area").order_by("code")
    ):
        shown = IndicatorValue.objects.filter(indicator=indicator, territory_id__in=scope)
        out.append(
            WrittenIndicator(
                indicator=indicator,
                years=sorted(set(shown.values_list("year", flat=True))),
                values_shown=shown.count(),
            )
        )
    return out
