"""The yearly integration report: the monitoring and the measures' implementation tracking for
one year, and what changed since last year's report.

"Last year's report" is the newest stored report version for the year before; without one, the
changes are read from the data (indicator values of both years, status decisions of the year).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Concept, ConceptVersion, Measure, MeasureDecision, ProgressReport, Variant
from . import catalogue as cat
from . import compare
from . import indicators as ind
from .formatting import date, fmt
from .gather import Progress, _indicators, empty_snapshot, new_document
from .structure import MISSING, SUPPRESSED, Bullets, Cell, Chapter, Document, Heading, Table, Text


def _value_cell(row: ind.Row, year: int, decimals: int) -> Cell:
    if row.withheld(year):
        return Cell(SUPPRESSED, suppressed=True, numeric=True)
    shown = row.shown(year)
    return Cell(MISSING if shown is None else fmt(shown, decimals), numeric=True)


def indicator_chapter(
    doc: Document, concept: Concept, year: int, snapshot: dict, progress: Progress
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
        for indicator in items:
            done += 1
            progress(10 + 50 * done // total, _("Indicator %(code)s") % {"code": indicator.code})
            data = ind.load(process, indicator, targets.get(indicator.pk, []))
            # The heading names the indicator; its code (the key of the definitions
            # annex) stands beneath, so bookmarks and the contents read as words.
            blocks.append(Heading(indicator.label or indicator.code, 4))
            if indicator.label:
                blocks.append(
                    Text(_("Indicator %(code)s") % {"code": indicator.code}, style="small")
                )
            if year not in data.years:
                blocks.append(
                    doc.note(
                        _("The indicator %(code)s has no values for %(year)s.")
                        % {"code": indicator.code, "year": year}
                    )
                )
                continue
            blocks.append(Text(ind.reading(data, year=year), style="lead"))
            group_targets = {t.target_group_id: t for t in data.targets}
            rows = []
            withheld = False
            for row in data.rows:
                value = _value_cell(row, year, indicator.decimals)
                withheld = withheld or value.suppressed
                if row.reference:
                    change = Cell(MISSING, numeric=True)
                    target_text = MISSING
                else:
                    change = ind.change_cell(data, row, year)
                    target = group_targets.get(row.group_id)
                    target_text = (
                        f"{fmt(target.value, indicator.decimals)} ({target.year})"
                        if target
                        else MISSING
                    )
                trend = MISSING
                current = row.values.get(year)
                if current is not None and current.published_value is not None and current.trend:
                    trend = str(current.get_trend_display())
                rows.append([Cell(row.label), value, change, Cell(target_text), Cell(trend)])
                snapshot["figures"][f"{indicator.code} · {row.label} · {year}"] = value.text
                if year - 1 in row.values:
                    snapshot["figures"][f"{indicator.code} · {row.label} · {year - 1}"] = (
                        _value_cell(row, year - 1, indicator.decimals).text
                    )
            notes = []
            if indicator.source:
                notes.append(_("Source: %(source)s.") % {"source": indicator.source})
            if withheld:
                notes.append(ind.withheld_note())
            blocks.append(
                doc.table(
                    Table(
                        f"{indicator.code} {indicator.label} ({year})",
                        [
                            _("Group"),
                            str(year),
                            _("Change to %(year)s") % {"year": year - 1},
                            _("Target"),
                            _("Trend"),
                        ],
                        rows,
                        notes=[" ".join(notes)] if notes else [],
                        widths=[3, 1, 1.2, 1.3, 2],
                    )
                )
            )
            blocks.append(ind.figure(doc, data, year=year))
    return blocks


def measures_chapter(doc: Document, catalogue: cat.Catalogue, year: int, snapshot: dict) -> list:
    measures = [
        m
        for m in catalogue.measures
        if m.status not in (Measure.Status.REJECTED, Measure.Status.PROPOSED)
    ]
    if not measures:
        return [doc.note(_("No adopted measures yet."))]
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(
        measure__process=catalogue.process, reported_on__year__lte=year
    ).order_by("measure_id", "-reported_on", "-id"):
        latest.setdefault(report.measure_id, report)
    blocks: list = []
    by_field: dict = {}
    for m in measures:
        by_field.setdefault(m.field_of_action, []).append(m)
        cat.measure_snapshot(m, snapshot)
    doc.measures = len(measures)
    for field, items in sorted(by_field.items(), key=lambda fi: (fi[0].order, fi[0].name)):
        blocks.append(Heading(field.label, 3))
        avg = sum(m.progress for m in items) / len(items)
        blocks.append(
            Text(
                _("%(n)s measures, on average %(p)s %% implemented.")
                % {"n": fmt(len(items)), "p": fmt(avg, 0)}
            )
        )
        rows = []
        for m in items:
            report = latest.get(m.pk)
            last = MISSING
            if report is not None:
                last = date(report.reported_on)
                if report.note:
                    last += ": " + report.note.strip()[:200]
            rows.append(
                [
                    Cell(m.code),
                    Cell(m.title),
                    Cell(m.lead_organisation.name if m.lead_organisation_id else MISSING),
                    Cell(str(m.get_status_display())),
                    Cell(f"{m.progress} %", numeric=True),
                    Cell(last),
                ]
            )
        blocks.append(
            doc.table(
                Table(
                    _("Implementation of the measures: %(field)s") % {"field": field.label},
                    [
                        _("No."),
                        _("Measure"),
                        _("Lead organisation"),
                        _("Status"),
                        _("Progress"),
                        _("Latest report"),
                    ],
                    rows,
                    widths=[0.8, 3.2, 1.8, 1.1, 0.9, 3],
                )
            )
        )
    return blocks


def changes_chapter(doc: Document, concept: Concept, year: int, snapshot: dict) -> list:
    previous = (
        ConceptVersion.objects.filter(concept=concept, variant=Variant.REPORT, year=year - 1)
        .order_by("-number")
        .first()
    )
    blocks: list = []
    if previous is not None:
        blocks.append(
            Text(
                _("Compared with the integration report %(year)s (version %(n)s of %(date)s).")
                % {"year": year - 1, "n": previous.number, "date": date(previous.created_at)}
            )
        )
        diff = compare.diff(previous.snapshot, snapshot)
        # Figures of other years are expected to differ between two reports: only the
        # measures, findings and goals are compared here; the figures follow below.
        diff.figures_moved, diff.figures_added, diff.figures_removed = [], [], []
        if not diff.empty:
            blocks.extend(compare.as_blocks(doc, diff))
    else:
        blocks.append(
            doc.note(
                _(
                    "There is no integration report for %(year)s; "
                    "the changes are read from the data."
                )
                % {"year": year - 1}
            )
        )
    decisions = list(
        MeasureDecision.objects.filter(measure__process=concept.process, created_at__year=year)
        .select_related("measure")
        .order_by("created_at")
    )
    if decisions:
        blocks.append(Heading(_("Status decisions in %(year)s") % {"year": year}, 3))
        blocks.append(
            Bullets(
                [
                    Text(
                        f"{d.measure.code} {d.measure.title}: "
                        f"{Measure.Status(d.from_status).label} → "
                        f"{Measure.Status(d.to_status).label}"
                        f" ({date(d.created_at)})"
                    )
                    for d in decisions
                ]
            )
        )
    moved = []
    for key, value in snapshot["figures"].items():
        if not key.endswith(f" · {year}"):
            continue
        before = snapshot["figures"].get(key[: -len(str(year))] + str(year - 1))
        if before is not None and before != value:
            moved.append(Text(f"{key[: -len(str(year)) - 3]}: {before} → {value}"))
    if moved:
        blocks.append(Heading(_("Figures that moved since %(year)s") % {"year": year - 1}, 3))
        blocks.append(Bullets(moved[:200]))
        if len(moved) > 200:
            blocks.append(Text(_("… and %(n)s more.") % {"n": fmt(len(moved) - 200)}))
    if not decisions and not moved:
        blocks.append(Text(_("Nothing changed.")))
    return blocks


def build(
    concept: Concept, *, year: int | None, language: str, progress: Progress
) -> tuple[Document, dict]:
    if year is None:
        raise ValueError(_("An integration report needs its year."))
    snapshot = empty_snapshot()
    doc = new_document(
        concept, Variant.REPORT, language, _("Integration report %(year)s") % {"year": year}
    )
    doc.title = _("Integration report %(year)s") % {"year": year}
    doc.subtitle = f"{concept.process.territory} – {concept.title}"
    catalogue = cat.Catalogue(concept.process)
    progress(5, _("Reading the catalogue"))
    intro = [
        Text(
            _(
                "This report describes integration in %(territory)s in %(year)s: the indicators "
                "of the integration monitoring with their trends and targets, the implementation "
                "of the measures of the integration concept, and what changed since the year "
                "before."
            )
            % {"territory": concept.process.territory, "year": year}
        ),
        Text(_("Figures are published with small-count protection: “.” marks a withheld figure.")),
    ]
    doc.chapters.append(Chapter(_("Introduction"), "ch-1", intro, kind="introduction"))
    doc.chapters.append(
        Chapter(
            _("Indicators %(year)s") % {"year": year},
            "ch-2",
            indicator_chapter(doc, concept, year, snapshot, progress),
            kind="data",
        )
    )
    progress(65, _("Measures"))
    doc.chapters.append(
        Chapter(
            _("Measures and their implementation"),
            "ch-3",
            measures_chapter(doc, catalogue, year, snapshot),
            kind="implementation",
        )
    )
    progress(75, _("Changes since last year"))
    doc.chapters.append(
        Chapter(
            _("Changes since the report %(year)s") % {"year": year - 1},
            "ch-4",
            changes_chapter(doc, concept, year, snapshot),
            kind="changes",
        )
    )
    progress(80, _("Document assembled"))
    return doc, snapshot
