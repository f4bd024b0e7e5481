"""Build the document from the data: the full concept and the management summary from the
concept's chapters, the yearly integration report (``report.build``) from the monitoring and the
measures' tracking. Returns plain data (``structure.Document``) and a snapshot of what went into
it (for the fingerprint and the comparison of versions).

Runs inside ``translation.override(language)``: every label is in the document's language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core import markdown
from monitoring.models import Area, Indicator, Target

from ..models import Chapter, Concept, Variant
from . import catalogue as cat
from . import indicators as ind
from . import participation
from .formatting import fmt
from .structure import Cell, Document, Heading, Markdown, Table, Text
from .structure import Chapter as DocChapter

Progress = Callable[[int, str], None]


def _noop(_pct: int, _stage: str) -> None:
    return None


def labels() -> dict:
    return {
        "contents": _("Contents"),
        "endnotes": _("Endnotes"),
        "endnote": _("Endnote"),
        "table": pgettext("document caption", "Table"),
        "figure": _("Figure"),
        "note": _("Note"),
        "suppressed": _("withheld to protect small numbers"),
        "toc_hint": _("Update this field (F9) to show the table of contents."),
    }


def empty_snapshot() -> dict:
    return {"measures": {}, "figures": {}, "findings": {}, "goals": {}, "chapters": {}}


def fingerprint(snapshot: dict, *, variant: str, year: int | None, language: str) -> str:
    payload = json.dumps(
        {"snapshot": snapshot, "variant": variant, "year": year, "language": language},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def new_document(concept: Concept, variant: str, language: str, subtitle: str) -> Document:
    doc = Document(
        title=concept.title,
        subtitle=subtitle,
        language=language,
        variant=variant,
        publisher=concept.publisher or concept.process.territory,
        date_label=_("As of %(date)s") % {"date": timezone.localdate().strftime("%d.%m.%Y")},
    )
    doc.labels = labels()
    return doc


def staff_text(doc: Document, chapter: Chapter, *, summary: bool, snapshot: dict) -> list:
    text = chapter.summary_text if summary and chapter.summary_text.strip() else chapter.text
    snapshot["chapters"][chapter.heading] = text
    if not text.strip():
        return []
    return [Markdown(markdown.to_html(text, top_heading=3), markdown.blocks(text))]


def _indicators(process) -> tuple[list[Area], dict[int, list[Indicator]], dict[int, list[Target]]]:
    areas = list(Area.objects.order_by("order", "name"))
    by_area: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.select_related("area").order_by(
        "area__order", "order", "code"
    ):
        by_area.setdefault(indicator.area_id, []).append(indicator)
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(process=process).select_related("target_group"):
        targets.setdefault(target.indicator_id, []).append(target)
    return areas, by_area, targets


def data_blocks(
    doc: Document,
    concept: Concept,
    snapshot: dict,
    progress: Progress,
    *,
    summary: bool,
    start: int,
    end: int,
) -> list:
    process = concept.process
    areas, by_area, targets = _indicators(process)
    if not any(by_area.values()):
        return [doc.note(_("The monitoring holds no indicators yet."))]
    blocks: list = []
    total = sum(len(v) for v in by_area.values()) or 1
    done = 0
    for area in areas:
        items = by_area.get(area.pk, [])
        if not items:
            continue
        blocks.append(Heading(area.label, 3))
        summary_rows = []
        for indicator in items:
            data = ind.load(process, indicator, targets.get(indicator.pk, []))
            done += 1
            progress(
                start + (end - start) * done // total,
                _("Indicator %(code)s") % {"code": indicator.code},
            )
            if summary:
                total_row = data.total
                latest = data.years[-1] if data.years else None
                if total_row is None or latest is None:
                    value = Cell("–", numeric=True)
                elif total_row.withheld(latest):
                    value = Cell(".", numeric=True, suppressed=True)
                else:
                    value = Cell(fmt(total_row.shown(latest), indicator.decimals), numeric=True)
                summary_rows.append(
                    [
                        Cell(f"{indicator.code} {indicator.label}"),
                        Cell(str(latest or "–")),
                        value,
                        Cell(ind.reading(data)),
                    ]
                )
                snapshot["figures"][f"{indicator.code} · {latest}"] = value.text
                continue
            # The heading names the indicator; its code (the key of the definitions
            # annex) stands beneath, so bookmarks and the contents read as words.
            blocks.append(Heading(indicator.label or indicator.code, 4))
            if indicator.label:
                blocks.append(
                    Text(_("Indicator %(code)s") % {"code": indicator.code}, style="small")
                )
            if not data.years:
                blocks.append(
                    doc.note(
                        _("The indicator %(code)s has no values yet.") % {"code": indicator.code}
                    )
                )
                continue
            blocks.append(Text(ind.reading(data), style="lead"))
            blocks.append(Text(_("Trend") + ": " + ind.trend_label(data)))
            blocks.append(ind.figure(doc, data))
            blocks.append(ind.table(doc, data, figures=snapshot["figures"]))
            target_text = ind.targets_text(data)
            if target_text:
                blocks.append(target_text)
        if summary and summary_rows:
            withheld = any(row[2].suppressed for row in summary_rows)
            blocks.append(
                doc.table(
                    Table(
                        _("Key figures: %(area)s") % {"area": area.label},
                        [_("Indicator"), _("Year"), _("County"), _("Reading")],
                        summary_rows,
                        notes=[ind.withheld_note()] if withheld else [],
                        widths=[2.6, 0.7, 0.9, 4.0],
                    )
                )
            )
    return blocks


def annex_indicators(doc: Document) -> list:
    rows = []
    for indicator in Indicator.objects.select_related("area", "numerator", "denominator").order_by(
        "area__order", "order", "code"
    ):
        definition = indicator.definition or indicator.numerator_description
        rows.append(
            [
                Cell(indicator.code),
                Cell(indicator.label),
                Cell(definition or "–"),
                Cell(indicator.source or "–"),
            ]
        )
    if not rows:
        return [doc.note(_("The monitoring holds no indicators yet."))]
    return [
        doc.table(
            Table(
                _("Indicator definitions"),
                [_("Code"), _("Indicator"), _("Definition"), _("Source")],
                rows,
                widths=[0.8, 2.2, 4, 2],
            )
        )
    ]


def annex_glossary(doc: Document, process) -> list:
    blocks: list = [Heading(_("Target groups"), 3)]
    for group in process.target_groups.order_by("order", "name"):
        blocks.append(Text(f"{group.label}: {group.description or '–'}"))
    blocks.append(Heading(_("Fields of action"), 3))
    for field in process.fields_of_action.order_by("order", "name"):
        blocks.append(Text(f"{field.label}: {field.description or '–'}"))
    return blocks


def build(
    concept: Concept,
    *,
    variant: str,
    year: int | None = None,
    language: str = "de",
    progress: Progress | None = None,
) -> tuple[Document, dict]:
    """The document and its snapshot. See the module docstring."""
    progress = progress or _noop
    if variant == Variant.REPORT:
        from . import report

        return report.build(concept, year=year, language=language, progress=progress)
    summary = variant == Variant.SUMMARY
    snapshot = empty_snapshot()
    doc = new_document(concept, variant, language, str(Variant(variant).label))
    process = concept.process
    progress(5, _("Reading the catalogue"))
    catalogue = cat.Catalogue(process)
    chosen = {
        "findings": set(concept.summary_findings.values_list("pk", flat=True)),
        "goals": set(concept.summary_goals.values_list("pk", flat=True)),
        "measures": set(concept.summary_measures.values_list("pk", flat=True)),
    }
    chapters = list(concept.chapters.select_related("field_of_action").order_by("order"))
    if summary:
        chapters = [c for c in chapters if c.in_summary]
    if not chapters:
        doc.chapters.append(
            DocChapter(_("Contents"), "ch-empty", [doc.note(_("The concept has no chapters yet."))])
        )
    for index, chapter in enumerate(chapters, 1):
        pct = 10 + 70 * (index - 1) // max(1, len(chapters))
        progress(pct, chapter.heading)
        blocks = staff_text(doc, chapter, summary=summary, snapshot=snapshot)
        kind = chapter.kind
        generated: list = []
        if kind == Chapter.Kind.PARTICIPATION:
            if summary:
                generated = participation.key_figures(doc, process, snapshot["figures"])
            else:
                generated = participation.all_blocks(doc, process, snapshot["figures"])
        elif kind == Chapter.Kind.DATA:
            end = 10 + 70 * index // max(1, len(chapters))
            generated = data_blocks(
                doc, concept, snapshot, progress, summary=summary, start=pct, end=end
            )
        elif kind == Chapter.Kind.FIELD_OF_ACTION:
            generated = cat.field_blocks(
                doc, catalogue, chapter.field_of_action, snapshot, summary=summary, chosen=chosen
            )
        elif kind == Chapter.Kind.IMPLEMENTATION:
            generated = cat.implementation_blocks(doc, catalogue, snapshot)
        elif kind == Chapter.Kind.ANNEX_MEASURES:
            measures = [m for m in catalogue.measures]
            for m in measures:
                cat.measure_snapshot(m, snapshot)
            if measures:
                doc.measures = max(doc.measures, len(measures))
                generated = [cat.catalogue_table(doc, measures)]
            else:
                generated = [doc.note(_("No measures have been planned yet."))]
        elif kind == Chapter.Kind.ANNEX_INDICATORS:
            generated = annex_indicators(doc)
        elif kind == Chapter.Kind.ANNEX_GLOSSARY:
            generated = annex_glossary(doc, process)
        elif kind == Chapter.Kind.ANNEX_ORGANISATIONS:
            generated = cat.organisations(doc, catalogue)
        if not blocks and not generated:
            blocks = [doc.note(_("This chapter is still empty."))]
        elif not blocks and kind in (Chapter.Kind.FOREWORD, Chapter.Kind.INTRODUCTION):
            blocks = [doc.note(_("This chapter is still empty."))]
        doc.chapters.append(
            DocChapter(chapter.heading, f"ch-{index}", blocks + generated, kind=kind)
        )
    progress(80, _("Document assembled"))
    return doc, snapshot
