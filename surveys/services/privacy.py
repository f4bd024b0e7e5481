"""What a survey's privacy notice still lacks before the survey may be opened."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Survey


def privacy_notice_missing(survey: Survey) -> list[str]:
    """Labels of the parts of the privacy notice that are still missing (empty: complete).

    The notice is a text per language; it is complete when the default language has one.
    (Whether every language has it is part of the translation check.)
    """
    text = (survey.privacy_notice or {}).get(survey.default_language, "")
    if not text.strip():
        return [_("Privacy notice text")]
    return []
