"""Read monitoring deliveries into one tidy table. Pure: pandas only, no Django.

Three formats arrive: Open SDG tidy CSV (``Year``, dimension columns, optional ``Units``,
``GeoCode``, ``Value``; blank dimension cell = total), official statistics tables (CSV with
``;``, decimal comma, thousands dot and the table symbols) and XLSX workbooks laid out like the
official tables. Every format ends in the same frame (see ``COLUMNS``); rows that cannot be read
are listed in ``rejected`` with their line number and the reason, never silently dropped.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from core.numbers import decimal_comma

COLUMNS = [
    "row",
    "series",
    "period",
    "year",
    "reference_date",
    "period_label",
    "territory",
    "territory_name",
    "target_group",
    "sex",
    "age_group",
    "dimensions",
    "cell",
    "value",
    "symbol",
    "suppressed",
    "rounded_to",
    "provisional",
    "series_break",
    "limited_validity",
    "comment",
    "unit",
]

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            (),
            ("januar", "jan", "january"),
            ("februar", "feb", "february"),
            ("märz", "mär", "march", "maerz"),
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

YEAR_COLUMNS = ("year", "jahr", "zeit", "stichtag", "berichtsjahr")
TERRITORY_COLUMNS = ("geocode", "ags", "regionalschlüssel", "schlüssel", "kennziffer", "gkz")
TERRITORY_NAME_COLUMNS = ("gebietseinheit", "gebiet", "region", "kreis", "gemeinde", "name")
VALUE_COLUMNS = ("value", "wert")
SERIES_COLUMNS = ("series", "reihe", "merkmal", "kennzahl")
UNIT_COLUMNS = ("units", "unit", "einheit")
SEX_COLUMNS = ("geschlecht", "sex")
AGE_COLUMNS = ("altersgruppe", "alter", "age", "age_group")
TARGET_GROUP_COLUMNS = ("zielgruppe", "target_group", "target group")
ROUNDING_COLUMNS = ("rundung", "rounded_to")
SEX_VALUES = {
    "": "",
    "insgesamt": "",
    "zusammen": "",
    "total": "",
    "gesamt": "",
    "männlich": "m",
    "maennlich": "m",
    "männer": "m",
    "m": "m",
    "male": "m",
    "weiblich": "f",
    "frauen": "f",
    "w": "f",
    "f": "f",
    "female": "f",
    "divers": "d",
    "d": "d",
    "diverse": "d",
}
# Official table symbols (Zeichenerklärung): what the cell means and which flag it sets.
SYMBOLS = {
    ".": ("suppressed", None),  # secret or unknown
    "...": ("suppressed", None),  # not yet available
    "*": ("suppressed", None),  # anonymised (Statistik der BA)
    "/": ("suppressed", None),  # not reliable enough
    "x": (None, None),  # not applicable
    "-": (None, 0.0),  # nothing, exactly zero
    "–": (None, 0.0),
}


def umap(series: pd.Series, func) -> pd.Series:
    """``series.map(func)`` computed once per distinct value (deliveries repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.empty(len(uniques), dtype=object)
    for index, value in enumerate(uniques):
        mapped[index] = func(value)
    return pd.Series(mapped[codes], index=series.index)


class ParseError(ValueError):
    """The file as a whole cannot be read (no rows, missing column …)."""


@dataclass
class Parsed:
    frame: pd.DataFrame
    rejected: list[dict] = field(default_factory=list)
    rows_read: int = 0
    dimension_columns: list[str] = field(default_factory=list)
    column_values: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)


# --- small helpers -------------------------------------------------------------------------


