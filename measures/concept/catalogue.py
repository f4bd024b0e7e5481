"""The catalogue in the document: findings (IST/SOLL) with their evidence as endnotes, goals
with their indicator targets, measure tables, the implementation overview and the annex.

Findings cite their evidence in the text as ``[n]``; each marker becomes an endnote. A marker
whose evidence no longer exists (a deleted Statement takes its citation with it) becomes a
visible note instead.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from participation.models import FieldOfAction, Organisation, Process

from ..models import Evidence, Finding, Measure, OperationalGoal, ProgressReport, StrategicGoal
from .formatting import date, fmt
from .structure import MISSING, Cell, Document, Heading, Table, Text

CITATION = re.compile(r"\[(\d{1,3})\]")


class Catalogue:
    """Everything of the catalogue one document needs, read once (a few queries)."""

    def __init__(self, process: Process):
        self.process = process
        evidence = Evidence.objects.select_related(
            "statement", "survey", "indicator", "territory", "target_group"
        ).order_by("number")
        self.findings = list(
            Finding.objects.filter(process=process)
            .select_related("field_of_action", "target_group")
            .prefetch_related(Prefetch("evidence", queryset=evidence))
            .order_by("field_of_action__order", "order", "id")
        )
        operational = OperationalGoal.objects.select_related(
            "indicator", "target", "target__target_group"
        ).order_by("order", "id")
        self.goals = list(
            StrategicGoal.objects.filter(process=process)
            .select_related("field_of_action")
            .prefetch_related(Prefetch("operational_goals", queryset=operational))
            .order_by("field_of_action__order", "order", "id")
        )
        self.measures = list(
            Measure.objects.filter(process=process)
            .select_related("field_of_action", "lead_organisation")
            .prefetch_related("partners")
            .order_by("number")
        )
        self.by_field: dict[int, dict[str, list]] = defaultdict(
            lambda: {"findings": [], "goals": [], "measures": []}
        )
        for finding in self.findings:
            self.by_field[finding.field_of_action_id]["findings"].append(finding)
        for goal in self.goals:
            self.by_field[goal.field_of_action_id]["goals"].append(goal)
        for measure in self.measures:
            self.by_field[measure.field_of_action_id]["measures"].append(measure)


def evidence_text(item: Evidence) -> str:
    """The endnote for one piece of evidence (pseudonymised; protected figures only)."""
    note = f" {item.note}" if item.note else ""
    if item.kind == Evidence.Kind.STATEMENT:
        statement = item.statement
        return f"„{statement.text.strip()}“ – {statement.source_label}.{note}"
    if item.kind == Evidence.Kind.SURVEY_FIGURE:
        figure = item.cited_figure or {}
        label = item.cited_label or item.question_code
        if item.cited_suppressed:
            value = _("withheld to protect small numbers")
        else:
            value = fmt(item.cited_value, 1) if item.cited_value is not None else ""
            if figure.get("n") is not None:
                value = f"{value} (n = {fmt(figure['n'])})".strip()
        survey = str(item.survey) if item.survey_id else ""
        return (
            _("Survey “%(survey)s”, question %(code)s: %(label)s")
            % {"survey": survey, "code": item.question_code, "label": label}
            + (f": {value}" if value else "")
            + f".{note}"
        )
    indicator = item.indicator
    group = item.target_group.label if item.target_group_id else _("all")
    if item.cited_suppressed:
        value = _("withheld to protect small numbers")
    else:
        value = fmt(item.cited_value, indicator.decimals)
        if indicator.unit:
            value = f"{value} {indicator.unit}"
    text = (
        f"{indicator.code} {indicator.label}, {item.territory.name}, {item.year}, {group}: {value}."
    )
    if indicator.source:
        text += " " + _("Source: %(source)s.") % {"source": indicator.source}
    return text + note


def finding_blocks(doc: Document, finding: Finding, snapshot: dict) -> list:
    """The finding's IST and SOLL texts with their citations turned into endnotes."""
    evidence = {e.number: e for e in finding.evidence.all()}
    blocks: list = []
    title = finding.title
    if finding.target_group_id:
        title = f"{title} ({finding.target_group.label})"
    blocks.append(Heading(title, 4))
    missing: list[int] = []
    used: set[int] = set()
    for label, text in (
        (_("Current state"), finding.current_state),
        (_("Target state"), finding.target_state),
    ):
        if not text.strip():
            continue
        segments: list = [f"{label}: "]
        pos = 0
        for match in CITATION.finditer(text):
            segments.append(text[pos : match.start()].rstrip())
            number = int(match.group(1))
            item = evidence.get(number)
            if item is None:
                missing.append(number)
                segments.append(f" [{number}]")
            else:
                used.add(number)
                segments.append(doc.cite(evidence_text(item)))
            pos = match.end()
        segments.append(text[pos:])
        blocks.append(Text("".join(s for s in segments if isinstance(s, str)), segments=segments))
    # Evidence attached but not marked in the text is still cited, after the text.
    rest = [n for n in sorted(evidence) if n not in used]
    if rest:
        blocks.append(
            Text(
                _("Further evidence") + ":",
                refs=[doc.cite(evidence_text(evidence[n])) for n in rest],
            )
        )
    for number in missing:
        blocks.append(
            doc.note(
                _(
                    "Citation [%(n)s] in “%(finding)s” has no evidence any more "
                    "(the cited statement or figure was deleted)."
                )
                % {"n": number, "finding": finding.title}
            )
        )
    snapshot["findings"][str(finding.pk)] = {
        "title": finding.title,
        "text": f"{finding.current_state}\n{finding.target_state}",
        "evidence": len(evidence),
    }
    return blocks


