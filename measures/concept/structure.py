"""The document as plain data: what ``gather`` builds and every renderer (HTML, PDF, DOCX)
writes. Pure Python, no Django, so renderers and tests work on it directly.

Blocks are small dataclasses; a renderer dispatches on ``block.kind``. Endnotes are numbered in
the order they are cited; a ``Text`` or a table row carries the numbers it cites.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SUPPRESSED = "."  # the official sign for a withheld figure, explained in a note
MISSING = "–"


@dataclass
class Heading:
    text: str
    level: int  # 2 = section inside a chapter, 3 = subsection
    anchor: str = ""
    kind: str = "heading"


@dataclass
class Text:
    """A plain paragraph; ``refs`` are endnote numbers placed after it."""

    text: str
    refs: list[int] = field(default_factory=list)
    style: str = ""  # "lead" (a reading line), "small", "quote"
    # Text with endnote numbers inside it ("... [1] ..."): strings and ints in reading order.
    segments: list = field(default_factory=list)
    kind: str = "text"


@dataclass
class Markdown:
    """Staff's text: ``html`` is sanitised, ``blocks`` the same text for DOCX."""

    html: str
    blocks: list = field(default_factory=list)
    kind: str = "markdown"


@dataclass
class Bullets:
    items: list[Text]
    kind: str = "bullets"


@dataclass
class Note:
    """A visible note about missing or withheld data (never a crash)."""

    text: str
    kind: str = "note"


@dataclass
class Cell:
    text: str
    suppressed: bool = False
    refs: list[int] = field(default_factory=list)
    numeric: bool = False


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    number: int = 0  # "Table 3"
    row_headers: bool = True  # the first cell of each row names the row
    widths: list[float] = field(default_factory=list)  # relative column widths
    kind: str = "table"


@dataclass
class Figure:
    """A chart: ``svg`` for HTML/PDF, ``lines`` to draw it again for DOCX; ``alt`` is its text
    alternative (the table under it holds every figure)."""

    svg: str
    alt: str
    caption: str
    lines: list = field(default_factory=list)  # [(label, [(year, value|None)], reference)]
    unit: str = ""
    decimals: int = 1
    number: int = 0
    kind: str = "figure"


@dataclass
class Chapter:
    title: str
    anchor: str
    blocks: list = field(default_factory=list)
    kind: str = ""


@dataclass
class Document:
    title: str
    subtitle: str
    language: str
    variant: str
    publisher: str = ""
    date_label: str = ""
    chapters: list[Chapter] = field(default_factory=list)
    endnotes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # every Note text, for the version record
    measures: int = 0
    labels: dict = field(default_factory=dict)  # "contents", "endnotes", "table", "figure", …
    _tables: int = 0
    _figures: int = 0

    def cite(self, text: str) -> int:
        """Add an endnote and return its number. Every citation gets its own note (as Word
        does: one reference per endnote), so a source cited twice appears twice."""
        self.endnotes.append(text)
        return len(self.endnotes)

    def table(self, table: Table) -> Table:
        self._tables += 1
        table.number = self._tables
        return table

    def figure(self, figure: Figure) -> Figure:
        self._figures += 1
        figure.number = self._figures
        return figure

    def note(self, text: str) -> Note:
        self.notes.append(text)
        return Note(text)
