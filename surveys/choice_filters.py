"""Cascading selects: which choices a question offers, given earlier answers.

XLSForm writes them as ``choice_filter`` (``county=${county}``): bare names are columns of the
choices sheet, ``${name}`` an earlier answer. The forms used in the field join comparisons with
``and``; those are what this module reads (``parse`` raises ``ValueError`` for anything else).
A choice keeps the values of its filter columns as ``filter_values``, a list of
``{column: value}`` variants: with ``allow_choice_duplicates`` one answer code (a municipality
name that exists in two districts) may belong to several.

Pure: no Django.
"""

from __future__ import annotations

import re

_COMPARE = re.compile(
    r"""^\s*(?:
        (?P<col>[A-Za-z_][\w.\-]*)\s*=\s*(?:\$\{(?P<q>[A-Za-z_][\w.\-]*)\}|'(?P<lit>[^']*)'|"(?P<lit2>[^"]*)")
      | \$\{(?P<q2>[A-Za-z_][\w.\-]*)\}\s*=\s*(?P<col2>[A-Za-z_][\w.\-]*)
    )\s*$""",
    re.X,
)


def parse(text: str) -> list[tuple[str, str, str]]:
    """``"county=${county} and kind='city'"`` →
    ``[("county", "question", "county"), ("kind", "literal", "city")]``."""
    parts = re.split(r"\s+and\s+", (text or "").strip().strip("()"))
    conditions = []
    for part in parts:
        match = _COMPARE.match(part.strip().strip("()"))
        if not match:
            raise ValueError(part)
        column = match.group("col") or match.group("col2")
        if match.group("q") or match.group("q2"):
            conditions.append((column, "question", match.group("q") or match.group("q2")))
        else:
            literal = match.group("lit") if match.group("lit") is not None else match.group("lit2")
            conditions.append((column, "literal", literal))
    return conditions


def sources(conditions) -> set[str]:
    """The questions a filter depends on."""
    return {target for _column, kind, target in conditions if kind == "question"}


def _wanted(conditions, values: dict) -> list[tuple[str, str]] | None:
    """(column, value) pairs the choice must match; None while a source is unanswered."""
    wanted = []
    for column, kind, target in conditions:
        if kind == "literal":
            wanted.append((column, target))
            continue
        value = values.get(target)
        if value in (None, "", []):
            return None
        if isinstance(value, list):
            value = value[0]
        wanted.append((column, str(value)))
    return wanted


def matches(filter_values, conditions, values: dict) -> bool:
    """Whether a choice is offered. Until its source questions are answered, every choice is."""
    if not conditions:
        return True
    wanted = _wanted(conditions, values)
    if wanted is None:
        return True
    return any(
        all(str(variant.get(column, "")) == value for column, value in wanted)
        for variant in (filter_values or [{}])
    )
