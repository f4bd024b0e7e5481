"""The generated files read back as a reader would: DOCX with python-docx, PDF with pypdf."""

import io
import re

import pytest
from django.utils import translation

from measures.concept import gather, render_docx, render_pdf, services
from measures.models import Chapter
from tests.measures.concept.helpers import (
    MEASURE_TITLE,
    QUOTE,
    docx_text,
    pdf_figure_alts,
    pdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(concept_data):
    return services.build_files(
        concept_data.concept,
        variant="full",
        year=None,
        language="de",
        formats=("pdf", "docx", "html"),
    )


def _headings(concept_data):
    with translation.override("de"):
        return [c.heading for c in concept_data.concept.chapters.order_by("order")]


def test_docx_has_every_chapter_as_word_heading_measure_quote_and_endnote(concept_data, full):
    paragraphs, cells = docx_text(full.files["docx"])
    heading1 = [text for style, text in paragraphs if style == "Heading 1"]
    assert heading1 == _headings(concept_data)
    assert MEASURE_TITLE in cells
    endnotes = render_docx.endnote_texts(full.files["docx"])
    quote_notes = [n for n in endnotes if QUOTE in n]
    assert quote_notes and "Interview P-0007" in quote_notes[0]
    # the finding's paragraph carries the endnote reference, Word numbers it (decimal)
    xml = io.BytesIO(full.files["docx"])
    import zipfile

    body = zipfile.ZipFile(xml).read("word/document.xml").decode()
    assert re.search(r'<w:endnoteReference w:id="1"/>', body)
    assert '<w:numFmt w:val="decimal"/>' in body
    assert "<w:tblHeader/>" in body  # header rows repeat on every page
    captions = [text for style, text in paragraphs if style == "Caption"]
    assert any("Tabelle" in c for c in captions)


def test_docx_footer_has_a_page_number_field(full):
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(full.files["docx"]))
    footers = [n for n in archive.namelist() if n.startswith("word/footer")]
    assert any('w:instr=" PAGE "' in archive.read(n).decode() for n in footers)


def test_docx_shows_the_withheld_value_as_withheld(full):
    _paragraphs, cells = docx_text(full.files["docx"])
    endnotes = render_docx.endnote_texts(full.files["docx"])
    # the table of the indicator has a "." cell and the note that explains it
    assert "\n.\n" in f"\n{cells}\n"
    paragraphs = "\n".join(t for _s, t in _paragraphs)
    assert "Schutz kleiner Fallzahlen" in paragraphs or "small numbers" in paragraphs
    assert any("nicht veröffentlicht" in n or "withheld" in n for n in endnotes)


def test_pdf_has_headings_measure_quote_endnote_and_withheld_figure(concept_data, full):
    text = pdf_text(full.files["pdf"])
    flat = " ".join(text.split())
    for heading in _headings(concept_data):
        assert " ".join(heading.split()) in flat
    assert MEASURE_TITLE.split()[0] in flat
    assert " ".join(QUOTE.split()) in flat
    assert "Endnoten" in flat
    assert "Interview P-0007" in flat


def test_pdf_is_tagged_with_language_title_and_bookmarks(concept_data, full):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(full.files["pdf"]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "de"
    assert reader.metadata.title == concept_data.concept.title
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert "Einleitung" in titles
    assert full.pages == len(reader.pages)
    alts = pdf_figure_alts(full.files["pdf"])
    assert alts and all(alt and alt.startswith("Liniendiagramm") for alt in alts)


def test_bad_input_becomes_visible_notes_not_a_crash(concept_data, full):
    notes = full.document.notes
    assert any("[3]" in n for n in notes)  # the deleted Statement's citation
    assert any("leer" in n for n in notes)  # the empty foreword
    html = full.files["html"].decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>gemeinsame</strong>" in html


def test_indicator_without_values_for_the_report_year_is_a_note(concept_data):
    built = services.build_files(
        concept_data.concept, variant="report", year=2025, language="de", formats=("html",)
    )
    assert any(concept_data.indicator.code in n and "2025" in n for n in built.document.notes)


def test_english_document(concept_data):
    built = services.build_files(
        concept_data.concept, variant="full", year=None, language="en", formats=("html",)
    )
    html = built.files["html"].decode()
    assert '<html lang="en">' in html
    assert "Endnotes" in html


def test_management_summary_keeps_its_page_limit_and_the_priority_measure(concept_data):
    built = services.build_files(
        concept_data.concept, variant="summary", year=None, language="de", formats=("pdf",)
    )
    assert built.pages <= 12
    flat = " ".join(pdf_text(built.files["pdf"]).split())
    assert "Mehrsprachige" in flat
    assert "Elterncafés" not in flat  # medium priority, not chosen
    annex = Chapter.Kind.ANNEX_MEASURES.label
    assert str(annex) not in flat


def test_reading_line_says_how_the_rate_moved_and_whether_the_target_is_in_reach(concept_data):
    with translation.override("de"):
        doc, _snap = gather.build(concept_data.concept, variant="full", language="de")
    lines = [b.text for c in doc.chapters for b in c.blocks if getattr(b, "style", "") == "lead"]
    assert (
        "Die Quote ist seit 2020 um 4,4 Prozentpunkte gestiegen; Ziel 2027 in Reichweite." in lines
    ), lines


def test_floor_renders_the_same_html(concept_data):
    from measures.concept import render_html

    with translation.override("de"):
        doc, _snap = gather.build(concept_data.concept, variant="summary", language="de")
        rendered = render_pdf.from_html(render_html.standalone(doc, mode="print"))
    assert rendered.pages >= 2
