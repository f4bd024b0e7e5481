"""The workshop protocol and the briefing pack as page context, PDF (WeasyPrint) and DOCX.

Both name people only by pseudonym or by kind of organisation; cards carry their number.
"""

import base64
import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import bar_chart
from core.numbers import localized
from core.pdf import html_to_pdf

from . import selectors
from .charts import matrix_svg
from .models import Card, Column, Vote, Workshop


def _vote_blocks(workshop: Workshop) -> list[dict]:
    blocks = []
    for vote, items in selectors.vote_results(workshop=workshop):
        block = {"vote": vote, "items": items, "chart": "", "matrix": ""}
        if vote.mode == Vote.Mode.DOTS:
            block["chart"] = bar_chart(
                [(f"{i.rank}. {i.label[:60]}", i.dots or 0) for i in items],
                title=_("Dots per idea: %(title)s") % {"title": vote.title},
                labels_above=True,
            )
        else:
            block["matrix"] = matrix_svg(
                [(str(n), i.label, i.impact, i.feasibility) for n, i in enumerate(items, 1)],
                title=_("Impact and feasibility: %(title)s") % {"title": vote.title},
                x_label=_("Feasibility"),
                y_label=_("Impact"),
                quadrants=[_("Quick wins"), _("Big projects"), _("Low priority"), _("Easy extras")],
            )
        blocks.append(block)
    return blocks


def protocol_context(workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "agenda": workshop.agenda.all(),
        "attendance": selectors.attendance(workshop=workshop),
        "columns": selectors.board(workshop=workshop),
        "votes": _vote_blocks(workshop),
        "photos": selectors.photos(workshop=workshop),
        "facilitators": [
            u.get_full_name() or u.get_username() for u in workshop.facilitators.all()
        ],
        "now": timezone.now(),
    }


def _pdf_photos(photos) -> list[dict]:
    """Images inline as data URIs (the PDF renderer reads no URLs); PDFs are listed."""
    out = []
    for photo in photos:
        item = {"caption": photo.caption or photo.file.name.rsplit("/", 1)[-1], "src": ""}
        if photo.is_image:
            with photo.file.open("rb") as handle:
                item["src"] = (
                    f"data:{photo.content_type};base64," + base64.b64encode(handle.read()).decode()
                )
        out.append(item)
    return out


def protocol_pdf(workshop: Workshop) -> bytes:
    context = protocol_context(workshop)
    context["pdf_photos"] = _pdf_photos(context["photos"])
    return html_to_pdf(render_to_string("workshops/protocol_pdf.html", context))


def briefing_context(workshop: Workshop) -> dict:
    return {
        "workshop": workshop,
        "agenda": workshop.agenda.all(),
        "statements": selectors.briefing_statements(workshop=workshop),
        "figures": selectors.briefing_survey_figures(workshop=workshop),
        "indicators": selectors.briefing_indicators(workshop=workshop),
        "now": timezone.now(),
    }


def briefing_pdf(workshop: Workshop) -> bytes:
    return html_to_pdf(render_to_string("workshops/briefing_pdf.html", briefing_context(workshop)))


def card_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """All cards (also queued, rejected and merged ones) for CSV and XLSX."""
    headers = [
        _("Number"),
        _("Column"),
        _("Kind"),
        _("Cluster"),
        _("Text"),
        _("Note"),
        _("Target groups"),
        _("Status"),
        _("Merged into"),
        _("From"),
    ]
    rows = []
    for card in (
        Card.objects.filter(workshop=workshop)
        .select_related("cluster", "merged_into", "participant")
        .prefetch_related("target_groups")
        .order_by("column", "cluster__position", "position", "number")
    ):
        rows.append(
            [
                card.number,
                Column(card.column).label,
                card.get_kind_display(),
                card.cluster.title if card.cluster else "",
                card.text,
                card.note,
                ", ".join(g.label for g in card.target_groups.all()),
                card.get_status_display(),
                card.merged_into.number if card.merged_into else "",
                card.participant.pseudonym if card.participant else _("Facilitator"),
            ]
        )
    return headers, rows


def protocol_docx(workshop: Workshop) -> bytes:
    from docx import Document
    from docx.shared import Cm

    context = protocol_context(workshop)
    doc = Document()
    doc.add_heading(_("Protocol: %(title)s") % {"title": workshop.title}, 0)
    local = timezone.localtime(workshop.starts_at)
    doc.add_paragraph(
        f"{local:%d.%m.%Y %H:%M} · {workshop.place or workshop.online_link} · "
        f"{workshop.field_label}"
    )
    doc.add_paragraph(_("Facilitation") + ": " + ", ".join(context["facilitators"]))
    doc.add_heading(_("Agenda"), 1)
    for item in context["agenda"]:
        time = f"{item.starts_at:%H:%M} " if item.starts_at else ""
        doc.add_paragraph(f"{time}{item.title}", style="List Number")
    attendance = context["attendance"]
    doc.add_heading(_("Attendance"), 1)
    doc.add_paragraph(
        _(
            "%(present)s present (%(invited)s invited, %(accepted)s accepted); %(devices)s joined "
            "on their phones."
        )
        % {
            "present": attendance.present,
            "invited": attendance.invited,
            "accepted": attendance.accepted,
            "devices": attendance.participants,
        }
    )
    if attendance.by_kind:
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text = _("Kind of organisation")
        table.rows[0].cells[1].text = _("Present")
        for label, count in attendance.by_kind:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, str(count)
    doc.add_heading(_("Results by column"), 1)
    for block in context["columns"]:
        doc.add_heading(str(block.column.label), 2)
        for cluster, cards in block.clusters:
            doc.add_paragraph(cluster.title, style="Heading 3")
            for card in cards:
                doc.add_paragraph(
                    f"{card.number}. {card.text} ({card.get_kind_display()})", style="List Bullet"
                )
        for card in block.loose:
            doc.add_paragraph(
                f"{card.number}. {card.text} ({card.get_kind_display()})", style="List Bullet"
            )
        if not block.count:
            doc.add_paragraph(_("No cards."))
    if context["votes"]:
        doc.add_heading(_("Prioritisation"), 1)
    for block in context["votes"]:
        vote = block["vote"]
        doc.add_heading(f"{vote.title} ({vote.get_mode_display()})", 2)
        rating = vote.mode == Vote.Mode.RATING
        table = doc.add_table(rows=1, cols=4 if rating else 3)
        table.style = "Table Grid"
        header = [_("Rank"), _("Idea")] + (
            [_("Impact"), _("Feasibility")] if rating else [_("Dots")]
        )
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = str(text)
        for item in block["items"]:
            values = [str(item.rank or ""), item.label] + (
                [localized(item.impact), localized(item.feasibility)]
                if rating
                else [str(item.dots or 0)]
            )
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    images = [p for p in context["photos"] if p.is_image]
    if context["photos"]:
        doc.add_heading(_("Photos of the flip charts"), 1)
    for photo in context["photos"]:
        if photo.is_image and photo in images:
            with photo.file.open("rb") as handle:
                doc.add_picture(io.BytesIO(handle.read()), width=Cm(15))
        doc.add_paragraph(photo.caption or photo.file.name.rsplit("/", 1)[-1])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
