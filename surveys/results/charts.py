"""The SVG chart of a question's result, for the results pages and the report exports."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import charts
from core.numbers import localized, localized_month

from . import reports


def _fmt(value: float) -> str:
    return localized(value, 1)


def question_chart(result: dict) -> str:
    """The chart of one question's result (as ``reports.question_result`` gives it), or ``""``."""
    title = result["text"]
    hidden = _("fewer than %(n)s") % {"n": reports.min_count()}
    if result.get("choices"):
        return charts.bar_chart(
            [(c["label"], c["pct_respondents"]) for c in result["choices"]],
            title=title,
            fmt=_fmt,
            suffix=" %",
            hidden_text=hidden,
        )
    if result["kind"] == "ranking":
        return charts.bar_chart(
            [(r["label"], r["mean_rank"]) for r in result["ranking"]],
            title=title,
            fmt=_fmt,
            hidden_text=hidden,
        )
    if result["kind"] == "months":
        return charts.column_chart(
            [(localized_month(m["key"]), m["count"]) for m in result["months"]], title=title
        )
    if result["kind"] == "matrix" and result["rows"]:
        first = result["rows"][0]["choices"][0]["code"] if result["rows"][0]["choices"] else None
        if first:
            return charts.bar_chart(
                [
                    (r["label"], next(c["pct_respondents"] for c in r["choices"]))
                    for r in result["rows"]
                ],
                title=f"{title}: {result['rows'][0]['choices'][0]['label']}",
                fmt=_fmt,
                suffix=" %",
                hidden_text=hidden,
            )
    return ""


def breakdown_chart(result: dict) -> str:
    """The grouped chart of a result broken down by groups (target groups or the answers of
    a question): per answer one bar per group (its share of the group's respondents), or for
    numbers one bar per group (its mean). ``""`` without a breakdown."""
    hidden = _("fewer than %(n)s") % {"n": reports.min_count()}
    label = result.get("breakdown_label", "")
    title = _("%(question)s, by %(breakdown)s") % {"question": result["text"], "breakdown": label}
    cross = result.get("cross")
    if cross and cross["groups"] and cross["columns"]:
        return charts.grouped_bar_chart(
            [c["label"] for c in cross["columns"]],
            [(g["label"], [cell["row_pct"] for cell in g["cells"]]) for g in cross["groups"]],
            title=title,
            fmt=_fmt,
            suffix=" %",
            hidden_text=hidden,
        )
    groups = result.get("groups") or []
    if groups and all(g.get("summary") is not None for g in groups):
        return charts.bar_chart(
            [
                (g["label"], None if g["summary"].get("suppressed") else g["summary"]["mean"])
                for g in groups
            ],
            title=_("%(question)s: mean by %(breakdown)s")
            % {"question": result["text"], "breakdown": label},
            fmt=_fmt,
            hidden_text=hidden,
            labels_above=True,
        )
    return ""
