"""Reads of the monitoring app shared by pages, API, exports and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from participation.models import Process, TargetGroup

from .models import Area, Indicator, IndicatorValue, Territory
from .services.catalogue import process_territory, territory_scope


def phase_figures(process: Process) -> list[tuple[str, int]]:
    home = process_territory(process)
    if home is None:
        return []
    values = IndicatorValue.objects.filter(territory=home)
    count = values.values("indicator").distinct().count()
    latest = values.aggregate(latest=Max("year"))["latest"] or 0
    return [(_("Indicators with values"), count), (_("Latest year"), latest)]


def published_values(
    *, process: Process, raw: bool = False, filters: dict | None = None
) -> QuerySet[IndicatorValue]:
    """Indicator values of the process's territory scope; filters by area, indicator, …"""
    scope = [t.pk for t in territory_scope(process)]
    qs = IndicatorValue.objects.filter(territory_id__in=scope).select_related(
        "indicator", "territory", "target_group"
    )
    filters = filters or {}
    if filters.get("area"):
        qs = qs.filter(indicator__area__code=filters["area"])
    if filters.get("indicator"):
        qs = qs.filter(indicator__code=filters["indicator"])
    if filters.get("territory"):
        qs = qs.filter(territory__key=filters["territory"])
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("target_group"):
        code = filters["target_group"]
        qs = (
            qs.filter(target_group__isnull=True)
            if code == "all"
            else qs.filter(target_group__code=code)
        )
    return qs.order_by("indicator__code", "territory__key", "target_group__order", "year", "cell")


COMPARISONS = ("change_previous", "change_base", "cagr", "gap_total", "gap_land", "gap_bund")


def shown(value: IndicatorValue, raw: bool) -> float | None:
    """The figure a reader sees: the raw value for a raw view, else the published one."""
    return value.value if raw else value.published_value


@dataclass(frozen=True)
class Shown:
    """What a reader may see of one indicator value (pages, downloads and the API alike)."""

    value: float | None
    withheld: bool  # small-count protection withholds the value from publication
    hidden: bool  # this reader does not see it: then its comparisons are hidden too
    comparisons: dict[str, float | None]


def value_as_shown(value: IndicatorValue, *, raw: bool) -> Shown:
    """The withheld-value rule: without the raw view a withheld value is not shown, and
    neither are its changes and gaps, which could reveal it."""
    hidden = not raw and value.published_value is None
    return Shown(
        value=shown(value, raw),
        withheld=value.published_value is None and value.value is not None,
        hidden=hidden,
        comparisons={name: None if hidden else getattr(value, name) for name in COMPARISONS},
    )


@dataclass
class Tile:
    indicator: Indicator
    year: int | None = None
    value: float | None = None
    withheld: bool = False
    trend: str = ""
    trend_label: str = ""
    history: list[tuple[int, float | None]] = field(default_factory=list)


@dataclass
class AreaBlock:
    area: Area
    tiles: list[Tile]


def dashboard(*, process: Process, raw: bool = False) -> list[AreaBlock]:
    """One tile per indicator: the county total's latest value, trend and history."""
    home = process_territory(process)
    indicators = list(Indicator.objects.select_related("area").order_by("area__order", "order"))
    rows: dict[int, list[IndicatorValue]] = {}
    if home is not None:
        for value in IndicatorValue.objects.filter(
            territory=home,
            target_group__isnull=True,
            sex="",
            age_group="",
            cell="tg=|sex=|age=",
        ).order_by("year"):
            rows.setdefault(value.indicator_id, []).append(value)
    blocks: dict[int, AreaBlock] = {}
    for indicator in indicators:
        tile = Tile(indicator=indicator)
        series = rows.get(indicator.pk, [])
        if series:
            last = series[-1]
            tile.year = last.year
            tile.value = shown(last, raw)
            tile.withheld = tile.value is None and last.value is not None
            tile.trend = last.trend
            tile.trend_label = last.get_trend_display() if last.trend else ""
            tile.history = [(v.year, shown(v, raw)) for v in series]
        block = blocks.setdefault(indicator.area_id, AreaBlock(area=indicator.area, tiles=[]))
        block.tiles.append(tile)
    return list(blocks.values())


@dataclass
class Line:
    label: str
    key: str
    points: list[tuple[int, float | None]]
    reference: bool = False


def indicator_lines(
    *, process: Process, indicator: Indicator, raw: bool = False, cell_suffix: str = ""
) -> tuple[list[Line], list[int], list[IndicatorValue]]:
    """Lines for the chart: each target group and the total in the county, plus NRW and Bund."""
    home = process_territory(process)
    if home is None:
        return [], [], []
    refs = [t for t in territory_scope(process) if t.level in ("land", "bund")]
    territory_ids = [home.pk] + [t.pk for t in refs]
    values = list(
        IndicatorValue.objects.filter(
            indicator=indicator, territory_id__in=territory_ids, sex="", age_group=""
        )
        .filter(cell__regex=r"^tg=[^|]*\|sex=\|age=" + ("$" if not cell_suffix else ""))
        .select_related("territory", "target_group")
        .order_by("year")
    )
    years = sorted({v.year for v in values})
    groups = {tg.pk: tg for tg in TargetGroup.objects.all()}
    lines: dict[tuple[int, int], Line] = {}
    order = []
    for value in values:
        key = (value.territory_id, value.target_group_id or 0)
        if key not in lines:
            group = groups.get(value.target_group_id)
            label = group.label if group else _("All")
            if value.territory_id != home.pk:
                label = f"{value.territory.name}: {label}"
            lines[key] = Line(
                label=label,
                key=f"{value.territory.key}-{value.target_group_id or 0}",
                points=[],
                reference=value.territory_id != home.pk,
            )
            order.append(key)
        lines[key].points.append((value.year, shown(value, raw)))
    ordered = sorted(
        order, key=lambda k: (k[0] != home.pk, k[1] != 0, groups[k[1]].order if k[1] else 0, k)
    )
    return [lines[k] for k in ordered], years, values


def territory_options(process: Process) -> list[Territory]:
    return territory_scope(process)


def monitoring_processes(*, user, perm: str = "monitoring.view_monitoring") -> list[Process]:
    """Processes whose monitoring ``user`` may see (every role; experts included)."""
    from participation.permissions import roles_of

    qs = Process.objects.all()
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(pk__in=list(roles_of(user)))
    return [p for p in qs.order_by("-period_start") if user.has_perm(perm, p)]
