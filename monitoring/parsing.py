"""Read monitoring deliveries into one tidy table. Pure: pandas only, no Django.

Three formats arrive: Open SDG tidy CSV (``Year``, dimension columns, optional ``Units``,
``GeoCode``, ``Value``; blank dimension cell = total), official statistics tables (CSV with
``;``, decimal comma, thousands dot and the table symbols) and XLSX workbooks laid out like the
official tables. Every format ends in the same frame (see ``COLUMNS``); rows that cannot be read
are listed in ``rejected`` with their line number and the reason, never silently dropped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from django.utils.translation import gettext_noop

from core.numbers import decimal_comma

from . import genesis, periods

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

MONTHS = periods.MONTHS

YEAR_COLUMNS = ("year", "jahr", "zeit", "stichtag", "berichtsjahr")
TERRITORY_COLUMNS = ("geocode", "ags", "regionalschlüssel", "schlüssel", "kennziffer", "gkz")
TERRITORY_NAME_COLUMNS = ("gebietseinheit", "gebiet", "region", "kreis", "gemeinde", "name")
VALUE_COLUMNS = ("value", "wert")
SERIES_COLUMNS = ("series", "reihe", "merkmal", "kennzahl")
UNIT_COLUMNS = ("units", "unit", "einheit")
SEX_COLUMNS = ("geschlecht", "sex")
AGE_COLUMNS = ("altersgruppe", "altersgruppen", "alter", "age", "age_group")
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
TOTALS = {"insgesamt", "zusammen", "gesamt", "total", "alle", "alle altersgruppen"}
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


# pandas' own text column type (Arrow-backed where pyarrow is installed)
TEXT = pd.Series(["x"]).dtype


def spread(values: list, codes: np.ndarray, index) -> pd.Series:
    """One text (or ``None``) per distinct value → one per row, where ``codes`` says which.

    Built by Arrow's ``take``: no Python object per row, and no per-row conversion when the
    column joins a frame."""
    if TEXT.storage != "pyarrow":
        array = np.empty(len(values), dtype=object)
        array[:] = values
        return pd.Series(array[codes], index=index)
    import pyarrow as pa

    taken = pa.array(values, type=pa.large_string()).take(pa.array(codes, type=pa.int64()))
    return pd.Series(pd.array(taken, dtype=TEXT), index=index)


def umap(series: pd.Series, func) -> pd.Series:
    """``series.map(func)`` computed once per distinct value (deliveries repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = [func(value) for value in uniques]
    if all(m is None or isinstance(m, str) for m in mapped):
        return spread(mapped, codes, series.index)
    array = np.empty(len(mapped), dtype=object)
    array[:] = mapped
    return pd.Series(array[codes], index=series.index)


class ParseError(ValueError):
    """The file as a whole cannot be read (no rows, missing column …).

    ``template`` and ``params`` let the caller translate the message (gettext) later.
    """

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


DERIVED_ROW = gettext_noop(
    "derived comparison '%(label)s' skipped: the platform computes changes itself"
)


def problem(line: int, template: str, /, **params) -> dict:
    """A rejected or skipped row: the English text plus what translating it needs."""
    return {
        "row": line,
        "reason": template % params if params else template,
        "code": template,
        "params": params,
    }


@dataclass
class Parsed:
    frame: pd.DataFrame
    rejected: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    rows_read: int = 0
    dimension_columns: list[str] = field(default_factory=list)
    column_values: dict[str, list[str]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    # GENESIS tables: the table code (the mapping is stored under it) and the series found
    table_code: str = ""
    series_info: list = field(default_factory=list)


# --- small helpers -------------------------------------------------------------------------


def parse_period(text: str) -> tuple[str, int, date | None, str] | None:
    """See ``monitoring.periods``: years, reference dates, months, quarters, school years."""
    return periods.parse_period(text)


def normalise_key(text: str) -> str:
    """``"K03101"`` → ``"03101"``: Open SDG GeoCodes often carry a letter prefix.

    A 12-digit regional key (ARS: land, rb, kreis, association, municipality) becomes the 8-digit
    AGS; ``"030"`` (a Land without Regierungsbezirk written with the district digit 0) the
    Land's key ``"03"``.
    """
    raw = re.sub(r"^[A-Za-z]+(?=\d)", "", str(text).strip())
    if len(raw) == 12 and raw.isdigit():
        return raw[:5] + raw[9:]
    if len(raw) == 3 and raw.isdigit() and raw.endswith("0"):
        return raw[:2]
    return raw


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
    raise ParseError(gettext_noop("The file is neither UTF-8 nor Windows-1252 text."))


def _frame_from_csv(text: str, sep: str) -> pd.DataFrame:
    if not text.strip():
        raise ParseError(gettext_noop("The file is empty."))
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
        raise ParseError(
            gettext_noop("The file cannot be read as CSV: %(error)s"), error=str(exc)
        ) from exc
    return frame


def _drop_empty_columns(frame: pd.DataFrame) -> pd.DataFrame:
    keep = []
    for column in frame.columns:
        name = str(column).strip()
        unnamed = not name or name.startswith("Unnamed:")
        if unnamed:
            if (frame[column].astype(str).str.strip() != "").any():
                raise ParseError(
                    gettext_noop("Column %(number)s has values but no name."),
                    number=len(keep) + 1,
                )
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
    if genesis.looks_like(head):
        return "official"
    first = head.splitlines()[0] if head.splitlines() else ""
    if first.count(";") > first.count(","):
        return "official"
    return "opensdg"


def read_metadata(text: str) -> dict:
    """The YAML front matter of an Open SDG ``meta_<id>.md`` file."""
    text = text.lstrip("\ufeff")
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", text, re.S)
    if not match:
        raise ParseError(
            gettext_noop("The metadata file has no YAML front matter between '---' lines.")
        )
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ParseError(
            gettext_noop("The metadata front matter is not valid YAML: %(error)s"), error=str(exc)
        ) from exc
    if not isinstance(meta, dict):
        raise ParseError(gettext_noop("The metadata front matter is not a mapping."))
    return meta


def opensdg_id(path_or_name: str) -> str:
    stem = Path(path_or_name).stem
    return re.sub(r"^(indicator|meta)_", "", stem)


# --- the common part -----------------------------------------------------------------------


# A cell that is a plain number: digits (official tables: thousands dots, decimal comma).
PLAIN_NUMBER = {
    True: r"-?[0-9.]*[0-9][0-9.]*(,[0-9]+)?",
    False: r"-?[0-9]+([.,][0-9]+)?",
}


def _numbers(raw: pd.Series, *, official: bool) -> tuple[pd.DataFrame, pd.Series]:
    """Vectorised cell parsing. Returns the value/flag frame and a mask of unreadable cells.

    Most cells are plain numbers: Arrow reads those in one pass; the others (symbols, marks,
    spaces, text) go through the rules of ``_marked_numbers``."""
    text = raw.astype(str).str.strip()
    plain = text.str.fullmatch(PLAIN_NUMBER[official]).to_numpy(dtype=bool, na_value=False)
    if not plain.any():
        return _marked_numbers(text, official=official)
    n = len(text)
    value = np.empty(n)
    value[plain] = _plain_floats(text[plain], official=official)
    flags = {c: np.zeros(n, dtype=bool) for c in FLAGS}
    symbols = ["", *SYMBOLS]
    symbol_codes = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    if not plain.all():
        marked, marked_bad = _marked_numbers(text[~plain], official=official)
        value[~plain] = marked["value"].to_numpy()
        for column in FLAGS:
            flags[column][~plain] = marked[column].to_numpy()
        symbol_codes[~plain] = pd.Index(symbols).get_indexer(marked["symbol"])
        bad[~plain] = marked_bad.to_numpy()
    out = pd.DataFrame({"value": value}, index=text.index)
    out["symbol"] = spread(symbols, symbol_codes, text.index)
    for column in FLAGS:
        out[column] = flags[column]
    return out, pd.Series(bad, index=text.index)


FLAGS = ["suppressed", "provisional", "series_break", "limited_validity"]


def _plain_floats(text: pd.Series, *, official: bool) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(text, type=pa.large_string())
    if official:
        array = pc.replace_substring(array, ".", "")
    array = pc.replace_substring(array, ",", ".")
    return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)


def _marked_numbers(text: pd.Series, *, official: bool) -> tuple[pd.DataFrame, pd.Series]:
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
    rows: pd.Series | None = None,
) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    rejected: list[dict] = []
    skipped: list[dict] = []
    n = len(frame)
    if rows is None:
        rows = pd.Series(np.arange(n) + row_offset, index=frame.index)
    else:
        rows = pd.Series(np.asarray(rows), index=frame.index)
    reasons = pd.Series("", index=frame.index, dtype=object)
    reason_params = pd.Series(None, index=frame.index, dtype=object)
    has_reason = np.zeros(n, dtype=bool)

    def reject(mask: pd.Series, template: str, params=None) -> None:
        mask = mask & ~has_reason
        if mask.any():
            has_reason[mask.to_numpy()] = True
            reasons.loc[mask] = template
            if callable(params):
                reason_params.loc[mask] = pd.Series(
                    [params(i) for i in frame.index[mask]], index=frame.index[mask], dtype=object
                )
            else:
                reason_params.loc[mask] = pd.Series(
                    [params or {}] * int(mask.sum()), index=frame.index[mask], dtype=object
                )

    # periods; comparisons of periods are no raw values: skipped, never a failure
    period_raw = frame[year_col].astype(str).str.strip()
    codes, uniques = pd.factorize(period_raw, use_na_sentinel=False)
    parsed_uniques = [parse_period(p) for p in uniques]
    derived_uniques = np.array(
        [
            p is None and periods.derived_period(u)
            for p, u in zip(parsed_uniques, uniques, strict=True)
        ]
    )
    derived = pd.Series(derived_uniques[codes] if len(codes) else [], index=frame.index, dtype=bool)
    if derived.any():
        skipped = [
            problem(int(r), DERIVED_ROW, label=period_raw[i])
            for i, r in zip(frame.index[derived], rows[derived], strict=True)
        ]
    failed = np.array([p is None for p in parsed_uniques])[codes]
    reject(
        pd.Series(failed, index=frame.index) & ~derived,
        gettext_noop("period not understood: '%(period)s'"),
        lambda i: {"period": period_raw[i]},
    )
    ok = [p or ("", 0, None, "") for p in parsed_uniques]
    out = pd.DataFrame(index=frame.index)
    out["row"] = rows
    out["series"] = series_of
    out["period"] = spread([p[0] for p in ok], codes, frame.index)
    out["year"] = np.array([p[1] for p in ok], dtype=int)[codes]
    out["reference_date"] = np.array([p[2] for p in ok], dtype=object)[codes]
    out["period_label"] = spread([p[3] for p in ok], codes, frame.index)
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
            out["age_group"] = umap(
                values, lambda v, m=value_map: m.get(v, "" if v.lower() in TOTALS else v)
            )
        else:
            named_cols.append(column)
            named_parts.append(values)
    # the cell key and the named dimensions, built once per combination of dimension values
    # (column names and values may hold "|" or "=": the dictionary comes from the columns)
    parts = [out["target_group"], out["sex"], out["age_group"], *named_parts]
    combo_codes, firsts = _combinations(parts, n)
    first_values = [part.iloc[firsts].tolist() for part in parts]
    cells, dicts = [], np.empty(len(firsts), dtype=object)
    for at in range(len(firsts)):
        tg, sex, age, *named = (values[at] for values in first_values)
        named_items = [(c, v) for c, v in zip(named_cols, named, strict=True) if v != ""]
        cells.append(f"tg={tg}|sex={sex}|age={age}" + "".join(f"|{c}={v}" for c, v in named_items))
        dicts[at] = dict(named_items)
    out["dimensions"] = dicts[combo_codes]
    out["cell"] = spread(cells, combo_codes, frame.index)
    numbers, bad = _numbers(value_raw, official=official)
    reject(
        bad,
        gettext_noop("not a number: '%(value)s'"),
        lambda i: {"value": str(value_raw[i]).strip()[:40]},
    )
    for column in numbers.columns:
        out[column] = numbers[column]
    if rounding_col:
        rounding = pd.to_numeric(frame[rounding_col].astype(str).str.strip(), errors="coerce")
        rounding = rounding.fillna(0)
        reject(~rounding.isin([0, 3, 5, 10]), gettext_noop("rounding must be 3, 5 or 10"))
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
    # duplicates: the same cell twice in one delivery (compared as codes of the key's values)
    cell_codes = pd.factorize(np.asarray(cells, dtype=object))[0][combo_codes] if n else []
    keys = pd.DataFrame(
        {
            "series": pd.factorize(out["series"], use_na_sentinel=False)[0],
            "period": codes,
            "territory": pd.factorize(out["territory"], use_na_sentinel=False)[0],
            "cell": cell_codes,
        }
    )
    valid = ~has_reason & ~derived.to_numpy()
    dup = keys[valid].duplicated(keep=False).to_numpy()
    if dup.any():
        at = np.flatnonzero(valid)[dup]
        dup_rows = rows.to_numpy()[at]
        first = pd.Series(dup_rows).groupby([keys[c].to_numpy()[at] for c in keys]).transform("min")
        for position, row, earliest in zip(at, dup_rows, first.to_numpy(), strict=True):
            if row != earliest:
                index = frame.index[position]
                reasons[index] = gettext_noop("duplicate of row %(row)s")
                reason_params[index] = {"row": int(earliest)}
                has_reason[position] = True
    if has_reason.any():
        rejected = [
            problem(int(r), template, **(params or {}))
            for r, template, params in zip(
                out.loc[has_reason, "row"],
                reasons[has_reason],
                reason_params[has_reason],
                strict=True,
            )
        ]
    keep = ~has_reason & ~derived.to_numpy()
    tidy = out[COLUMNS] if keep.all() else out.loc[keep, COLUMNS]
    return tidy.reset_index(drop=True), rejected, skipped


