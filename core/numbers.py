"""Numbers as people read them.

- ``localized``: the active language's notation, grouped (German 1.234,5; English 1,234.5), for
  pages and reports;
- ``german``: German notation whatever the language (official statistics, the concept document);
  a withheld figure is shown as ``.``, as the statistical offices do;
- ``decimal_comma``: official notation without grouping (1234,5), as Landesdatenbank files
  write numbers, for files that are read back by the importer;
- ``plain``: an integer-valued number without ``.0`` (rules and messages).
"""

from __future__ import annotations

import math
from numbers import Real


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, Real) and math.isnan(value))


def localized(value, places: int = 1, *, empty: str = "–", trim: bool = True) -> str:
    """``value`` with ``places`` decimals in the active language, grouped.

    With ``trim`` an integer value is shown without decimals (``5`` rather than ``5,0``).
    """
    from django.utils.formats import number_format

    if _missing(value):
        return empty
    value = float(value)
    if trim and value.is_integer():
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, int(places)), int(places), force_grouping=True)


def german(value, *, decimals: int = 0, missing: str = ".") -> str:
    """German notation with a thousands dot and a decimal comma; ``missing`` for no value."""
    if _missing(value):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def decimal_comma(value) -> str:
    """Official notation without grouping: integers as they are, ``1234,5`` for decimals."""
    if _missing(value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return str(int(value))
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return repr(float(value)).replace(".", ",").removesuffix(",0")
    return str(value).replace(".", ",")


def plain(number: float) -> str:
    """``5`` for 5.0, ``2.5`` for 2.5: a number as written in a rule or a message."""
    return str(int(number)) if float(number).is_integer() else str(number)


def localized_day(value) -> str:
    """An ISO date (``2026-05-03`` or a ``date``) in the active language's short notation
    (German ``03.05.2026``); anything else is returned as text."""
    from datetime import date

    from django.utils.formats import date_format

    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def localized_month(value) -> str:
    """An ISO month (``2026-05``) as the active language writes it (German ``Mai 2026``)."""
    from datetime import date

    from django.utils.formats import date_format

    try:
        year, month = (int(part) for part in str(value).split("-")[:2])
        return date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
    except (TypeError, ValueError):
        return "" if value is None else str(value)
