"""The standard indicator set, territories and targets."""

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.permissions import require_perm
from participation.models import Process
from participation.services import audit_log

from ..models import Area, Indicator, Series, Target, Territory

STANDARD_FILE = Path(__file__).resolve().parent.parent / "data" / "standard_indicators.yaml"


def standard_set() -> dict:
    with STANDARD_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def standard_indicators_load(*, data: dict | None = None) -> dict[str, int]:
    """Create or update the shipped areas, series, indicators and territories. Idempotent."""
    data = data or standard_set()
    counts = {"areas": 0, "series": 0, "indicators": 0, "territories": 0}
    areas = {}
    for item in data["areas"]:
        area, created = Area.objects.update_or_create(
            code=item["code"],
            defaults={k: item[k] for k in ("name", "name_en", "order")},
        )
        areas[area.code] = area
        counts["areas"] += created
    series = {}
    for item in data["series"]:
        obj, created = Series.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "name_en": item.get("name_en", ""),
                "aggregation": item.get("aggregation", "last"),
                "additive": item.get("additive", True),
                "unit": item.get("unit", ""),
                "source": item.get("source", ""),
            },
        )
        series[obj.code] = obj
        counts["series"] += created
    for order, item in enumerate(data["indicators"], start=1):
        fields = {
            k: item[k]
            for k in (
                "name",
                "name_en",
                "definition",
                "kind",
                "category",
                "unit",
                "direction",
                "source",
                "method_notes",
                "target_group_delimitation",
                "footnotes",
                "reference_date",
                "denominator_scope",
                "target_group_breakdown",
                "decimals",
                "numerator_description",
                "denominator_description",
            )
            if k in item
        }
        fields.setdefault("decimals", 1)
        if fields.get("category") == Indicator.Category.CONTEXT:
            if "direction" in item:
                raise ValueError(f"context indicator {item['code']} must not have a direction")
            fields["direction"] = None
        else:
            fields.setdefault("category", Indicator.Category.OUTCOME)
        fields["area"] = areas[item["area"]]
        fields["numerator"] = series[item["numerator"]]
        fields["denominator"] = series[item["denominator"]] if item.get("denominator") else None
        fields.setdefault("numerator_description", fields["numerator"].name)
        if fields["denominator"]:
            fields.setdefault("denominator_description", fields["denominator"].name)
        fields.setdefault("source", fields["numerator"].source)
        fields["order"] = order
        _obj, created = Indicator.objects.update_or_create(code=item["code"], defaults=fields)
        counts["indicators"] += created
    counts["territories"] = territories_load(data.get("territories", []))
    return counts


def territories_load(items: list[dict]) -> int:
    created_count = 0
    by_key = {}
    for item in items:
        parent = by_key.get(item.get("parent")) or (
            Territory.objects.filter(key=item["parent"]).first() if item.get("parent") else None
        )
        obj, created = Territory.objects.update_or_create(
            key=item["key"],
            defaults={"name": item["name"], "level": item["level"], "parent": parent},
        )
        by_key[obj.key] = obj
        created_count += created
    return created_count


def process_territory(process: Process) -> Territory | None:
    if not process.territory_key:
        return None
    return Territory.objects.filter(key=process.territory_key).first()


def territory_writable(process: Process) -> list[Territory]:
    """The territories whose figures the process's staff write: its own and every territory
    below it (a county and its municipalities). The references above (Land, Bund) are shared
    and written only by platform administrators."""
    home = process_territory(process)
    if home is None:
        return []
    scope = [home]
    frontier = [home.pk]
    while frontier:
        children = list(Territory.objects.filter(parent_id__in=frontier))
        scope.extend(children)
        frontier = [c.pk for c in children]
    return scope


def territory_scope(process: Process) -> list[Territory]:
    """The process's territory, its parts and the territories above it (the references)."""
    scope = territory_writable(process)
    if not scope:
        return []
    node = scope[0]
    while node.parent_id:
        node = node.parent
        scope.append(node)
    return scope


# --- targets ---------------------------------------------------------------------------------


def _require_manage(user, process: Process) -> None:
    require_perm(
        user,
        "monitoring.manage_monitoring",
        process,
        message=_("You may not manage the monitoring of this process."),
    )


@transaction.atomic
def target_save(*, user, process: Process, target: Target | None = None, **data: Any) -> Target:
    """Create or change a target; at most one per indicator and target group in a process."""
    _require_manage(user, process)
    target = target or Target(process=process)
    for field, value in data.items():
        setattr(target, field, value)
    clash = Target.objects.filter(
        process=process, indicator=target.indicator, target_group=target.target_group
    ).exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError(
            {"target_group": _("There is already a target for this indicator and target group.")}
        )
    if target.indicator.is_context:
        raise ValidationError(
            {
                "indicator": _(
                    "“%(indicator)s” is a context indicator: it shows a development and is not "
                    "valued, so it takes no target."
                )
                % {"indicator": target.indicator.label}
            }
        )
    target.full_clean()
    previous = Target.objects.filter(pk=target.pk).values_list("indicator_id", flat=True).first()
    target.save()
    audit_log(actor=user, action="monitoring.target_save", obj=target, process=process)
    _recompute_on_commit({target.indicator_id, previous} - {None})
    return target


@transaction.atomic
def target_delete(*, user, target: Target) -> None:
    _require_manage(user, target.process)
    audit_log(actor=user, action="monitoring.target_delete", obj=target, process=target.process)
    indicator_id = target.indicator_id
    target.delete()
    _recompute_on_commit({indicator_id})


def _recompute_on_commit(indicator_ids: set[int]) -> None:
    """A target decides the trend valuation of its indicator's stored values, so they are
    recomputed (in the worker) once the change is committed."""
    from ..tasks import compute_indicators

    compute_indicators.delay_on_commit(indicator_ids=sorted(indicator_ids))
