"""The participation figures: interviews, surveys, the conference, workshops and Statements.

Survey counts follow the surveys' small-count protection (``surveys.results``): a count per
language below the minimum is withheld, together with whatever would reveal it.
"""

from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.suppression import suppress_line
from participation.models import (
    Conference,
    FieldOfAction,
    Interview,
    Process,
    Registration,
    Statement,
    TargetGroup,
)
from surveys.i18n import SURVEY_LANGUAGES
from surveys.models import Invitation, Response, Survey
from surveys.results.reports import min_count

from .formatting import fmt
from .indicators import withheld_note
from .structure import SUPPRESSED, Cell, Document, Heading, Table, Text


def _num(value) -> Cell:
    return Cell(fmt(value), numeric=True)


def interviews(doc: Document, process: Process, figures: dict) -> list:
    blocks: list = [Heading(_("Interviews"), 3)]
    qs = Interview.objects.filter(process=process)
    total = qs.count()
    if not total:
        return blocks + [doc.note(_("No interviews have been recorded."))]
    by_group = Counter(qs.values_list("target_group", flat=True))
    groups = {g.pk: g.label for g in TargetGroup.objects.filter(pk__in=[k for k in by_group if k])}
    rows = []
    for group in TargetGroup.objects.filter(pk__in=list(groups)).order_by("order", "name"):
        rows.append([Cell(group.label), _num(by_group[group.pk])])
    if by_group.get(None):
        rows.append([Cell(_("No target group")), _num(by_group[None])])
    rows.append([Cell(_("Total")), _num(total)])
    figures[_("Interviews")] = fmt(total)
    blocks.append(Text(_("%(n)s qualitative interviews were held.") % {"n": fmt(total)}))
    blocks.append(
        doc.table(
            Table(_("Interviews by target group"), [_("Target group"), _("Interviews")], rows)
        )
    )
    by_field = (
        FieldOfAction.objects.filter(interviews__process=process)
        .annotate(n=Count("interviews", filter=Q(interviews__process=process)))
        .order_by("order", "name")
    )
    rows = [[Cell(f.label), _num(f.n)] for f in by_field]
    if rows:
        blocks.append(
            doc.table(
                Table(
                    _("Interviews by field of action"),
                    [_("Field of action"), _("Interviews")],
                    rows,
                    notes=[_("An interview may cover several fields of action.")],
                )
            )
        )
    return blocks


def _language_label(code: str) -> str:
    entry = SURVEY_LANGUAGES.get(code)
    return f"{entry[0]} ({code})" if entry else code


def surveys(doc: Document, process: Process, figures: dict) -> list:
    blocks: list = [Heading(_("Surveys"), 3)]
    survey_list = list(Survey.objects.filter(process=process).exclude(status="draft"))
    if not survey_list:
        return blocks + [doc.note(_("No survey has been opened yet."))]
    threshold = min_count()
    rows = []
    withheld = False
    for survey in survey_list:
        per_language = dict(
            Response.objects.filter(survey=survey, status="complete", is_test=False)
            .values_list("language")
            .annotate(n=Count("id"))
        )
        total = sum(per_language.values())
        sent = (
            Invitation.objects.filter(survey=survey, sent_at__isnull=False).count()
            if survey.access_mode == "invitation"
            else 0
        )
        rate = fmt(100.0 * total / sent, 1) + " %" if sent else "–"
        small_total = 0 < total < threshold
        rows.append(
            [
                Cell(_("%(survey)s – all languages") % {"survey": survey}),
                Cell(SUPPRESSED, suppressed=True, numeric=True) if small_total else _num(total),
                Cell(SUPPRESSED, suppressed=True, numeric=True)
                if small_total and sent
                else Cell(rate, numeric=True),
            ]
        )
        withheld = withheld or small_total
        figures[_("%(survey)s · responses") % {"survey": survey}] = rows[-1][1].text
        codes = sorted(per_language)
        hidden = (
            [True] * len(codes)
            if small_total
            else suppress_line([per_language[c] for c in codes], threshold, total)
        )
        for code, hide in zip(codes, hidden, strict=True):
            withheld = withheld or hide
            cell = (
                Cell(SUPPRESSED, suppressed=True, numeric=True)
                if hide
                else _num(per_language[code])
            )
            rows.append([Cell(f"{survey} – {_language_label(code)}"), cell, Cell("", numeric=True)])
            figures[f"{survey} · {code}"] = cell.text
    notes = [
        _(
            "Complete responses without test responses. The response rate relates complete "
            "responses to the invitations sent (personal surveys only)."
        )
    ]
    if withheld:
        notes.append(withheld_note())
    blocks.append(
        doc.table(
            Table(
                _("Survey responses by survey and language"),
                [_("Survey and language"), _("Complete responses"), _("Response rate")],
                rows,
                notes=[" ".join(notes)],
                widths=[4, 1.5, 1.5],
            )
        )
    )
    return blocks


