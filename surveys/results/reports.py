"""Reads of the stored results, shaped for the pages, the API and the report exports.

Everything here reads ``ResultCell`` rows (a few indexed queries) and derives statistics with
the pure ``stats`` module; nothing reads the answers except the free-text list. With
``suppress=True`` (everyone without the raw-data right, and the public page) small counts are
hidden with ``suppression`` and free text is never broken down for small groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import suppression
from core.suppression import suppress_line, suppress_table_with_margins
from participation.models import TargetGroup

from ..i18n import pick
from ..models import SurveyVersion
from ..structure import QuestionDef, Structure
from ..structure import get as get_structure
from . import cells as C
from . import stats
from .aggregation import spec_for
from .models import ResultCell

NO_GROUP = ""


def min_count() -> int:
    return suppression.thresholds().survey


def _label(texts, language: str | None = None) -> str:
    if isinstance(texts, str):
        return texts
    return pick(texts, language or get_language(), "de")


def question_label(q: QuestionDef) -> str:
    return _label(q.text) or q.code


def choice_labels(q: QuestionDef) -> dict[str, str]:
    labels = {c.code: _label(c.label) or c.code for c in q.choices}
    labels.setdefault("other", _("Other"))
    labels.setdefault("dont_know", _("Don't know"))
    if q.type == "yes_no":
        labels.setdefault("yes", _("Yes"))
        labels.setdefault("no", _("No"))
    return labels


def choice_codes(q: QuestionDef) -> list[str]:
    if q.type == "yes_no":
        return ["yes", "no"]
    codes = [c.code for c in q.choices]
    if q.allow_other:
        codes.append("other")
    if q.allow_dont_know:
        codes.append("dont_know")
    return codes


@dataclass
class Breakdown:
    name: str
    label: str
    group_codes: list[str]
    group_labels: dict[str, str]


def breakdowns(version: SurveyVersion, structure: Structure | None = None) -> list[Breakdown]:
    structure = structure or get_structure(version)
    out = []
    for name, code in spec_for(version).breakdowns.items():
        if code is None:
            groups = list(TargetGroup.objects.order_by("order", "name"))
            labels = {g.code: str(g) for g in groups}
            out.append(Breakdown(name, _("Target group"), [g.code for g in groups], labels))
        else:
            q = structure.questions[code]
            labels = choice_labels(q)
            out.append(Breakdown(name, question_label(q), choice_codes(q), labels))
    for b in out:
        b.group_labels[NO_GROUP] = _("No answer")
    return out


def breakdown_by_name(version, name: str) -> Breakdown | None:
    return next((b for b in breakdowns(version) if b.name == name), None)


def _load(version_id: int, question: str, breakdown: str):
    """cells[(breakdown, group)][(metric, row, key)] = count"""
    out: dict = defaultdict(dict)
    rows = ResultCell.objects.filter(
        version_id=version_id, question=question, breakdown__in={"", breakdown}
    ).values_list("breakdown", "group", "metric", "row", "key", "count")
    for b, g, metric, row, key, count in rows:  # appended rows of a key add up
        cell = out[(b, g)]
        cell[(metric, row, key)] = cell.get((metric, row, key), 0) + count
    return out


def _metric(cells: dict, metric: str, row: str = "") -> dict[str, int]:
    return {k: c for (m, r, k), c in cells.items() if m == metric and r == row}


def _hist(cells: dict) -> dict[float, int]:
    return {float(k): c for (m, _r, k), c in cells.items() if m == "v"}


def _pct(value):
    return None if value is None else round(value, 1)


def _line(counts: list[int], total: int, suppress: bool) -> list[bool]:
    if not suppress:
        return [False] * len(counts)
    if total < min_count():
        return [True] * len(counts)
    return suppress_line(counts, min_count(), total)


def _choices_block(counts: dict[str, int], codes, labels, n: int, suppress: bool) -> list[dict]:
    rows = stats.choice_rows(counts, codes, n)
    hidden = _line([r.count for r in rows], sum(r.count for r in rows), suppress)
    return [
        {
            "code": r.code,
            "label": labels.get(r.code, r.code),
            "count": None if h else r.count,
            "pct_respondents": None if h else _pct(r.of_respondents),
            "pct_answers": None if h else _pct(r.of_answers),
            "suppressed": h,
        }
        for r, h in zip(rows, hidden, strict=True)
    ]


def _summary(hist: dict[float, int], suppress: bool) -> dict:
    s = stats.number_summary(hist)
    hidden = suppress and s.n < min_count()
    data = {
        "n": s.n,
        "mean": s.mean,
        "median": s.median,
        "sd": s.sd,
        "q1": s.q1,
        "q3": s.q3,
        "min": s.min,
        "max": s.max,
        "suppressed": hidden,
    }
    if hidden:
        data.update({k: None for k in ("n", "mean", "median", "sd", "q1", "q3", "min", "max")})
    elif suppress:
        # The extremes are single respondents' answers.
        data["min"] = data["max"] = None
    return data


def _cross(
    q: QuestionDef,
    bd: Breakdown,
    by_group: dict,
    overall_counts: dict[str, int],
    overall_hidden: dict[str, bool],
    metric: str,
    row: str,
    codes: list[str],
    labels: dict[str, str],
    suppress: bool,
) -> dict:
    groups = [g for g in bd.group_codes if g in by_group] + (
        [NO_GROUP] if NO_GROUP in by_group else []
    )
    groups += sorted(g for g in by_group if g not in groups)
    counts = {(g, code): c for g in groups for code, c in _metric(by_group[g], metric, row).items()}
    table = stats.cross_table(counts, groups, codes)
    hidden_cells = [[False] * len(codes) for _ in groups]
    hidden_rows = [False] * len(groups)
    if suppress and groups and codes:
        if table.total < min_count():
            hidden_cells = [[True] * len(codes) for _ in groups]
            hidden_rows = [True] * len(groups)
        else:
            result = suppress_table_with_margins(
                table.counts,
                min_count(),
                col_totals=[overall_counts.get(c, 0) for c in codes],
                fixed_col_totals=[overall_hidden.get(c, False) for c in codes],
            )
            hidden_cells, hidden_rows = result.cells, result.row_totals
    any_hidden = any(any(line) for line in hidden_cells) or any(hidden_rows)
    return {
        "groups": [
            {
                "code": g,
                "label": bd.group_labels.get(g, g),
                "total": None if hidden_rows[i] else table.row_totals[i],
                "cells": [
                    {
                        "code": code,
                        "count": None if hidden_cells[i][j] else table.counts[i][j],
                        "row_pct": None
                        if hidden_cells[i][j] or hidden_rows[i]
                        else _pct(table.row_pct[i][j]),
                        "col_pct": None
                        if hidden_cells[i][j] or overall_hidden.get(code)
                        else _pct(table.col_pct[i][j]),
                        "suppressed": hidden_cells[i][j],
                    }
                    for j, code in enumerate(codes)
                ],
            }
            for i, g in enumerate(groups)
        ],
        "columns": [{"code": c, "label": labels.get(c, c)} for c in codes],
        "chi2": table.chi2 if table.chi2_applicable and not any_hidden else None,
        "dof": table.dof if table.chi2_applicable and not any_hidden else None,
        "p_value": table.p_value if table.chi2_applicable and not any_hidden else None,
        "chi2_applicable": table.chi2_applicable and not any_hidden,
    }


def question_result(
    version: SurveyVersion, code: str, *, breakdown: str = "", suppress: bool
) -> dict:
    """The published figures of one question, optionally broken down. See module docstring."""
    structure = get_structure(version)
    q = structure.questions[code]
    cells = _load(version.pk, code, breakdown)
    total = cells.get(("", ""), {})
    n = total.get(("n", "", ""), 0)
    small = suppress and n < min_count()
    data: dict = {
        "survey": version.survey_id,
        "version": version.number,
        "question": code,
        "type": q.type,
        "text": question_label(q),
        "breakdown": breakdown,
        "n": None if small else n,
        "suppressed": small,
        "min_count": min_count() if suppress else None,
    }
    labels = choice_labels(q)
    codes = choice_codes(q)
    bd = breakdown_by_name(version, breakdown) if breakdown else None
    by_group = {g: c for (b, g), c in cells.items() if b == breakdown and breakdown}
    if q.type in ("single", "multiple", "yes_no"):
        data["kind"] = "choices"
        data["choices"] = _choices_block(_metric(total, "c"), codes, labels, n, suppress)
        if bd:
            hidden = {r["code"]: r["suppressed"] for r in data["choices"]}
            data["cross"] = _cross(
                q, bd, by_group, _metric(total, "c"), hidden, "c", "", codes, labels, suppress
            )
    elif q.type in ("rating", "integer", "decimal"):
        data["kind"] = "numbers"
        data["summary"] = _summary(_hist(total), suppress)
        if q.type == "rating":
            scale = [str(v) for v in q.scale] + (["dont_know"] if q.allow_dont_know else [])
            counts = {**_metric(total, "v"), **_metric(total, "c")}
            data["choices"] = _choices_block(counts, scale, labels, n, suppress)
        if bd:
            group_ns = {g: c.get(("n", "", ""), 0) for g, c in by_group.items()}
            order = [g for g in bd.group_codes if g in group_ns] + sorted(
                g for g in group_ns if g not in bd.group_codes
            )
            hidden = _line([group_ns[g] for g in order], sum(group_ns.values()), suppress)
            data["groups"] = [
                {
                    "code": g,
                    "label": bd.group_labels.get(g, g),
                    "summary": _summary(_hist(by_group[g]), suppress)
                    if not h
                    else _summary({}, True) | {"suppressed": True},
                }
                for g, h in zip(order, hidden, strict=True)
            ]
    elif q.type == "matrix":
        data["kind"] = "matrix"
        data["rows"] = []
        for r in q.rows:
            rn = total.get(("n", r.code, ""), 0)
            counts = _metric(total, "c", r.code)
            block = {
                "code": r.code,
                "label": _label(r.label) or r.code,
                "n": None if suppress and rn < min_count() else rn,
                "choices": _choices_block(counts, codes, labels, rn, suppress),
            }
            if bd:
                hidden = {c["code"]: c["suppressed"] for c in block["choices"]}
                block["cross"] = _cross(
                    q, bd, by_group, counts, hidden, "c", r.code, codes, labels, suppress
                )
            data["rows"].append(block)
    elif q.type == "ranking":
        data["kind"] = "ranking"
        ranks: dict[str, dict[int, int]] = defaultdict(dict)
        for (m, row, key), c in total.items():
            if m == "r":
                ranks[row][int(float(key))] = c
        rows = stats.ranking_rows(ranks, [c.code for c in q.choices], n)
        hidden = _line([r.first_place for r in rows], n, suppress)
        data["ranking"] = [
            {
                "code": r.code,
                "label": labels.get(r.code, r.code),
                "n": r.n,
                "mean_rank": None if small or (suppress and r.n < min_count()) else r.mean_rank,
                "first_place": None if h else r.first_place,
                "first_place_share": None if h else _pct(r.first_place_share),
                "suppressed": h,
            }
            for r, h in zip(rows, hidden, strict=True)
        ]
    elif q.type == "date":
        data["kind"] = "months"
        months = _metric(total, "m")
        keys = sorted(months)
        hidden = _line([months[k] for k in keys], sum(months.values()), suppress)
        data["months"] = [
            {"key": k, "count": None if h else months[k], "suppressed": h}
            for k, h in zip(keys, hidden, strict=True)
        ]
    else:
        data["kind"] = "text"
        if bd:
            group_ns = {g: c.get(("n", "", ""), 0) for g, c in by_group.items()}
            order = [g for g in bd.group_codes if g in group_ns] + sorted(
                g for g in group_ns if g not in bd.group_codes
            )
            hidden = _line([group_ns[g] for g in order], sum(group_ns.values()), suppress)
            data["groups"] = [
                {
                    "code": g,
                    "label": bd.group_labels.get(g, g),
                    "n": None if h else group_ns[g],
                    "suppressed": h,
                }
                for g, h in zip(order, hidden, strict=True)
            ]
    if bd:
        data["breakdown_label"] = bd.label
    return data


def survey_overview(version: SurveyVersion, *, suppress: bool) -> dict:
    """Survey-level figures: complete responses, responses per day, funnel, response rate."""
    cells = defaultdict(dict)
    for metric, row, key, count in ResultCell.objects.filter(
        version=version, question="", breakdown=""
    ).values_list("metric", "row", "key", "count"):
        cells[metric][(row, key)] = cells[metric].get((row, key), 0) + count
    structure = get_structure(version)
    responses = cells["resp"].get(("", ""), 0)
    days = sorted((k, c) for (_r, k), c in cells["day"].items())
    hidden = _line([c for _k, c in days], responses, suppress)
    funnel = cells["f"]
    sections = [
        {
            "code": s.code,
            "label": _label(s.title) or s.code,
            "count": _hide_small(funnel.get(("section", s.code), 0), suppress),
        }
        for s in structure.sections
    ]
    inv = cells["inv"]
    rate = None
    if inv.get(("", "sent")):
        rate = round(100.0 * inv.get(("", "completed"), 0) / inv[("", "sent")], 1)
    return {
        "survey": version.survey_id,
        "version": version.number,
        "responses": responses,
        "days": [
            {"key": k, "count": None if h else c, "suppressed": h}
            for (k, c), h in zip(days, hidden, strict=True)
        ],
        "started": _hide_small(funnel.get(("", "started"), 0), suppress),
        "complete": _hide_small(funnel.get(("", "complete"), 0), suppress),
        "funnel": sections,
        "invitations": {
            "total": inv.get(("", "total")),
            "sent": inv.get(("", "sent")),
            "completed": inv.get(("", "completed")),
            "response_rate": rate,
        }
        if inv
        else None,
    }


def _hide_small(value: int, suppress: bool):
    return None if suppress and 0 < value < min_count() else value


def answered_questions(structure: Structure) -> list[QuestionDef]:
    return [q for q in structure.questions.values() if q.type in C.spec_types()]