def goal_blocks(goal: StrategicGoal, snapshot: dict) -> list:
    blocks: list = [Text(goal.title, style="lead")]
    if goal.description.strip():
        blocks.append(Text(goal.description.strip()))
    items = []
    for op in goal.operational_goals.all():
        text = op.title
        if op.indicator_id:
            text += " – " + _("indicator %(code)s") % {"code": op.indicator.code}
            if op.baseline_value is not None:
                text += ", " + _("baseline %(value)s (%(year)s)") % {
                    "value": fmt(op.baseline_value, op.indicator.decimals),
                    "year": op.baseline_year or MISSING,
                }
            if op.target_id:
                group = op.target.target_group.label if op.target.target_group_id else _("all")
                text += ", " + _("target %(value)s by %(year)s (%(group)s)") % {
                    "value": fmt(op.target.value, op.indicator.decimals),
                    "year": op.target.year,
                    "group": group,
                }
        items.append(Text(text))
        snapshot["goals"][f"o{op.pk}"] = text
    snapshot["goals"][f"s{goal.pk}"] = goal.title
    if items:
        from .structure import Bullets

        blocks.append(Bullets(items))
    return blocks


def period(measure: Measure) -> str:
    if not measure.start_date and not measure.end_date:
        return MISSING
    start = f"{measure.start_date:%m/%Y}" if measure.start_date else "…"
    end = f"{measure.end_date:%m/%Y}" if measure.end_date else "…"
    return f"{start}–{end}"


def measure_snapshot(measure: Measure, snapshot: dict) -> None:
    snapshot["measures"][measure.code] = {
        "title": measure.title,
        "status": str(measure.get_status_display()),
        "progress": measure.progress,
        "priority": str(measure.get_priority_display()),
        "lead": measure.lead_organisation.name if measure.lead_organisation_id else "",
        "field": measure.field_of_action.code,
    }


def measure_table(doc: Document, measures: list[Measure], caption: str) -> Table:
    """The measures of a field of action: who leads, when, how urgent, how far."""
    rows = [
        [
            Cell(f"{m.code} {m.title}"),
            Cell(m.lead_organisation.name if m.lead_organisation_id else MISSING),
            Cell(period(m)),
            Cell(str(m.get_priority_display())),
            Cell(f"{m.get_status_display()} · {m.progress} %"),
        ]
        for m in measures
    ]
    header = [_("Measure"), _("Lead organisation"), _("Period"), _("Priority"), _("Status")]
    return doc.table(Table(caption, header, rows, widths=[4.4, 2.2, 1.3, 0.9, 1.5]))


def catalogue_table(doc: Document, measures: list[Measure]) -> Table:
    """The annex: every measure once, with its field of action (details are in the chapters).

    Few cells per row on purpose: with thousands of measures the typesetting time and memory
    grow with the number of table cells."""
    rows = [
        [
            Cell(f"{m.code} {m.title}"),
            Cell(m.field_of_action.label),
            Cell(f"{m.get_status_display()} · {m.progress} %"),
        ]
        for m in measures
    ]
    header = [_("Measure"), _("Field of action"), _("Status")]
    return doc.table(Table(_("All measures"), header, rows, widths=[5, 3, 1.6]))


