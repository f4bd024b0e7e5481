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
    for code, label in q.qtype.extra_labels().items():
        labels.setdefault(code, label)
    return labels


def choice_codes(q: QuestionDef) -> list[str]:
    return q.qtype.choice_codes(q)


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


@dataclass
class ResultContext:
    """What a question type's ``result`` works with: the question's stored cells (overall and
    per group of the breakdown) and the suppression rules of this reader."""

    q: QuestionDef
    total: dict  # (metric, row, key) -> count, all respondents
    by_group: dict  # group -> the same per group of the breakdown
    n: int
    small: bool  # too few respondents to show anything (when suppressing)
    suppress: bool
    bd: Breakdown | None
    codes: list[str]
    labels: dict[str, str]
    min_count: int

    metric = staticmethod(_metric)
    hist = staticmethod(_hist)
    pct = staticmethod(_pct)
    label = staticmethod(_label)
    ranking_rows = staticmethod(stats.ranking_rows)

    def line(self, counts: list[int], total: int) -> list[bool]:
        return _line(counts, total, self.suppress)

    def summary(self, hist: dict, suppress: bool | None = None) -> dict:
        return _summary(hist, self.suppress if suppress is None else suppress)

    def choices_block(self, counts: dict[str, int], codes, n: int) -> list[dict]:
        return _choices_block(counts, codes, self.labels, n, self.suppress)

    def cross(self, counts: dict, hidden: dict, metric: str, row: str) -> dict:
        return _cross(
            self.q,
            self.bd,
            self.by_group,
            counts,
            hidden,
            metric,
            row,
            self.codes,
            self.labels,
            self.suppress,
        )

    def group_sizes(self) -> list[tuple[str, str, int, bool]]:
        """(group, label, respondents, hidden) per group of the breakdown, in its order."""
        group_ns = {g: c.get(("n", "", ""), 0) for g, c in self.by_group.items()}
        order = [g for g in self.bd.group_codes if g in group_ns] + sorted(
            g for g in group_ns if g not in self.bd.group_codes
        )
        hidden = self.line([group_ns[g] for g in order], sum(group_ns.values()))
        return [
            (g, self.bd.group_labels.get(g, g), group_ns[g], h)
            for g, h in zip(order, hidden, strict=True)
        ]


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
    bd = breakdown_by_name(version, breakdown) if breakdown else None
    context = ResultContext(
        q=q,
        total=total,
        by_group={g: c for (b, g), c in cells.items() if b == breakdown and breakdown},
        n=n,
        small=small,
        suppress=suppress,
        bd=bd,
        codes=choice_codes(q),
        labels=choice_labels(q),
        min_count=min_count(),
    )
    data.update(q.qtype.result(q, context))
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
    return [q for q in structure.questions.values() if q.qtype.answered]
