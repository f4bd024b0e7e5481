"""The document as HTML: the reader version (a page that works at 360 px) and the print
version that WeasyPrint typesets into the PDF. Both come from the same ``body``.

Text is escaped here; only two things pass unescaped: staff's Markdown, which
``core.markdown.to_html`` has sanitised, and the charts, which ``core``/``monitoring`` charts
build from escaped labels.
"""

from __future__ import annotations

import base64
from html import escape

from .structure import Document

BODY_START = "<!--concept-body-->"
BODY_END = "<!--/concept-body-->"


def _refs(doc: Document, refs: list[int]) -> str:
    if not refs:
        return ""
    label = escape(doc.labels.get("endnote", "Endnote"))
    links = ",".join(
        f'<a href="#en-{n}" id="ref-{n}-{i}" class="ref" aria-label="{label} {n}">{n}</a>'
        for i, n in enumerate(refs)
    )
    return f"<sup>{links}</sup>"


def _inline(doc: Document, block) -> str:
    if not block.segments:
        return escape(block.text) + _refs(doc, block.refs)
    parts = [_refs(doc, [seg]) if isinstance(seg, int) else escape(seg) for seg in block.segments]
    return "".join(parts) + _refs(doc, block.refs)


def _cell(doc: Document, cell, tag: str, scope: str = "") -> str:
    classes = []
    if cell.numeric:
        classes.append("num")
    if cell.suppressed:
        classes.append("suppressed")
    attrs = f' class="{" ".join(classes)}"' if classes else ""
    if scope:
        attrs += f' scope="{scope}"'
    title = ""
    if cell.suppressed:
        title = (
            f'<span class="visually-hidden"> ({escape(doc.labels.get("suppressed", ""))})</span>'
        )
    return f"<{tag}{attrs}>{escape(cell.text)}{title}{_refs(doc, cell.refs)}</{tag}>"


def _table(doc: Document, block) -> str:
    label = escape(doc.labels.get("table", "Table"))
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.header)
    rows = []
    for row in block.rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and block.row_headers:
                cells.append(_cell(doc, cell, "th", "row"))
            else:
                cells.append(_cell(doc, cell, "td"))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    notes = "".join(f'<p class="table-note">{escape(n)}</p>' for n in block.notes)
    colgroup = ""
    if block.widths:
        total = sum(block.widths)
        colgroup = (
            "<colgroup>"
            + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in block.widths)
            + "</colgroup>"
        )
    return (
        f'<div class="table-wrap" role="region" tabindex="0" '
        f'aria-labelledby="tab-{block.number}">'
        f'<table><caption id="tab-{block.number}">{label} {block.number}: '
        f"{escape(block.caption)}</caption>{colgroup}"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{notes}"
    )


def _figure(doc: Document, block, mode: str) -> str:
    label = escape(doc.labels.get("figure", "Figure"))
    if mode == "print":
        # As an image with alt text: the tagged PDF gives the figure its /Alt from it.
        data = base64.b64encode(block.svg.encode("utf-8")).decode("ascii")
        return (
            f'<figure class="chart-figure" id="fig-{block.number}">'
            f'<img class="chart" src="data:image/svg+xml;base64,{data}" alt="{escape(block.alt)}">'
            f"<figcaption>{label} {block.number}: {escape(block.caption)}</figcaption></figure>"
        )
    return (
        f'<figure class="chart-figure" id="fig-{block.number}">{block.svg}'
        f"<figcaption>{label} {block.number}: {escape(block.caption)}"
        f'<span class="visually-hidden"> – {escape(block.alt)}</span></figcaption></figure>'
    )


