"""HTML into tagged, accessible PDF (PDF/UA-1) with WeasyPrint.

The HTML gives what the PDF needs to be accessible: ``<html lang>`` becomes the document
language, ``<title>`` the document title (shown as the window title), the headings the
bookmarks and structure tree; charts are inline SVG with a ``<title>`` and a table beside them.
"""

from __future__ import annotations

import logging

# WeasyPrint reports every layout step at INFO; a long report would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_UA_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "custom_metadata": True}


def html_to_pdf(html: str, target=None) -> bytes | None:
    """Typeset ``html`` as PDF/UA-1; written to ``target`` (a path or file) when given,
    else returned as bytes."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None).render(**PDF_UA_OPTIONS)
    return document.write_pdf(target, **PDF_UA_OPTIONS)
