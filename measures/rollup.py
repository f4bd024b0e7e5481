"""Progress roll-up from measures to goals and fields of action (weighted averages).

Plain data in, plain data out (no Django), so it is tested fast. A measure counts once it is
adopted (adopted, in progress, completed); proposed, rejected and discontinued ones do not.
A parent's progress is the weighted average of its children that have a progress; a child with
weight 0 is shown but not counted. Nothing to count gives ``None`` (not 0 %).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Child:
    key: object
    progress: float | None
    weight: int


def weighted(children: Iterable[Child]) -> float | None:
    total = 0.0
    weights = 0
    for child in children:
        if child.progress is None or child.weight <= 0:
            continue
        total += child.progress * child.weight
        weights += child.weight
    return round(total / weights, 1) if weights else None


@dataclass
class Rollup:
    operational: dict[int, float | None]
    strategic: dict[int, float | None]
    fields: dict[int, float | None]


def roll_up(
    *,
    measures: Iterable[tuple[int, int, int, Iterable[int]]],
    operational: Iterable[tuple[int, int, int]],
    strategic: Iterable[tuple[int, int, int]],
    ungrouped: Iterable[tuple[int, int, int, int]] = (),
) -> Rollup:
    """``measures``: (id, progress, weight, operational goal ids) of counted measures;
    ``operational``: (id, strategic goal id, weight); ``strategic``: (id, field id, weight);
    ``ungrouped``: (id, field id, progress, weight) of counted measures under no goal, which
    count directly in their field of action, beside its strategic goals."""
    by_goal: dict[int, list[Child]] = {}
    for pk, progress, weight, goals in measures:
        for goal in goals:
            by_goal.setdefault(goal, []).append(Child(pk, progress, weight))
    op_progress: dict[int, float | None] = {}
    by_strategic: dict[int, list[Child]] = {}
    for pk, parent, weight in operational:
        op_progress[pk] = weighted(by_goal.get(pk, []))
        by_strategic.setdefault(parent, []).append(Child(pk, op_progress[pk], weight))
    st_progress: dict[int, float | None] = {}
    by_field: dict[int, list[Child]] = {}
    for pk, field, weight in strategic:
        st_progress[pk] = weighted(by_strategic.get(pk, []))
        by_field.setdefault(field, []).append(Child(pk, st_progress[pk], weight))
    for pk, field, progress, weight in ungrouped:
        by_field.setdefault(field, []).append(Child(("measure", pk), progress, weight))
    fields = {field: weighted(children) for field, children in by_field.items()}
    return Rollup(operational=op_progress, strategic=st_progress, fields=fields)