def parse_period(text: str) -> tuple[str, int, date | None, str] | None:
    """``"2024"`` → year; ``"Juni 2007"``, ``"2007-06"``, ``"30.06.2007"`` → reference date."""
    raw = str(text).strip()
    if re.fullmatch(r"\d{4}", raw):
        year = int(raw)
        return (raw, year, None, raw) if 1900 <= year <= 2100 else None
    match = re.fullmatch(r"([A-Za-zÄÖÜäöü]+)\.?\s+(\d{4})", raw)
    if match and match.group(1).lower() in MONTHS:
        month, year = MONTHS[match.group(1).lower()], int(match.group(2))
        ref = date(year, month, calendar.monthrange(year, month)[1])
        return ref.isoformat(), year, ref, raw
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", raw)
    if not match:
        german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", raw)
        if german:
            match_parts = (german.group(3), german.group(2), german.group(1))
        else:
            return None
    else:
        match_parts = (match.group(1), match.group(2), match.group(3))
    year, month = int(match_parts[0]), int(match_parts[1])
    if not 1 <= month <= 12:
        return None
    day = int(match_parts[2]) if match_parts[2] else calendar.monthrange(year, month)[1]
    try:
        ref = date(year, month, day)
    except ValueError:
        return None
    return ref.isoformat(), year, ref, raw


def normalise_key(text: str) -> str:
    """``"K03101"`` → ``"03101"``: Open SDG GeoCodes often carry a letter prefix."""
    raw = str(text).strip()
    return re.sub(r"^[A-Za-z]+(?=\d)", "", raw)


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9äöüß]+", "-", str(text).lower()).strip("-")
    return value or "x"


def guess_roles(columns: list[str], values: dict[str, list[str]]) -> dict[str, dict]:
    """A first proposal for the mapping of dimension columns; the user confirms or edits it."""
    roles: dict[str, dict] = {}
    for column in columns:
        low = column.strip().lower()
        found = {str(v).strip().lower() for v in values.get(column, [])}
        if low in TERRITORY_NAME_COLUMNS:
            roles[column] = {"role": "territory_name", "values": {}}
        elif low in SEX_COLUMNS and found <= set(SEX_VALUES):
            roles[column] = {"role": "sex", "values": {}}
        elif low in AGE_COLUMNS:
            roles[column] = {"role": "age_group", "values": {}}
        elif low in TARGET_GROUP_COLUMNS:
            roles[column] = {"role": "target_group", "values": {}}
        else:
            roles[column] = {"role": "named", "values": {}}
    return roles


# --- reading -------------------------------------------------------------------------------


def read_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("The file is neither UTF-8 nor Windows-1252 text.")


def _frame_from_csv(text: str, sep: str) -> pd.DataFrame:
    if not text.strip():
        raise ParseError("The file is empty.")
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=False,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"The file cannot be read as CSV: {exc}") from exc
    return frame


def _drop_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    keep = []
    for column in frame.columns:
        name = str(column).strip()
        unnamed = not name or name.startswith("Unnamed:")
        if unnamed:
            if (frame[column].astype(str).str.strip() != "").any():
                raise ParseError(f"Column {len(keep) + 1} has values but no name.")
            continue
        keep.append(column)
    frame = frame[keep]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _find(columns, names) -> str | None:
    for column in columns:
        if column.strip().lower() in names:
            return column
    return None


def sniff_format(name: str, data: bytes) -> str:
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return "xlsx"
    head = read_text(data[:4096]) if data else ""
    first = head.splitlines()[0] if head.splitlines() else ""
    if first.count(";") > first.count(","):
        return "official"
    return "opensdg"


