"""Headings of a generated PDF (its bookmarks, which WeasyPrint makes from the HTML headings)
and the internal codes a heading must not show to a county council."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

# Codes no reader should meet: question keys written like q_lang, benchmark leftovers,
# snake_case identifiers in general and measure numbers (M-007).
CODE_LIKE = re.compile(r"\bq_\w+|\bBENCH_\w*|\b[a-z]+_[a-z0-9_]+\b|\bM-\d{3}\b")


def pdf_headings(data: bytes) -> list[str]:
    from pypdf import PdfReader

    found: list[str] = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(item.title)

    walk(PdfReader(io.BytesIO(data)).outline)
    return found


def coded_headings(headings: list[str], codes: set[str]) -> list[str]:
    """Headings that contain a code-like word or start with one of ``codes`` (indicator and
    measure codes stand first, as "D1 Ausländeranteil") or consist of one."""
    bad = []
    for heading in headings:
        words = heading.split()
        if CODE_LIKE.search(heading) or (words and words[0] in codes) or heading in codes:
            bad.append(heading)
    return bad


def render_pages(data: bytes, target: Path, *, first: int = 1, last: int = 2) -> list[Path]:
    """The pages ``first``–``last`` as PNG (poppler's pdftoppm) to look at."""
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = target.with_suffix(".pdf")
    pdf.write_bytes(data)
    for old in target.parent.glob(f"{target.name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "50", "-f", str(first), "-l", str(last), "-png", str(pdf), str(target)],
        check=True,
    )
    return sorted(target.parent.glob(f"{target.name}-*.png"))
