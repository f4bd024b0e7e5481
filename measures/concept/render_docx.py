"""The document as Word file (python-docx).

Real Word headings (so Word builds a table of contents), tables whose header row repeats on
every page, captions with SEQ fields (Word's lists of tables and figures), page numbers in the
footer and real Word endnotes (an endnotes part, one ``endnoteReference`` per citation).
Large tables are written as one XML fragment: python-docx's ``add_row`` copies the previous row
and gets slow with thousands of rows.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document as WordDocument
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from . import raster
from .structure import Document

ENDNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _t(text: str) -> str:
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'


def _ref_runs(refs: list[int]) -> str:
    return "".join(
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:endnoteReference w:id="{n}"/></w:r>'
        for n in refs
    )


class _Writer:
    def __init__(self, doc: Document):
        self.doc = doc
        self.word = WordDocument()
        self.body = self.word.element.body
        self._setup()

    # --- document set-up ------------------------------------------------------------------
    def _setup(self) -> None:
        word, doc = self.word, self.doc
        lang = "de-DE" if doc.language == "de" else "en-GB"
        props = word.core_properties
        props.title = doc.title
        props.subject = doc.subtitle
        props.language = lang
        props.author = doc.publisher or "Teilhabe"
        styles = word.styles.element
        rpr_default = styles.find(
            qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr")
        )
        if rpr_default is not None:
            for old in rpr_default.findall(qn("w:lang")):
                rpr_default.remove(old)
            rpr_default.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{lang}"/>'))
        normal = word.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        section = word.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.2)
        section.different_first_page_header_footer = True
        footer = section.footer.paragraphs[0]
        footer.alignment = 1
        footer._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r>{_t("1")}</w:r></w:fldSimple>'
            )
        )
        header = section.header.paragraphs[0]
        header.alignment = 2
        header.add_run(doc.title).font.size = Pt(8)
        # Endnotes numbered 1, 2, 3 (Word's default is i, ii, iii), collected at the end.
        sect_pr = section._sectPr
        endnote_pr = parse_xml(
            f'<w:endnotePr {nsdecls("w")}><w:numFmt w:val="decimal"/></w:endnotePr>'
        )
        anchor = sect_pr.find(qn("w:type"))
        if anchor is None:
            anchor = sect_pr.find(qn("w:pgSz"))
        anchor.addprevious(endnote_pr)

    def _append(self, element) -> None:
        self.body.insert(len(self.body) - 1, element)  # before the final sectPr

    # --- blocks ---------------------------------------------------------------------------
    def paragraph(
        self, text: str, *, style: str | None = None, refs=(), bold=False, size=None, segments=()
    ):
        p = self.word.add_paragraph(style=style)
        for segment in segments or [text]:
            if isinstance(segment, int):
                for element in parse_xml(f"<w:p {nsdecls('w')}>{_ref_runs([segment])}</w:p>"):
                    p._p.append(element)
                continue
            run = p.add_run(segment)
            run.bold = bold or None
            if size:
                run.font.size = Pt(size)
        if refs:
            for element in parse_xml(f"<w:p {nsdecls('w')}>{_ref_runs(list(refs))}</w:p>"):
                p._p.append(element)
        return p

    def markdown(self, blocks) -> None:
        for block in blocks:
            if block.kind == "rule":
                self.word.add_paragraph("—")
                continue
            if block.kind == "heading":
                p = self.word.add_heading(level=min(9, 1 + block.level))
            elif block.kind == "bullet":
                p = self.word.add_paragraph(
                    style="List Bullet" if block.level < 2 else "List Bullet 2"
                )
            elif block.kind == "number":
                p = self.word.add_paragraph(style="List Number")
            elif block.kind == "quote":
                p = self.word.add_paragraph(style="Quote")
            else:
                p = self.word.add_paragraph()
            for r in block.runs:
                text = r.text if not r.href else f"{r.text} ({r.href})"
                run = p.add_run(text)
                run.bold = r.bold or None
                run.italic = r.italic or None
                if r.code:
                    run.font.name = "Consolas"

    def caption(self, label: str, number: int, text: str) -> None:
        p = self.word.add_paragraph(style="Caption")
        p.add_run(f"{label} ")
        p._p.append(
            parse_xml(
                f'<w:fldSimple {nsdecls("w")} w:instr=" SEQ {label} \\* ARABIC ">'
                f"<w:r>{_t(str(number))}</w:r></w:fldSimple>"
            )
        )
        p.add_run(f": {text}")
        p.paragraph_format.keep_with_next = True

    def table(self, block) -> None:
        self.caption(self.doc.labels.get("table", "Table"), block.number, block.caption)
        cols = len(block.header)
        widths = block.widths or [1.0] * cols
        total = sum(widths)
        usable = 9638  # twips between the margins of an A4 page with 2 cm margins
        grid = "".join(f'<w:gridCol w:w="{int(usable * w / total)}"/>' for w in widths)

        def cell(text: str, *, bold=False, numeric=False, shade=False, refs=()) -> str:
            ppr = '<w:pPr><w:spacing w:before="0" w:after="0"/>'
            if numeric:
                ppr += '<w:jc w:val="right"/>'
            ppr += "</w:pPr>"
            rpr = '<w:rPr><w:sz w:val="17"/>' + ("<w:b/>" if bold else "") + "</w:rPr>"
            tcpr = (
                '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8EEF5"/></w:tcPr>'
                if shade
                else ""
            )
            run = f"<w:r>{rpr}{_t(text)}</w:r>{_ref_runs(list(refs))}"
            return f"<w:tc>{tcpr}<w:p>{ppr}{run}</w:p></w:tc>"

        header = "".join(cell(h, bold=True, shade=True) for h in block.header)
        rows = ["<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>" + header + "</w:tr>"]
        for row in block.rows:
            cells = "".join(
                cell(
                    c.text,
                    bold=(i == 0 and block.row_headers),
                    numeric=c.numeric,
                    refs=c.refs,
                )
                for i, c in enumerate(row)
            )
            rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
        xml = (
            f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            '<w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="04A0" w:firstRow="1" '
            'w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )
        self._append(parse_xml(xml))
        for note in block.notes:
            self.paragraph(note, size=8.5)
        if not block.notes:
            self.word.add_paragraph()

    def figure(self, block) -> None:
        png = raster.line_chart_png(
            block.lines, unit=block.unit, decimals=block.decimals, title=block.caption
        )
        if png:
            self.word.add_paragraph().add_run().add_picture(io.BytesIO(png), width=Cm(15))
            shape = self.word.inline_shapes[-1]
            shape._inline.docPr.set("descr", block.alt)
            shape._inline.docPr.set("title", block.caption)
            self.word.paragraphs[-1].paragraph_format.keep_with_next = True
        self.caption(self.doc.labels.get("figure", "Figure"), block.number, block.caption)
        self.paragraph(block.alt, size=8.5)

    def block(self, block) -> None:
        kind = block.kind
        if kind == "heading":
            self.word.add_heading(block.text, level=max(2, block.level - 1))
        elif kind == "text":
            self.paragraph(
                block.text,
                refs=block.refs,
                bold=block.style == "lead",
                segments=block.segments,
                style="Quote" if block.style == "quote" else None,
            )
        elif kind == "markdown":
            self.markdown(block.blocks)
        elif kind == "bullets":
            for item in block.items:
                self.paragraph(
                    item.text, style="List Bullet", refs=item.refs, segments=item.segments
                )
        elif kind == "note":
            p = self.paragraph("", size=None)
            label = p.add_run(f"{self.doc.labels.get('note', 'Note')}: ")
            label.bold = True
            p.add_run(block.text)
        elif kind == "table":
            self.table(block)
        elif kind == "figure":
            self.figure(block)

    # --- whole document -------------------------------------------------------------------
    def write(self) -> bytes:
        doc, word = self.doc, self.word
        if doc.publisher:
            self.paragraph(doc.publisher, size=12)
        word.add_heading(doc.title, level=0)
        if doc.subtitle:
            self.paragraph(doc.subtitle, size=14)
        if doc.date_label:
            self.paragraph(doc.date_label)
        # A table-of-contents field: Word fills it in when the document is opened (F9).
        contents = doc.labels.get("contents", "Contents")
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if _has_style(word, "TOC Heading"):
            word.add_paragraph(contents, style="TOC Heading")
        else:
            self.paragraph(contents, bold=True, size=14)
        toc = word.add_paragraph()
        toc._p.append(
            parse_xml(
                f"<w:fldSimple {nsdecls('w')} w:instr=' TOC \\o \"1-2\" \\h \\z \\u '>"
                f"<w:r>{_t(doc.labels.get('toc_hint', ''))}</w:r></w:fldSimple>"
            )
        )
        for chapter in doc.chapters:
            heading = word.add_heading(chapter.title, level=1)
            # The management summary runs on; the long version starts each chapter on a page.
            heading.paragraph_format.page_break_before = doc.variant != "summary"
            for block in chapter.blocks:
                self.block(block)
        if doc.endnotes:
            self._endnotes()
        out = io.BytesIO()
        word.save(out)
        return out.getvalue()

    def _endnotes(self) -> None:
        notes = [
            '<w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:endnote>",
            '<w:endnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:endnote>",
        ]
        for number, text in enumerate(self.doc.endnotes, 1):
            notes.append(
                f'<w:endnote w:id="{number}"><w:p><w:pPr><w:spacing w:after="60"/></w:pPr>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:endnoteRef/></w:r>'
                f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr>{_t(" " + text)}</w:r></w:p></w:endnote>'
            )
        xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:endnotes xmlns:w="{W_NS}">{"".join(notes)}</w:endnotes>'
        )
        part = Part(
            PackURI("/word/endnotes.xml"), ENDNOTES_CT, xml.encode("utf-8"), self.word.part.package
        )
        self.word.part.relate_to(part, RT.ENDNOTES)


def _has_style(word, name: str) -> bool:
    try:
        word.styles[name]
    except KeyError:
        return False
    return True


def render(doc: Document) -> bytes:
    return _Writer(doc).write()


def endnote_texts(docx_bytes: bytes) -> list[str]:
    """The endnotes of a DOCX file, in order (for readers and tests)."""
    from docx import Document as Open
    from lxml import etree

    word = Open(io.BytesIO(docx_bytes))
    for rel in word.part.rels.values():
        if rel.reltype == RT.ENDNOTES:
            root = etree.fromstring(rel.target_part.blob)
            out = []
            for note in root.findall(f"{{{W_NS}}}endnote"):
                if note.get(f"{{{W_NS}}}type"):
                    continue
                out.append("".join(t.text or "" for t in note.iter(f"{{{W_NS}}}t")).strip())
            return out
    return []