def read_metadata(text: str) -> dict:
    """The YAML front matter of an Open SDG ``meta_<id>.md`` file."""
    text = text.lstrip("\ufeff")
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, re.S)
    if not match:
        raise ParseError("The metadata file has no YAML front matter between '---' lines.")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ParseError(f"The metadata front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ParseError("The metadata front matter is not a mapping.")
    return meta


def opensdg_id(path_or_name: str) -> str:
    stem = Path(path_or_name).stem
    return re.sub(r"^(indicator|meta)_", "", stem)


# --- the common part -----------------------------------------------------------------------


def _numbers(raw: pd.Series, *, official: bool) -> tuple[pd.DataFrame, pd.Series]:
    """Vectorised cell parsing. Returns the value/flag frame and a mask of unreadable cells."""
    text = raw.astype(str).str.strip()
    series_break = text.str.startswith("|")
    if series_break.any():
        text = text.str.lstrip("|").str.strip()
    limited = text.str.startswith("(") & text.str.endswith(")")
    if limited.any():
        text = text.where(~limited, text.str.slice(1, -1).str.strip())
    provisional = text.str.endswith("p") & text.str.match(r"^-?[\d.,]+\s*p$")
    if provisional.any():
        text = text.where(~provisional, text.str.replace(r"\s*p$", "", regex=True))
    is_symbol = text.isin(list(SYMBOLS))
    empty = text == ""
    if official:
        cleaned = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        cleaned = text.str.replace(",", ".", regex=False)
    if cleaned.str.contains(" ", regex=False).any() or cleaned.str.contains("\u00a0").any():
        cleaned = cleaned.str.replace(" ", "", regex=False).str.replace("\u00a0", "", regex=False)
    numbers = pd.to_numeric(cleaned.where(~(is_symbol | empty)), errors="coerce")
    bad = ~(is_symbol | empty) & numbers.isna()
    symbol_values = text.where(is_symbol).map({k: v[1] for k, v in SYMBOLS.items()})
    values = numbers.where(~is_symbol, pd.to_numeric(symbol_values, errors="coerce"))
    suppressed = text.isin([k for k, v in SYMBOLS.items() if v[0] == "suppressed"])
    out = pd.DataFrame(
        {
            "value": values.astype(float),
            "symbol": text.where(is_symbol, ""),
            "suppressed": suppressed.astype(bool),
            "provisional": provisional.astype(bool),
            "series_break": series_break.astype(bool),
            "limited_validity": limited.astype(bool),
        }
    )
    return out, bad


def _tidy(
    frame: pd.DataFrame,
    *,
    row_offset: int,
    official: bool,
    series_of: pd.Series,
    value_raw: pd.Series,
    year_col: str,
    territory_col: str | None,
    unit_col: str | None,
    comment_cols: list[str],
    dim_cols: list[str],
    mapping: dict[str, dict],
    rounding_col: str | None = None,
) -> tuple[pd.DataFrame, list[dict]]:
    rejected: list[dict] = []
    n = len(frame)
    rows = pd.Series(np.arange(n) + row_offset, index=frame.index)
    reasons = pd.Series("", index=frame.index, dtype=object)

    def reject(mask: pd.Series, reason) -> None:
        nonlocal reasons
        mask = mask & (reasons == "")
        if mask.any():
            if callable(reason):
                reasons.loc[mask] = [reason(i) for i in frame.index[mask]]
            else:
                reasons.loc[mask] = reason

    # periods
    period_raw = frame[year_col].astype(str).str.strip()
    codes, uniques = pd.factorize(period_raw, use_na_sentinel=False)
    parsed_uniques = [parse_period(p) for p in uniques]
    failed = np.array([p is None for p in parsed_uniques])[codes]
    reject(
        pd.Series(failed, index=frame.index),
        lambda i: f"period not understood: {period_raw[i]!r}",
    )
    ok = [p or ("", 0, None, "") for p in parsed_uniques]
    out = pd.DataFrame(index=frame.index)
    out["row"] = rows
    out["series"] = series_of
    out["period"] = np.array([p[0] for p in ok], dtype=object)[codes]
    out["year"] = np.array([p[1] for p in ok], dtype=int)[codes]
    out["reference_date"] = np.array([p[2] for p in ok], dtype=object)[codes]
    out["period_label"] = np.array([p[3] for p in ok], dtype=object)[codes]
    out["territory"] = (
        umap(frame[territory_col].astype(str).str.strip(), normalise_key) if territory_col else ""
    )
    name_col = next(
        (c for c in dim_cols if mapping.get(c, {}).get("role") == "territory_name"), None
    )
    out["territory_name"] = frame[name_col].astype(str).str.strip() if name_col else ""
    out["target_group"] = ""
    out["sex"] = ""
    out["age_group"] = ""
    named_parts = []
    named_cols = []
    for column in dim_cols:
        spec = mapping.get(column) or {"role": "named", "values": {}}
        role = spec.get("role", "named")
        values = frame[column].astype(str).str.strip()
        if role in ("territory_name", "ignore"):
            continue
        value_map = {str(k).strip(): v for k, v in (spec.get("values") or {}).items()}
        if role in ("sex", "target_group"):
            # Mapped values set the platform dimension; the others stay a named dimension, so
            # a file always imports as it is.
            if role == "sex":
                lookup = {**SEX_VALUES, **value_map}
                mapped = umap(values, lambda v, lookup=lookup: lookup.get(v, lookup.get(v.lower())))
            else:
                mapped = umap(values, lambda v, m=value_map: m.get(v, "" if v == "" else None))
            out[role] = mapped.fillna("")
            if mapped.isna().any():
                named_cols.append(column)
                named_parts.append(values.where(mapped.isna(), ""))
        elif role == "age_group":
            out["age_group"] = umap(values, lambda v, m=value_map: m.get(v, v))
        else:
            named_cols.append(column)
            named_parts.append(values)
    dim_key = pd.Series("", index=frame.index, dtype=object)
    if named_cols:
        for column, values in zip(named_cols, named_parts, strict=True):
            dim_key = dim_key + np.where(values != "", "|" + column + "=" + values, "")

        # column names and values may hold "|" or "=": build from the columns, per combination
        combos = pd.concat(named_parts, axis=1, keys=named_cols)
        combo_codes, _uniq = pd.factorize(dim_key, use_na_sentinel=False)
        firsts = pd.Series(np.arange(len(combo_codes))).groupby(combo_codes).first()
        dicts = np.empty(len(firsts), dtype=object)
        for code, position in firsts.items():
            values_row = combos.iloc[position]
            dicts[code] = {k: v for k, v in values_row.items() if v != ""}
        out["dimensions"] = dicts[combo_codes]
    else:
        out["dimensions"] = [{} for _ in range(n)]
    out["cell"] = (
        "tg=" + out["target_group"] + "|sex=" + out["sex"] + "|age=" + out["age_group"] + dim_key
    )
    numbers, bad = _numbers(value_raw, official=official)
    reject(bad, lambda i: f"not a number: {str(value_raw[i]).strip()[:40]!r}")
    for column in numbers.columns:
        out[column] = numbers[column]
    if rounding_col:
        rounding = pd.to_numeric(frame[rounding_col].astype(str).str.strip(), errors="coerce")
        rounding = rounding.fillna(0)
        reject(~rounding.isin([0, 3, 5, 10]), "rounding must be 3, 5 or 10")
        out["rounded_to"] = rounding.where(rounding.isin([0, 3, 5, 10]), 0).astype(int)
    else:
        out["rounded_to"] = 0
    comments = pd.Series("", index=frame.index)
    for column in comment_cols:
        text = frame[column].astype(str).str.strip()
        comments = comments.where(
            text == "", np.where(comments == "", text, comments + "; " + text)
        )
        low = text.str.lower()
        out["limited_validity"] = out["limited_validity"] | low.str.contains(
            "eingeschränkt|unsicher", regex=True
        )
        out["suppressed"] = out["suppressed"] | (
            low.str.contains("nicht veröffentlicht|geheim", regex=True) & out["value"].isna()
        )
        out["series_break"] = out["series_break"] | low.str.contains("zeitreihenbruch|reihenbruch")
    out["comment"] = comments.str.slice(0, 500)
    out["unit"] = frame[unit_col].astype(str).str.strip() if unit_col else ""
    # duplicates: the same cell twice in one delivery
    key = ["series", "period", "territory", "cell"]
    valid = reasons == ""
    dup = out[valid].duplicated(subset=key, keep=False)
    if dup.any():
        dups = out[valid][dup]
        first = dups.groupby(key, sort=False)["row"].transform("min")
        later = dups["row"] != first
        for index in dups.index[later]:
            reasons[index] = f"duplicate of row {int(first[index])}"
    bad_mask = reasons != ""
    if bad_mask.any():
        rejected = [
            {"row": int(r), "reason": reason}
            for r, reason in zip(out.loc[bad_mask, "row"], reasons[bad_mask], strict=True)
        ]
    return out[~bad_mask][COLUMNS].reset_index(drop=True), rejected


def parse_opensdg(
    data: bytes,
    *,
    name: str,
    mapping: dict[str, dict] | None = None,
    metadata: dict | None = None,
) -> Parsed:
    """An Open SDG ``indicator_<id>.csv`` file. Series code: ``opensdg-<id>[-<unit>]``."""
    text = read_text(data)
    frame = _drop_empty_columns(_frame_from_csv(text, ","))
    year_col = _find(frame.columns, ("year",))
    value_col = _find(frame.columns, ("value",))
    missing = [n for n, c in (("Year", year_col), ("Value", value_col)) if c is None]
    if missing:
        raise ParseError(
            "Missing column(s) " + ", ".join(missing) + "; found: " + ", ".join(frame.columns)
        )
    if frame.empty:
        raise ParseError("The file has a header but no data rows.")
    territory_col = _find(frame.columns, ("geocode",))
    unit_col = _find(frame.columns, UNIT_COLUMNS)
    comment_cols = [c for c in frame.columns if c.upper().startswith("COMMENT")]
    rounding_col = _find(frame.columns, ROUNDING_COLUMNS)
    special = {year_col, value_col, territory_col, unit_col, rounding_col, *comment_cols}
    dim_cols = [c for c in frame.columns if c not in special]
    column_values = {c: sorted(frame[c].astype(str).str.strip().unique())[:200] for c in dim_cols}
    mapping = mapping if mapping is not None else guess_roles(dim_cols, column_values)
    ident = opensdg_id(name)
    base = f"opensdg-{ident}"
    if unit_col and frame[unit_col].astype(str).str.strip().nunique() > 1:
        series_of = base + "-" + frame[unit_col].astype(str).str.strip().map(slug)
    else:
        series_of = pd.Series(base, index=frame.index)
    tidy, rejected = _tidy(
        frame,
        row_offset=2,
        official=False,
        series_of=series_of,
        value_raw=frame[value_col],
        year_col=year_col,
        territory_col=territory_col,
        unit_col=unit_col,
        comment_cols=comment_cols,
        dim_cols=dim_cols,
        mapping=mapping,
        rounding_col=rounding_col,
    )
    return Parsed(
        frame=tidy,
        rejected=rejected,
        rows_read=len(frame),
        dimension_columns=dim_cols,
        column_values=column_values,
        metadata=metadata or {},
    )


def _locate_header(rows: list[list[str]]) -> int:
    for index, row in enumerate(rows[:30]):
        cells = [str(c).strip().lower() for c in row]
        if any(c in YEAR_COLUMNS for c in cells):
            return index
    raise ParseError("No header row with a year column (Jahr, Year, Stichtag) was found.")


FOOTER = re.compile(r"\n(?:_|©|Quelle|Stand:|Zeichenerklärung)")


def _official_from_rows(
    rows: list[list],
    *,
    known_series: set[str],
    mapping: dict[str, dict] | None,
    official: bool,
) -> Parsed:
    rows = [r for r in rows if any(str(c).strip() for c in r)] if rows else []
    if not rows:
        raise ParseError("The file is empty.")
    header_at = _locate_header(rows)
    header = [str(c).strip() for c in rows[header_at]]
    body = []
    for row in rows[header_at + 1 :]:
        first = str(row[0]).strip() if row else ""
        if first.startswith(("_", "©", "Quelle", "Stand:", "Zeichenerklärung")):
            break
        body.append([("" if c is None else c) for c in row] + [""] * (len(header) - len(row)))
    width = len(header)
    if any(len(r) > width and any(str(c).strip() for c in r[width:]) for r in body):
        raise ParseError("Some rows have more cells than the header has columns.")
    frame = pd.DataFrame([r[:width] for r in body], columns=header)
    return _official_from_frame(
        frame,
        row_offset=header_at + 2,
        known_series=known_series,
        mapping=mapping,
        official=official,
    )


def _official_from_frame(
    frame: pd.DataFrame,
    *,
    row_offset: int,
    known_series: set[str],
    mapping: dict[str, dict] | None,
    official: bool,
) -> Parsed:
    frame = _drop_empty_columns(frame)
    if frame.empty:
        raise ParseError("The table has a header but no data rows.")
    year_col = _find(frame.columns, YEAR_COLUMNS)
    territory_col = _find(frame.columns, TERRITORY_COLUMNS)
    if territory_col is None:
        raise ParseError(
            "Missing the territory key column (AGS, GeoCode or Regionalschlüssel); found: "
            + ", ".join(frame.columns)
        )
    unit_col = _find(frame.columns, UNIT_COLUMNS)
    rounding_col = _find(frame.columns, ROUNDING_COLUMNS)
    comment_cols = [c for c in frame.columns if c.lower().startswith(("comment", "fußnote"))]
    series_col = _find(frame.columns, SERIES_COLUMNS)
    value_col = _find(frame.columns, VALUE_COLUMNS)
    wide = [c for c in frame.columns if c in known_series]
    special = {
        year_col,
        territory_col,
        unit_col,
        rounding_col,
        series_col,
        value_col,
        *comment_cols,
        *wide,
    }
    dim_cols = [c for c in frame.columns if c not in special]
    column_values = {c: sorted(frame[c].astype(str).str.strip().unique())[:200] for c in dim_cols}
    mapping = mapping if mapping is not None else guess_roles(dim_cols, column_values)
    if series_col and value_col:
        parts = [(frame, frame[series_col].astype(str).str.strip(), frame[value_col])]
    elif wide:
        parts = [(frame, pd.Series(code, index=frame.index), frame[code]) for code in wide]
    else:
        raise ParseError(
            "No value column: expected a series column with a Wert/Value column, or columns "
            "named by series codes. Unknown columns: " + ", ".join(dim_cols)
        )
    frames, rejected = [], []
    for sub, series_of, values in parts:
        tidy, bad = _tidy(
            sub,
            row_offset=row_offset,
            official=official,
            series_of=series_of,
            value_raw=values
            if values.dtype != object
            else umap(values, lambda v: v if isinstance(v, str) else decimal_comma(v)),
            year_col=year_col,
            territory_col=territory_col,
            unit_col=unit_col,
            comment_cols=comment_cols,
            dim_cols=dim_cols,
            mapping=mapping,
            rounding_col=rounding_col,
        )
        frames.append(tidy)
        rejected.extend(bad)
    return Parsed(
        frame=pd.concat(frames, ignore_index=True),
        rejected=rejected,
        rows_read=len(frame),
        dimension_columns=dim_cols,
        column_values=column_values,
    )


def parse_official(
    data: bytes, *, known_series: set[str], mapping: dict[str, dict] | None = None
) -> Parsed:
    """A table as statistical offices deliver it: title lines, a header, data, footnotes."""
    text = read_text(data)
    if not text.strip():
        raise ParseError("The file is empty.")
    head = text.split("\n", 31)[:31]
    header_at = _locate_header([line.split(";") for line in head])
    start = sum(len(line) + 1 for line in head[:header_at])
    body = text[start:]
    footer = FOOTER.search(body)
    if footer:
        body = body[: footer.start() + 1]
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            sep=";",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"The table cannot be read: {exc}") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    return _official_from_frame(
        frame,
        row_offset=header_at + 2,
        known_series=known_series,
        mapping=mapping,
        official=True,
    )


def parse_xlsx(
    data: bytes, *, known_series: set[str], mapping: dict[str, dict] | None = None
) -> Parsed:
    from openpyxl import load_workbook

    if not data:
        raise ParseError("The file is empty.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise ParseError(f"The workbook cannot be opened: {exc}") from exc
    sheet = book.worksheets[0]
    rows = [
        ["" if c is None else (c if not isinstance(c, str) else c) for c in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return _official_from_rows(rows, known_series=known_series, mapping=mapping, official=True)