def _block(doc: Document, block, mode: str = "reader") -> str:
    kind = block.kind
    if kind == "heading":
        anchor = f' id="{escape(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{escape(block.text)}</h{block.level}>"
    if kind == "text":
        cls = f' class="{block.style}"' if block.style else ""
        return f"<p{cls}>{_inline(doc, block)}</p>"
    if kind == "markdown":
        return f'<div class="staff-text">{block.html}</div>'
    if kind == "bullets":
        items = "".join(f"<li>{_inline(doc, item)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if kind == "note":
        label = escape(doc.labels.get("note", "Note"))
        return f'<p class="doc-note"><strong>{label}:</strong> {escape(block.text)}</p>'
    if kind == "table":
        return _table(doc, block)
    if kind == "figure":
        return _figure(doc, block, mode)
    raise ValueError(f"unknown block {kind}")


def body(doc: Document, *, toc: bool = True, mode: str = "reader") -> str:
    """The document's content (title, contents, chapters, endnotes) as one HTML fragment."""
    parts = [BODY_START, '<article class="concept-doc">']
    parts.append('<header class="doc-cover">')
    if doc.publisher:
        parts.append(f'<p class="doc-publisher">{escape(doc.publisher)}</p>')
    parts.append(f'<h1 class="doc-title">{escape(doc.title)}</h1>')
    if doc.subtitle:
        parts.append(f'<p class="doc-subtitle">{escape(doc.subtitle)}</p>')
    if doc.date_label:
        parts.append(f'<p class="doc-date">{escape(doc.date_label)}</p>')
    parts.append("</header>")
    if toc:
        contents = escape(doc.labels.get("contents", "Contents"))
        items = "".join(
            f'<li><a href="#{c.anchor}">{escape(c.title)}</a></li>' for c in doc.chapters
        )
        if doc.endnotes:
            items += f'<li><a href="#endnotes">{escape(doc.labels.get("endnotes", ""))}</a></li>'
        parts.append(
            f'<nav class="doc-toc" aria-labelledby="toc-h"><h2 id="toc-h">{contents}</h2>'
            f"<ol>{items}</ol></nav>"
        )
    for chapter in doc.chapters:
        parts.append(
            f'<section class="chapter" aria-labelledby="{chapter.anchor}">'
            f'<h2 class="chapter-title" id="{chapter.anchor}">{escape(chapter.title)}</h2>'
        )
        parts.extend(_block(doc, block, mode) for block in chapter.blocks)
        parts.append("</section>")
    if doc.endnotes:
        title = escape(doc.labels.get("endnotes", "Endnotes"))
        items = "".join(
            f'<li id="en-{n}">{escape(text)}</li>' for n, text in enumerate(doc.endnotes, 1)
        )
        parts.append(
            f'<section class="chapter endnotes" aria-labelledby="endnotes">'
            f'<h2 class="chapter-title" id="endnotes">{title}</h2><ol>{items}</ol></section>'
        )
    parts.append("</article>")
    parts.append(BODY_END)
    return "".join(parts)


SCREEN_CSS = """
.concept-doc{max-width:48rem;margin:0 auto;line-height:1.5;color:#1b1b1b;overflow-wrap:break-word;
hyphens:auto}
@media (max-width:30rem){.concept-doc h1.doc-title{font-size:1.4rem}}
.concept-doc h1.doc-title{font-size:1.8rem;margin:.5rem 0}
.concept-doc .doc-subtitle{font-size:1.15rem}
.concept-doc .chapter-title{border-bottom:2px solid #0b5394;padding-bottom:.2rem;margin-top:2.5rem}
.concept-doc .table-wrap{overflow-x:auto;max-width:100%;margin:1rem 0}
.concept-doc .table-wrap:focus{outline:3px solid #0b5394}
.concept-doc table{border-collapse:collapse;font-size:.9rem;width:100%;table-layout:fixed}
.concept-doc th,.concept-doc td{overflow-wrap:anywhere}
.concept-doc caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
.concept-doc th,.concept-doc td{border:1px solid #9a9a9a;padding:.25rem .4rem;vertical-align:top;
text-align:left}
.concept-doc thead th{background:#e8eef5}
.concept-doc td.num{text-align:right;white-space:nowrap}
.concept-doc .table-note{font-size:.85rem;margin:.2rem 0 1rem}
.concept-doc figure{margin:1rem 0}
.concept-doc svg.chart{width:100%;height:auto;max-width:40rem}
.concept-doc figcaption{font-size:.9rem;font-style:italic}
.concept-doc .doc-note{border-left:4px solid #7a4b00;background:#fff6e0;padding:.4rem .6rem}
.concept-doc .lead{font-weight:600}
.concept-doc .small{font-size:.85rem;color:#444;margin-top:0}
.concept-doc sup a.ref{padding:0 .1rem}
.concept-doc .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap}
"""

PRINT_CSS = """
@page{size:A4;margin:22mm 18mm 22mm 20mm;
@top-right{content:string(doctitle);font-size:8pt;color:#444}
@bottom-center{content:counter(page) " / " counter(pages);font-size:9pt}}
@page :first{@top-right{content:none}@bottom-center{content:none}}
html{font-family:"DejaVu Sans",sans-serif;font-size:10pt;line-height:1.4;color:#111}
h1.doc-title{string-set:doctitle content();font-size:24pt;margin-top:50mm}
.doc-cover{page-break-after:always}
.doc-subtitle{font-size:14pt}
.doc-toc{page-break-after:always}
.doc-toc ol{list-style:none;padding:0}
.doc-toc a{color:#111;text-decoration:none}
.doc-toc a::after{content:leader('.') target-counter(attr(href), page)}
h2.chapter-title{page-break-before:always;font-size:17pt;color:#0b3d6e;bookmark-level:1}
h3{font-size:13pt;bookmark-level:2;page-break-after:avoid}
h4{font-size:11pt;bookmark-level:3;page-break-after:avoid}
h5,h6{bookmark-level:none}
.doc-toc h2{bookmark-level:1}
table{border-collapse:collapse;width:100%;font-size:8pt;margin:2mm 0}
caption{text-align:left;font-weight:bold;padding:1mm 0;caption-side:top}
th,td{border:.5pt solid #777;padding:1mm 1.2mm;vertical-align:top;text-align:left}
thead{display:table-header-group}
thead th{background:#e8eef5}
tr{page-break-inside:avoid}
td.num{text-align:right;white-space:nowrap}
.table-note{font-size:8pt;margin:0 0 3mm}
figure{margin:3mm 0;page-break-inside:avoid}
svg.chart,img.chart{width:150mm;height:auto}
figcaption{font-size:8.5pt;font-style:italic}
.doc-note{border-left:3pt solid #7a4b00;background:#fff6e0;padding:1.5mm 2mm}
.lead{font-weight:bold}
.small{font-size:8pt;color:#444;margin-top:0}
sup{font-size:7pt;line-height:0}
a{color:#0b3d6e}
.endnotes li{font-size:8.5pt;margin-bottom:1mm}
.visually-hidden{display:none}
"""

# The management summary runs on: chapters do not start a new page, title and contents share one.
SUMMARY_PRINT_CSS = """
.doc-cover{page-break-after:auto}
h1.doc-title{margin-top:15mm}
h2.chapter-title{page-break-before:auto;margin-top:9mm}
.doc-toc h2{page-break-before:auto}
"""


def standalone(doc: Document, *, mode: str = "reader") -> str:
    """A complete HTML file: ``reader`` (screen, 360 px and up) or ``print`` (for WeasyPrint)."""
    css = PRINT_CSS if mode == "print" else SCREEN_CSS + _READER_PAGE_CSS
    if mode == "print" and doc.variant == "summary":
        css += SUMMARY_PRINT_CSS
    return (
        f'<!DOCTYPE html><html lang="{escape(doc.language)}"><head><meta charset="utf-8">'
        f"{'' if mode == 'print' else _VIEWPORT}<title>{escape(doc.title)}</title>"
        f'<meta name="description" content="{escape(doc.subtitle)}">'
        f"<style>{css}</style></head><body><main>{body(doc, mode=mode)}</main></body></html>"
    )


_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
_READER_PAGE_CSS = """
body{margin:0;padding:1rem;font-family:system-ui,"DejaVu Sans",sans-serif;background:#fff}
a{color:#0b3d6e}
"""


def extract_body(html: str) -> str:
    """The document part of a stored standalone file (to show it inside a page)."""
    start = html.find(BODY_START)
    end = html.find(BODY_END)
    if start < 0 or end < 0:
        return ""
    return html[start : end + len(BODY_END)]