def field_blocks(
    doc: Document,
    catalogue: Catalogue,
    field: FieldOfAction,
    snapshot: dict,
    *,
    summary: bool,
    chosen: dict,
) -> list:
    parts = catalogue.by_field.get(field.pk, {"findings": [], "goals": [], "measures": []})
    blocks: list = []
    findings = parts["findings"]
    if summary:
        findings = [f for f in findings if f.pk in chosen["findings"]]
    ist = [f for f in findings if f.current_state.strip() or f.target_state.strip()]
    blocks.append(Heading(_("Current and target state (IST/SOLL)"), 3))
    if ist:
        for finding in ist:
            blocks.extend(finding_blocks(doc, finding, snapshot))
    elif not summary:
        blocks.append(doc.note(_("No findings have been recorded for this field of action.")))
    else:
        blocks.append(Text(_("No findings were chosen for the management summary.")))
    goals = parts["goals"]
    if summary and chosen["goals"]:
        goals = [g for g in goals if g.pk in chosen["goals"]]
    blocks.append(Heading(_("Goals"), 3))
    if goals:
        for goal in goals:
            blocks.extend(goal_blocks(goal, snapshot))
    else:
        blocks.append(doc.note(_("No goals have been set for this field of action.")))
    measures = parts["measures"]
    for m in measures:
        measure_snapshot(m, snapshot)
    if summary:
        if chosen["measures"]:
            measures = [m for m in measures if m.pk in chosen["measures"]]
        else:
            measures = [m for m in measures if m.priority == Measure.Priority.HIGH]
    measures = [m for m in measures if m.status != Measure.Status.REJECTED]
    blocks.append(Heading(_("Priority measures") if summary else _("Measures"), 3))
    if measures:
        doc.measures += len(measures)
        blocks.append(
            measure_table(
                doc,
                measures,
                _("Measures in the field of action “%(field)s”") % {"field": field.label},
            )
        )
    else:
        blocks.append(doc.note(_("No measures have been planned for this field of action.")))
    return blocks


def implementation_blocks(doc: Document, catalogue: Catalogue, snapshot: dict) -> list:
    if not catalogue.measures:
        return [doc.note(_("No measures have been planned yet."))]
    statuses = list(Measure.Status)
    fields: dict[int, tuple[FieldOfAction, Counter]] = {}
    for m in catalogue.measures:
        fields.setdefault(m.field_of_action_id, (m.field_of_action, Counter()))[1][m.status] += 1
    shown = [s for s in statuses if any(c[s.value] for _f, c in fields.values())]
    rows = []
    for field, counter in sorted(fields.values(), key=lambda fc: (fc[0].order, fc[0].name)):
        rows.append(
            [Cell(field.label)]
            + [Cell(fmt(counter[s.value]), numeric=True) for s in shown]
            + [Cell(fmt(sum(counter.values())), numeric=True)]
        )
    blocks: list = [
        Heading(_("State of implementation"), 3),
        doc.table(
            Table(
                _("Measures by field of action and status"),
                [_("Field of action")] + [str(s.label) for s in shown] + [_("Total")],
                rows,
                widths=[2.5] + [1] * (len(shown) + 1),
            )
        ),
    ]
    latest = (
        ProgressReport.objects.filter(measure__process=catalogue.process)
        .order_by("-reported_on")
        .values_list("reported_on", flat=True)
        .first()
    )
    reports = ProgressReport.objects.filter(measure__process=catalogue.process).count()
    blocks.append(
        Text(
            _("Lead organisations have sent %(n)s progress reports; the latest is from %(date)s.")
            % {"n": fmt(reports), "date": date(latest)}
            if reports
            else _("No progress reports have been sent yet.")
        )
    )
    return blocks


def organisations(doc: Document, catalogue: Catalogue) -> list:
    process = catalogue.process
    ids = set()
    for m in catalogue.measures:
        if m.lead_organisation_id:
            ids.add(m.lead_organisation_id)
        ids.update(p.pk for p in m.partners.all())
    ids.update(Organisation.objects.filter(people__processes=process).values_list("pk", flat=True))
    orgs = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    if not orgs:
        return [doc.note(_("No organisations have been recorded."))]
    rows = [[Cell(o.name), Cell(str(o.get_kind_display()))] for o in orgs]
    return [
        doc.table(
            Table(
                _("Participating organisations"),
                [_("Organisation"), _("Kind")],
                rows,
                widths=[4, 2],
            )
        )
    ]


__all__ = [
    "Catalogue",
    "evidence_text",
    "field_blocks",
    "implementation_blocks",
    "measure_table",
    "organisations",
]
