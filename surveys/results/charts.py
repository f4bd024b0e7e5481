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
        return matrix_chart(result)
    return ""


def matrix_chart(result: dict) -> str:
    """Per row of a matrix the whole distribution of its answers: one bar per row split into
    the answers' shares of the row's respondents, with a legend. The answers (the scale, and
    "don't know" where offered) are taken in the order the rows list them."""
    hidden = _("fewer than %(n)s") % {"n": reports.min_count()}
    segments: dict[str, str] = {}
    for row in result["rows"]:
        for choice in row["choices"]:
            segments.setdefault(choice["code"], choice["label"])
    if not segments:
        return ""
    rows = []
    for row in result["rows"]:
        shares = {c["code"]: c["pct_respondents"] for c in row["choices"]}
        rows.append((row["label"], [shares.get(code) for code in segments]))
    return charts.stacked_bar_chart(
        list(segments.values()),
        rows,
        title=_("%(question)s: answers per row") % {"question": result["text"]},
        fmt=_fmt,
        suffix=" %",
        hidden_text=hidden,
    )


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