def conference(doc: Document, process: Process, figures: dict) -> list:
    blocks: list = [Heading(_("Kick-off conference"), 3)]
    conferences = list(Conference.objects.filter(process=process).order_by("date"))
    if not conferences:
        return blocks + [doc.note(_("No conference has been recorded."))]
    rows = []
    for conf in conferences:
        counts = Registration.objects.filter(conference=conf).aggregate(
            registered=Count("id", filter=Q(status="registered")),
            waitlisted=Count("id", filter=Q(status="waitlisted")),
            attended=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
        tables = conf.tables.count() if hasattr(conf, "tables") else 0
        rows.append(
            [
                Cell(f"{conf.title} ({conf.date:%d.%m.%Y})"),
                _num(counts["registered"]),
                _num(counts["waitlisted"]),
                _num(counts["attended"]),
                _num(tables),
            ]
        )
        figures[_("%(title)s · registrations") % {"title": conf.title}] = fmt(counts["registered"])
        figures[_("%(title)s · attendance") % {"title": conf.title}] = fmt(counts["attended"])
    blocks.append(
        doc.table(
            Table(
                _("Conference registrations and attendance"),
                [
                    _("Conference"),
                    _("Registered"),
                    _("Waiting list"),
                    _("Attended"),
                    _("Topic tables"),
                ],
                rows,
                widths=[3, 1, 1, 1, 1],
            )
        )
    )
    return blocks


def workshops(doc: Document, process: Process, figures: dict) -> list:
    blocks: list = [Heading(_("Workshops"), 3)]
    try:
        workshop_model = apps.get_model("workshops", "Workshop")
    except LookupError:
        return blocks + [doc.note(_("No workshops have been recorded."))]
    items = list(
        workshop_model.objects.filter(process=process)
        .prefetch_related("fields_of_action")
        .order_by("starts_at")
    )
    if not items:
        return blocks + [doc.note(_("No workshops have been recorded."))]
    participant_model = _model("workshops", "Participant")
    rows = []
    total = 0
    for item in items:
        count = participant_model.objects.filter(workshop=item).count() if participant_model else 0
        total += count
        fields = ", ".join(f.label for f in item.fields_of_action.all())
        rows.append(
            [
                Cell(item.title),
                Cell(fields or "–"),
                Cell(f"{item.starts_at:%d.%m.%Y}"),
                _num(count),
            ]
        )
    figures[_("Workshops")] = fmt(len(items))
    figures[_("Workshop participants")] = fmt(total)
    blocks.append(
        Text(
            _("%(n)s workshops with %(p)s participants in all.")
            % {"n": fmt(len(items)), "p": fmt(total)}
        )
    )
    blocks.append(
        doc.table(
            Table(
                _("Workshops and participants"),
                [_("Workshop"), _("Fields of action"), _("Date"), _("Participants")],
                rows,
                widths=[3, 3, 1.3, 1.2],
            )
        )
    )
    return blocks


def _model(app: str, name: str):
    try:
        return apps.get_model(app, name)
    except LookupError:
        return None


def statements(doc: Document, process: Process, figures: dict) -> list:
    blocks: list = [Heading(_("Statements in the input pool"), 3)]
    counts = list(
        Statement.objects.filter(process=process)
        .values_list("source_type__model", "source_type__app_label", "kind")
        .annotate(n=Count("id"))
    )
    if not counts:
        return blocks + [doc.note(_("The input pool holds no statements yet."))]
    kinds = list(Statement.Kind)
    table: dict[str, Counter] = {}
    for model, app, kind, n in counts:
        label = _source_label(app, model)
        table.setdefault(label, Counter())[kind] += n
    rows = []
    total_by_kind: Counter = Counter()
    for label in sorted(table):
        counter = table[label]
        total_by_kind.update(counter)
        rows.append(
            [Cell(label)] + [_num(counter[k.value]) for k in kinds] + [_num(sum(counter.values()))]
        )
    rows.append(
        [Cell(_("Total"))]
        + [_num(total_by_kind[k.value]) for k in kinds]
        + [_num(sum(total_by_kind.values()))]
    )
    figures[_("Statements")] = fmt(sum(total_by_kind.values()))
    blocks.append(
        doc.table(
            Table(
                _("Statements by source and kind"),
                [_("Source")] + [str(k.label) for k in kinds] + [_("Total")],
                rows,
                widths=[3] + [1] * (len(kinds) + 1),
            )
        )
    )
    return blocks


def _source_label(app: str | None, model: str | None) -> str:
    if not model:
        return _("Entered directly")
    found = _model(app, model)
    return str(found._meta.verbose_name).capitalize() if found else model


def all_blocks(doc: Document, process: Process, figures: dict) -> list:
    return (
        interviews(doc, process, figures)
        + surveys(doc, process, figures)
        + conference(doc, process, figures)
        + workshops(doc, process, figures)
        + statements(doc, process, figures)
    )


def key_figures(doc: Document, process: Process, figures: dict) -> list:
    """The short version for the management summary: one table of totals."""
    scratch = Document(title="", subtitle="", language=doc.language, variant=doc.variant)
    scratch.labels = doc.labels
    local: dict = {}
    all_blocks(scratch, process, local)
    figures.update(local)
    rows = [
        [Cell(label), Cell(value, numeric=True, suppressed=value == SUPPRESSED)]
        for label, value in local.items()
    ]
    if not rows:
        return [doc.note(_("No participation has been recorded yet."))]
    return [
        doc.table(
            Table(
                _("The participation process in figures"),
                [_("Figure"), _("Value")],
                rows,
                widths=[4, 1.5],
            )
        )
    ]
