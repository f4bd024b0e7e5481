"""The survey's privacy notice: a structured default and the check that it is complete.

A new survey's notice starts, in each of its languages, as one labelled line per part the GDPR
(Art. 13) asks for: controller, data protection contact, purpose, legal basis, recipients and
retention. Controller and contact are filled in from the process (or the installation's
settings); the others hold a placeholder that staff replace. Opening the survey is refused
while a part is missing or still holds the placeholder (``privacy_notice_missing``).

The notice stays one text per language (as the interchange formats carry it): staff may add
paragraphs; a part counts when a line starts with its label and a colon, followed by text.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.legal import legal_details

from ..models import Survey

PLACEHOLDER = "[…]"
# (key, label); the labels are looked up in the notice's language, German and English.
PARTS = (
    ("controller", gettext_noop("Controller")),
    ("contact", gettext_noop("Data protection contact")),
    ("purpose", gettext_noop("Purpose")),
    ("legal_basis", gettext_noop("Legal basis")),
    ("recipients", gettext_noop("Recipients")),
    ("retention", gettext_noop("Retention period")),
)


def _label(label: str, language: str) -> str:
    with translation.override(language):
        return _(label)


def privacy_notice_default(*, process, language: str) -> str:
    """The structured notice a new survey starts with, in ``language``."""
    legal = legal_details(process)
    known = {"controller": legal.controller, "contact": legal.contact}
    lines = []
    for key, label in PARTS:
        value = " ".join((known.get(key) or "").split()) or PLACEHOLDER
        lines.append(f"{_label(label, language)}: {value}")
    with translation.override(language):
        hint = _(
            "Replace every %(placeholder)s before opening the survey; further paragraphs "
            "may follow."
        ) % {"placeholder": PLACEHOLDER}
    return "\n".join(lines) + "\n\n" + hint


def _parts_found(text: str, language: str) -> dict[str, str]:
    """Each part's text (possibly empty), found by its label in any of the languages."""
    labels: dict[str, str] = {}
    for key, label in PARTS:
        for code in {language, "de", "en"}:
            labels[_label(label, code).casefold()] = key
    pattern = re.compile(
        r"^\s*(?:\*\*)?("
        + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True))
        + r")(?:\*\*)?\s*:(.*)$",
        re.IGNORECASE,
    )
    found: dict[str, str] = {}
    current = None
    for line in (text or "").splitlines():
        match = pattern.match(line)
        if match:
            current = labels[match.group(1).casefold()]
            found[current] = match.group(2).strip()
        elif current and line.strip():
            found[current] = (found[current] + " " + line.strip()).strip()
        else:
            current = None
    return found


def privacy_notice_missing(survey: Survey) -> list[str]:
    """The parts of ``survey``'s privacy notice (in its default language) that are missing or
    still hold the placeholder, as labels in the active language; empty when complete."""
    language = survey.default_language
    text = (survey.privacy_notice or {}).get(language, "")
    found = _parts_found(text, language)
    return [
        _(label)
        for key, label in PARTS
        if not found.get(key) or PLACEHOLDER in found[key] or found[key] in ("…", "...")
    ]
