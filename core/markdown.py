"""Markdown that staff write, rendered safely for pages and documents.

markdown-it-py parses CommonMark with raw HTML switched off (a ``<script>`` is shown as text)
and its link check refuses ``javascript:``, ``vbscript:``, ``file:`` and ``data:`` links; the
HTML it produces then passes nh3 (the ammonia sanitizer) with a short allow-list, so even a
parser bug cannot let markup through. ``blocks`` turns the same parse into plain paragraphs of
styled runs for writers that are not HTML (python-docx).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # No tables, images or raw HTML: documents keep one look and one accessible structure.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _shift_headings(html: str, top: int) -> str:
    # Headings in staff text sit below the chapter heading: "#" becomes h<top>.
    for level in range(6, 0, -1):
        target = min(6, level + top - 1)
        html = html.replace(f"<h{level}>", f"<h{target}>").replace(f"</h{level}>", f"</h{target}>")
    return html


def to_html(text: str, *, top_heading: int = 3) -> str:
    """Safe HTML for ``text``. Headings start at ``h<top_heading>``."""
    if not text or not text.strip():
        return ""
    html = _shift_headings(_parser().render(text), top_heading)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


@dataclass
class Block:
    """A paragraph-like unit: ``kind`` is p, heading, bullet, number, quote or rule."""

    kind: str
    runs: list[Run] = field(default_factory=list)
    level: int = 0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def _inline_runs(token) -> list[Run]:
    runs: list[Run] = []
    bold = italic = 0
    href = ""
    for child in token.children or []:
        kind = child.type
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = child.attrGet("href") or ""
        elif kind == "link_close":
            href = ""
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" " if kind == "softbreak" else "\n"))
        elif kind == "code_inline":
            runs.append(Run(child.content, code=True))
        elif kind in ("text", "html_inline"):
            runs.append(Run(child.content, bold=bold > 0, italic=italic > 0, href=href))
    return runs


def blocks(text: str) -> list[Block]:
    """The paragraphs, headings and list items of ``text`` as styled runs (no markup)."""
    if not text or not text.strip():
        return []
    out: list[Block] = []
    lists: list[str] = []
    quote = 0
    pending_kind = "p"
    pending_level = 0
    for token in _parser().parse(text):
        kind = token.type
        if kind == "bullet_list_open":
            lists.append("bullet")
        elif kind == "ordered_list_open":
            lists.append("number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "heading_open":
            pending_kind, pending_level = "heading", int(token.tag[1])
        elif kind == "paragraph_open":
            if lists:
                pending_kind, pending_level = lists[-1], len(lists)
            elif quote:
                pending_kind, pending_level = "quote", 0
            else:
                pending_kind, pending_level = "p", 0
        elif kind == "inline":
            out.append(Block(pending_kind, _inline_runs(token), pending_level))
        elif kind in ("code_block", "fence", "html_block"):
            out.append(Block("p", [Run(token.content.rstrip("\n"), code=kind != "html_block")]))
        elif kind == "hr":
            out.append(Block("rule"))
    return out
