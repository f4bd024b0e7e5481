"""Periods as official files write them, and the derived comparison rows they also contain.

Pure: no database. ``parse_period`` returns ``(code, year, reference_date, label)`` or None:

- years ``2024``; reference dates ``31.12.2023``, ``2023-12-31``, ``Stichtag 30.06.2024``;
  months ``Juni 2007``, ``2007-06``, ``06/2007`` (the month's last day);
- quarters ``2023 Q1``, ``Q1/2023``, ``1. Quartal 2023`` (the quarter's last day) and half
  years ``1. Halbjahr 2023``;
- school and academic years ``Schuljahr 2023/24``, ``2023/2024``, ``WS 2019/20``,
  ``Wintersemester 2019/2020``, ``SS 2020`` / ``Sommersemester 2020``: they count for the year
  in which they start.

``derived_period`` recognises rows that compare periods (``2024 / 2005``, ``Veränderung
aktuelles Jahr (2024) zu 2005``, ``Veränderung zum Vorjahr``): they are no raw values and are
skipped by the importers, since the platform computes changes itself.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            (),
            ("januar", "jan", "january", "jänner"),
            ("februar", "feb", "february"),
            ("märz", "mär", "march", "maerz", "mrz"),
            ("april", "apr"),
            ("mai", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october", "oct"),
            ("november", "nov"),
            ("dezember", "dez", "december", "dec"),
        ]
    )
    for name in names
}

_PREFIX = re.compile(r"^(?:stichtag|stand|am|zum|jahr|berichtsjahr|year)[:\s]+", re.I)
_DERIVED_WORDS = re.compile(
    r"veränderung|veraenderung|differenz|zu-?\s*/\s*abnahme|zunahme|abnahme|gegenüber|"
    r"ggü\.?|vorjahr|change|änderung|zuwachs|entwicklung\s+\d{4}",
    re.I,
)


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_ok(year: int) -> bool:
    return 1900 <= year <= 2100


def _school_year(first: int, second: str) -> int | None:
    """``2023/24`` or ``2023/2024`` → 2023 when the second part is the following year."""
    follow = int(second)
    if len(second) == 2:
        return first if follow == (first + 1) % 100 else None
    return first if follow == first + 1 else None


def parse_period(text) -> tuple[str, int, date | None, str] | None:
    label = str(text).strip()
    raw = _PREFIX.sub("", label).strip()
    if re.fullmatch(r"\d{4}", raw):
        year = int(raw)
        return (raw, year, None, label) if _year_ok(year) else None
    match = re.fullmatch(r"([A-Za-zÄÖÜäöü]+)\.?\s+(\d{4})", raw)
    if match and match.group(1).lower() in MONTHS:
        ref = _end_of_month(int(match.group(2)), MONTHS[match.group(1).lower()])
        return ref.isoformat(), ref.year, ref, label
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", "ymd"),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy"),
        (r"(\d{1,2})/(\d{4})", "my"),
    ):
        match = re.fullmatch(pattern, raw)
        if not match:
            continue
        parts = match.groups()
        if order == "ymd":
            year, month, day = int(parts[0]), int(parts[1]), parts[2]
        elif order == "dmy":
            year, month, day = int(parts[2]), int(parts[1]), parts[0]
        else:
            year, month, day = int(parts[1]), int(parts[0]), None
        if not 1 <= month <= 12 or not _year_ok(year):
            return None
        try:
            ref = date(year, month, int(day)) if day else _end_of_month(year, month)
        except ValueError:
            return None
        return ref.isoformat(), year, ref, label
    quarter = re.fullmatch(
        r"(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]\s*(\d{4})|([1-4])\.\s*Quartal\s+(\d{4}))",
        raw,
        re.I,
    )
    if quarter:
        groups = quarter.groups()
        year = int(groups[0] or groups[3] or groups[5])
        number = int(groups[1] or groups[2] or groups[4])
        if not _year_ok(year):
            return None
        ref = _end_of_month(year, number * 3)
        return f"{year}-Q{number}", year, ref, label
    half = re.fullmatch(r"([12])\.\s*Halbjahr\s+(\d{4})", raw, re.I)
    if half:
        number, year = int(half.group(1)), int(half.group(2))
        ref = _end_of_month(year, number * 6)
        return f"{year}-H{number}", year, ref, label
    school = re.fullmatch(
        r"(?:Schuljahr|SJ|Kita-Jahr|Ausbildungsjahr)?\s*(\d{4})\s*/\s*(\d{2}|\d{4})", raw, re.I
    )
    if school:
        year = _school_year(int(school.group(1)), school.group(2))
        if year is None or not _year_ok(year):
            return None
        return f"{year}/{(year + 1) % 100:02d}", year, None, label
    winter = re.fullmatch(r"(?:WS|WiSe|Wintersemester)\s*(\d{4})\s*/\s*(\d{2}|\d{4})", raw, re.I)
    if winter:
        year = _school_year(int(winter.group(1)), winter.group(2))
        if year is None or not _year_ok(year):
            return None
        return f"WS{year}/{(year + 1) % 100:02d}", year, None, label
    summer = re.fullmatch(r"(?:SS|SoSe|Sommersemester)\s*(\d{4})", raw, re.I)
    if summer:
        year = int(summer.group(1))
        return (f"SS{year}", year, None, label) if _year_ok(year) else None
    return None


def derived_period(text) -> bool:
    """True for a comparison of periods rather than a period (``2024 / 2005``, changes)."""
    raw = str(text).strip()
    if not raw:
        return False
    pair = re.fullmatch(r"(\d{4})\s*/\s*(\d{2}|\d{4})", raw)
    if pair:
        return _school_year(int(pair.group(1)), pair.group(2)) is None
    parts = re.split(r"\s+/\s+|\s+zu\s+|\s+vs\.?\s+", raw)
    if len(parts) >= 2 and all(parse_period(p) for p in parts):
        return True
    return bool(_DERIVED_WORDS.search(raw))