def _combinations(parts: list, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The combination of the parts' values per row, as a code, and each code's first row."""
    combined = np.zeros(n, dtype=np.int64)
    for part in parts:
        codes, uniques = pd.factorize(part, use_na_sentinel=False)
        combined, _ = pd.factorize(combined * len(uniques) + codes)
    return combined, np.unique(combined, return_index=True)[1]


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
            gettext_noop("Missing column(s) %(missing)s; found: %(found)s"),
            missing=", ".join(missing),
            found=", ".join(frame.columns),
        )
    if frame.empty:
        raise ParseError(gettext_noop("The file has a header but no data rows."))
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
    tidy, rejected, skipped = _tidy(
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
        skipped=skipped,
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
    raise ParseError(
        gettext_noop("No header row with a year column (Jahr, Year, Stichtag) was found.")
    )


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
        raise ParseError(gettext_noop("The file is empty."))
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
        raise ParseError(gettext_noop("Some rows have more cells than the header has columns."))
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
        raise ParseError(gettext_noop("The table has a header but no data rows."))
    year_col = _find(frame.columns, YEAR_COLUMNS)
    territory_col = _find(frame.columns, TERRITORY_COLUMNS)
    if territory_col is None:
        raise ParseError(
            gettext_noop(
                "Missing the territory key column (AGS, GeoCode or Regionalschlüssel); "
                "found: %(found)s"
            ),
            found=", ".join(frame.columns),
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
            gettext_noop(
                "No value column: expected a series column with a Wert/Value column, or "
                "columns named by series codes. Unknown columns: %(columns)s"
            ),
            columns=", ".join(dim_cols),
        )
    frames, rejected, skipped = [], [], []
    for sub, series_of, values in parts:
        tidy, bad, passed = _tidy(
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
        skipped.extend(passed)
    return Parsed(
        frame=pd.concat(frames, ignore_index=True),
        rejected=rejected,
        skipped=skipped,
        rows_read=len(frame),
        dimension_columns=dim_cols,
        column_values=column_values,
    )


# Official tables larger than this are read and written in parts of about this size, so that
# memory stays bounded however large the delivery is.
PART_BYTES = 8 << 20
FOOTER_BYTES = re.compile(rb"\n(?:_|\xc2\xa9|\xa9|Quelle|Stand:|Zeichenerkl)")


def official_parts(data: bytes, part_bytes: int | None = None):
    """A large plain official table as parts of about ``part_bytes``: the first with the lines
    above the header, the others with the header line alone. Yields ``(part, shift)``: the
    number to add to a part's row numbers so they count in the whole file. Returns ``None``
    (nothing to split) for a small file, a GENESIS table or a file without a header row: those
    are parsed whole, with the usual messages."""
    part_bytes = part_bytes or PART_BYTES
    if len(data) <= part_bytes:
        return None
    head = data[: 1 << 16].split(b"\n")[:31]
    try:
        texts = [read_text(line) for line in head]
    except ParseError:
        return None
    if genesis.looks_like("\n".join(texts)):
        return None
    try:
        header_at = _locate_header([text.split(";") for text in texts])
    except ParseError:
        return None
    header_start = sum(len(line) + 1 for line in head[:header_at])
    start = header_start + len(head[header_at]) + 1
    footer = FOOTER_BYTES.search(data, start - 1)
    end = footer.start() + 1 if footer else len(data)

    def parts():
        position, lines, first = start, 0, True
        header = data[header_start:start]
        while position < end:
            stop = data.find(b"\n", min(position + part_bytes, end - 1), end)
            stop = end if stop < 0 else stop + 1
            body = data[position:stop]
            prefix = data[:start] if first else header
            yield prefix + body, (0 if first else header_at + lines)
            # the reader skips blank lines, and so do the row numbers of a whole file
            lines += body.count(b"\n") - len(BLANK_LINE.findall(body))
            position, first = stop, False

    return parts()


BLANK_LINE = re.compile(rb"(?m)^[ \t\r]*\n")


def parse_official(
    data: bytes, *, known_series: set[str], mapping: dict[str, dict] | None = None
) -> Parsed:
    """A table as statistical offices deliver it: title lines, a header, data, footnotes."""
    text = read_text(data)
    if not text.strip():
        raise ParseError(gettext_noop("The file is empty."))
    if genesis.looks_like(text):
        return parse_genesis(genesis.rows_from_csv(text), mapping=mapping)
    head = text.split("\n", 31)[:31]
    header_at = _locate_header([line.split(";") for line in head])
    start = sum(len(line) + 1 for line in head[:header_at])
    body = text[start:]
    footer = FOOTER.search(body)
    if footer:
        body = body[: footer.start() + 1]
    try:
        frame = pd.read_csv(
            # bytes: pandas reads them faster than a text stream
            io.BytesIO(body.encode("utf-8")),
            encoding="utf-8",
            sep=";",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(
            gettext_noop("The table cannot be read: %(error)s"), error=str(exc)
        ) from exc
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
        raise ParseError(gettext_noop("The file is empty."))
    from core.spreadsheets import check_workbook

    try:
        check_workbook(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - check_workbook and openpyxl: many kinds
        raise ParseError(
            gettext_noop(
                "The file is damaged: it looks like an Excel workbook but cannot be opened. "
                "Save it again in Excel or LibreOffice and upload it again."
            )
        ) from exc
    sheet = book.worksheets[0]
    rows = [
        ["" if c is None else (c if not isinstance(c, str) else c) for c in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    first = next((r for r in rows if any(str(c).strip() for c in r)), None)
    if first and genesis.TABLE_CODE.match(str(first[0])):
        numbered = [
            (n, [c if isinstance(c, str) else decimal_comma(c) for c in row])
            for n, row in enumerate(rows, start=1)
        ]
        end = next(
            (i for i, (_n, r) in enumerate(numbered) if r and genesis.FOOTER.match(r[0])),
            len(numbered),
        )
        return parse_genesis(numbered[:end], mapping=mapping)
    return _official_from_rows(rows, known_series=known_series, mapping=mapping, official=True)


def parse_genesis(
    rows: list[tuple[int, list]], *, mapping: dict[str, dict] | None = None
) -> Parsed:
    """A GENESIS table export (see ``monitoring.genesis``).

    The mapping names each dimension's role like for other tables and may send a series (by
    the label the mapping step shows: statistic – variable) to an existing series code
    (``{"role": "series", "values": {"series": "bevoelkerung"}}``) or ignore it.
    """
    try:
        table = genesis.read(rows)
    except genesis.GenesisError as exc:
        raise ParseError(exc.template, **exc.params) from exc
    frame = table.frame
    mapping = mapping or {}
    dims = table.dimension_columns
    roles = guess_roles(dims, table.column_values)
    roles.update({k: v for k, v in mapping.items() if k in dims})
    series_map: dict[str, str | None] = {}
    for info in table.series:
        spec = mapping.get(info.label) or {}
        target = str((spec.get("values") or {}).get("series") or "").strip()
        if spec.get("role") == "ignore":
            series_map[info.code] = None
        elif spec.get("role") == "series" and target:
            series_map[info.code] = target
    if series_map:
        mapped = frame["__series"].map(lambda c: series_map.get(c, c))
        frame = frame[mapped.notna()].assign(__series=mapped[mapped.notna()])
        frame = frame.reset_index(drop=True)
    if frame.empty:
        raise ParseError(gettext_noop("The table has a header but no data rows."))
    tidy, rejected, skipped = _tidy(
        frame,
        row_offset=0,
        official=True,
        series_of=frame["__series"].astype(str),
        value_raw=frame["__value"].astype(str),
        year_col="__period",
        territory_col="__key",
        unit_col="__unit",
        comment_cols=[],
        dim_cols=["__name", *dims],
        mapping={"__name": {"role": "territory_name", "values": {}}, **roles},
        rows=frame["__row"],
    )
    # rows repeat once per value column: report each line and reason once
    rejected = _unique_rows(rejected)
    return Parsed(
        frame=tidy,
        rejected=rejected,
        skipped=table.skipped + _unique_rows(skipped),
        rows_read=table.rows_read,
        dimension_columns=dims,
        column_values=table.column_values,
        table_code=table.code,
        series_info=[
            info if info.code not in series_map else _remapped(info, series_map[info.code])
            for info in table.series
            if series_map.get(info.code, info.code) is not None
        ],
    )


def _remapped(info, code: str):
    return genesis.SeriesInfo(
        code=code, name=info.name, unit=info.unit, statistic=info.statistic, label=info.label
    )


def _unique_rows(items: list[dict]) -> list[dict]:
    seen: set[tuple] = set()
    out = []
    for item in items:
        key = (item["row"], item["code"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
