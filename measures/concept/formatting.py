"""Numbers and dates in the document's language (the active translation)."""

from __future__ import annotations

import math

from django.utils import formats

from core.numbers import localized

from .structure import MISSING


def fmt(value: float | int | None, decimals: int = 0) -> str:
    """In the document's language, grouped, always with ``decimals`` places (tables align)."""
    return localized(value, decimals, empty=MISSING, trim=False)


def signed(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return sign + fmt(abs(value), decimals)


def date(value) -> str:
    if value is None:
        return MISSING
    return formats.date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
