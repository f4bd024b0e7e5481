"""The document as PDF: WeasyPrint typesets the print HTML as tagged PDF/UA-1 (structure tree,
document language from ``<html lang>``, title from ``<title>`` shown as the window title,
bookmarks from the headings). Charts are inline SVG with ``<title>``/``<desc>`` and a caption.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.pdf import PDF_UA_OPTIONS as PDF_OPTIONS

from . import render_html
from .structure import Document


@dataclass
class Rendered:
    data: bytes
    pages: int


def from_html(html: str) -> Rendered:
    """Typeset print HTML; the floor the benchmark compares the whole pipeline against."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None).render(**PDF_OPTIONS)
    data = document.write_pdf(**PDF_OPTIONS)
    return Rendered(data=data, pages=len(document.pages))


def render(doc: Document) -> Rendered:
    return from_html(render_html.standalone(doc, mode="print"))


def page_count(doc: Document) -> int:
    """Pages of the print layout without writing the PDF (for DOCX-only runs)."""
    from weasyprint import HTML

    return len(HTML(string=render_html.standalone(doc, mode="print")).render().pages)
