"""Tables as GENESIS portals export them (Landesdatenbank NRW, Regionaldatenbank, Destatis).

Pure: pandas only. The layout, as downloaded:

    Tabelle: 12411-15i
    <title>;;;;
    ;;;<statistic per value column>          ┐ the header block: one row per level,
    ;;;<variable per value column>           │ read as statistic / variable (the series),
    ;;;<männlich;weiblich;…>                 │ breakdowns (sex, nationality, age groups),
    ;;;<2022;2023;…>                         │ time (years or reference dates) and
    ;;;<Anzahl;qkm;…>                        ┘ the unit (last)
    31.12.2024;05;Nordrhein-Westfalen;18034454;…   data: reference date, key, indented name,
    31.12.2024;051;  Düsseldorf, Reg.-Bez.;…       optional row breakdowns, values
    __________
    <footnotes, symbols, ©, "Stand:">

Rows above the header block that fill only the first cell are the title and, in tables with a
single variable, the statistic and the variable ("Mindestsicherungsquote (Prozent)").
``read`` returns a long frame (one row per cell) for ``parsing._tidy``, the series found
(code, name, unit, statistic) and the columns skipped because they are derived comparisons.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext_noop

from . import periods

TABLE_CODE = re.compile(r"^\s*Tabelle\s*:?\s*([0-9A-Za-z][\w.\-]*)", re.I)
KEY = re.compile(r"^(?:DG|\d{2,3}|\d{5}|\d{8,9}|\d{12})$")
FOOTER = re.compile(r"^\s*(?:_{3,}|-{5,}|©|\(C\)|Stand\s*:|Zeichenerklärung|Quelle\s*:)", re.I)
UNIT = re.compile(
    r"^(?:anzahl|personen|prozent|%|‰|qkm|km²|ha|ew(?:\s+(?:pro|je)\s+qkm)?|"
    r"(?:tsd\.?|tausend|1\s*000|mill?\.?|mio\.?)(?:\s+\w+)?|eur|euro|tsd\.?\s*eur|jahre|"
    r"je\s+[\d.]+\s+\w+|pro\s+[\d.]+\s+\w+|[\w.]+\s+(?:pro|je)\s+[\w.]+|quote|anteil|index)$",
    re.I,
)
TIME_LABELS = {"jahr", "jahre", "stichtag", "zeit", "berichtsjahr", "schuljahr", "semester"}
TOTAL_WORDS = {"insgesamt", "zusammen", "gesamt", "total", "alle"}
SEX_WORDS = {"männlich", "weiblich", "männer", "frauen", "divers", "maennlich"}
NATIONALITY = re.compile(
    r"deutsch|ausländ|auslaend|staatsangeh|nationalität|eu-|drittstaat|herkunft|"
    r"asylherkunft|zuwanderungsgeschichte|migrationshintergrund",
    re.I,
)
AGE = re.compile(r"\bjahre?n?\b|\balter|jährige|unter\s+\d+|\d+\s*(?:bis|-)\s*\d+", re.I)


class GenesisError(ValueError):
    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass
class SeriesInfo:
    code: str
    name: str
    unit: str
    statistic: str
    label: str  # what the mapping step shows and stores


@dataclass
class Table:
    code: str
    title: str
    frame: pd.DataFrame  # columns: __row, __period, __key, __name, __series, __unit, __value, dims
    dimension_columns: list[str]
    column_values: dict[str, list[str]]
    series: list[SeriesInfo]
    skipped: list[dict] = field(default_factory=list)
    rows_read: int = 0


def first_lines(text: str, count: int) -> list[str]:
    """``text.splitlines()[:count]`` without splitting the whole of a large file."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.splitlines()[:count]
    return text[: end + 1].splitlines()[:count]


def looks_like(text: str) -> bool:
    """True when the first non-empty line is a GENESIS table header ("Tabelle: 12411-15i")."""
    for line in first_lines(text, 5):
        if line.strip(" ;\t"):
            return bool(TABLE_CODE.match(line.split(";")[0]))
    return False


def rows_from_csv(text: str) -> list[tuple[int, list[str]]]:
    """Rows with their physical line number, up to the footer."""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    rows: list[tuple[int, list[str]]] = []
    line = 0
    for cells in reader:
        start = line + 1
        line = reader.line_num
        if cells and FOOTER.match(cells[0]):
            break
        rows.append((start, cells))
    return rows


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    value = re.sub(r"[^a-z0-9]+", "-", str(text).lower().translate(table)).strip("-")
    return value or "x"


def _ffill(cells: list[str]) -> list[str]:
    out, last = [], ""
    for cell in cells:
        last = cell if cell else last
        out.append(last)
    return out


def _is_key(text: str) -> bool:
    return bool(KEY.match(text.strip()))


def _kind_of_values(values: list[str]) -> str:
    """What a header row or a row label column holds: time, sex, age, nationality or other."""
    found = [v for v in values if v]
    if not found:
        return "empty"
    low = {v.strip().lower() for v in found}
    if all(periods.parse_period(v) or periods.derived_period(v) for v in found):
        return "time"
    if low <= SEX_WORDS | TOTAL_WORDS and low & SEX_WORDS:
        return "sex"
    if any(NATIONALITY.search(v) for v in found):
        return "nationality"
    if sum(bool(AGE.search(v)) for v in found) >= max(1, len(found) // 2) and len(low) > 1:
        return "age"
    if low & TOTAL_WORDS and len(low) > 1:
        return "breakdown"
    return "other"


DIMENSION_NAMES = {
    "sex": "Geschlecht",
    "age": "Altersgruppen",
    "nationality": "Nationalität",
    "breakdown": "Merkmal",
}


def read(rows: list[tuple[int, list]]) -> Table:
    rows = [(n, [("" if c is None else str(c)).rstrip() for c in cells]) for n, cells in rows]
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise GenesisError(gettext_noop("The file is empty."))
    code = ""
    match = TABLE_CODE.match(rows[0][1][0]) if rows[0][1] else None
    if match:
        code = match.group(1)
        rows = rows[1:]
    width = max(len(cells) for _n, cells in rows)
    rows = [(n, cells + [""] * (width - len(cells))) for n, cells in rows]
    # the key column: where most rows hold a territory key
    counts = [sum(_is_key(cells[j]) for _n, cells in rows) for j in range(min(width, 4))]
    if not counts or max(counts) == 0:
        raise GenesisError(
            gettext_noop(
                "No rows with a territory key (AGS, 2 to 12 digits) were found in the table."
            )
        )
    key_col = counts.index(max(counts))
    first_data = next(i for i, (_n, cells) in enumerate(rows) if _is_key(cells[key_col]))
    head, body = rows[:first_data], rows[first_data:]
    # header block: rows with cells beyond the label columns
    label_width = key_col + 2
    stack = [(n, cells) for n, cells in head if any(c.strip() for c in cells[label_width:])]
    titles = [cells[0].strip().rstrip(":") for _n, cells in head if (_n, cells) not in stack]
    titles = [t for t in titles if t]
    if stack:
        value_start = min(
            next(j for j, c in enumerate(cells) if c.strip() and j >= label_width)
            for _n, cells in stack
        )
    else:
        value_start = label_width
        while value_start < width and not any(
            re.search(r"\d", cells[value_start]) for _n, cells in body[:20]
        ):
            value_start += 1
    value_cols = [
        j
        for j in range(value_start, width)
        if any(cells[j].strip() for _n, cells in body) or any(c[j].strip() for _n, c in stack)
    ]
    if not value_cols:
        raise GenesisError(gettext_noop("The table has no value columns."))
    # row labels: the period column, the key, the name and any row breakdowns
    label_cols = [j for j in range(value_start) if j != key_col]
    period_col = None
    row_dims: list[tuple[int, str]] = []
    for j in label_cols:
        values = [cells[j].strip() for _n, cells in body]
        kind = _kind_of_values(values)
        if kind == "empty":
            continue
        if kind == "time" and period_col is None:
            period_col = j
        elif j == key_col + 1:
            continue  # the territory's (indented) name
        else:
            row_dims.append((j, DIMENSION_NAMES.get(kind, "Merkmal")))
    # the header block, level by level
    levels = []
    for n, cells in stack:
        raw = [cells[j].strip() for j in value_cols]
        values = _ffill(raw)
        distinct = {v for v in values if v}
        levels.append((n, values, distinct, sum(1 for v in raw if v)))
    column_period = [""] * len(value_cols)
    unit = [""] * len(value_cols)
    naming: list[list[str]] = []
    col_dims: list[tuple[str, list[str]]] = []
    pending_name = None
    for index, (_n, values, distinct, filled) in enumerate(levels):
        kind = _kind_of_values(values)
        constant = len(distinct) == 1
        if constant and next(iter(distinct)).lower() in TIME_LABELS:
            continue
        if kind == "time":
            column_period = values
        elif index == len(levels) - 1 and all(UNIT.match(v) for v in values if v):
            unit = values
        elif constant:
            below = levels[index + 1] if index + 1 < len(levels) else None
            if (
                below
                and filled == 1 < len(value_cols)
                and len(below[2]) > 1
                and _kind_of_values(below[1]) in DIMENSION_NAMES
            ):
                # a label written once over the level below ("Geschlecht" over "männlich;…")
                pending_name = next(iter(distinct))
            else:
                naming.append(values)
        elif kind in DIMENSION_NAMES:
            col_dims.append((pending_name or DIMENSION_NAMES[kind], values))
            pending_name = None
        else:
            naming.append(values)
    if not naming:
        # a single variable: named by the last title row, its unit often in brackets
        variable = titles[-1] if len(titles) >= 2 else (titles[0] if titles else code)
        naming = [[variable] * len(value_cols)]
        statistic = titles[-2] if len(titles) >= 3 else ""
        bracket = re.search(r"\(([^()]+)\)\s*$", variable)
        if bracket and not any(unit):
            unit = [bracket.group(1)] * len(value_cols)
    else:
        statistic = ""
    # derived comparison columns
    skipped: list[dict] = []
    keep = []
    for position, _j in enumerate(value_cols):
        labels = [level[position] for level in naming] + [c[1][position] for c in col_dims]
        period_text = column_period[position]
        derived = (period_text and periods.derived_period(period_text)) or any(
            periods.derived_period(label) and not periods.parse_period(label) for label in labels
        )
        if derived:
            text = (
                period_text
                if period_text and periods.derived_period(period_text)
                else " – ".join(labels)
            )
            skipped.append(
                {
                    "row": stack[0][0] if stack else 0,
                    "code": DERIVED_COLUMN,
                    "params": {"label": text},
                    "reason": DERIVED_COLUMN % {"label": text},
                }
            )
        else:
            keep.append(position)
    # the series: one per distinct naming tuple
    series: dict[tuple, SeriesInfo] = {}
    series_of = []
    for position in range(len(value_cols)):
        ident = tuple(level[position] for level in naming)
        if ident not in series:
            name = ident[-1]
            stat = ident[0] if len(ident) > 1 else statistic
            base = f"{code or 'table'}-{_slug(name)}"[:90]
            taken = {s.code for s in series.values()}
            code_for = base if base not in taken else f"{base}-{len(series) + 1}"
            series[ident] = SeriesInfo(
                code=code_for,
                name=name[:200],
                unit=unit[position][:50],
                statistic=stat[:300],
                label=" – ".join(ident)[:200],
            )
        series_of.append(series[ident])
    if period_col is None and not any(column_period):
        found = next((periods.parse_period(m) for t in titles for m in _dates_in(t)), None)
        if found is None:
            raise GenesisError(
                gettext_noop(
                    "No reference date or year was found: neither in a column of the rows nor "
                    "in the header block nor in the title."
                )
            )
        column_period = [found[3]] * len(value_cols)
    # long frame: one row per (data row, value column)
    records = []
    dim_names = [name for _j, name in row_dims] + [name for name, _v in col_dims]
    dim_names = _unique(dim_names)
    for n, cells in body:
        key = cells[key_col].strip()
        name = cells[key_col + 1].strip() if key_col + 1 < width else ""
        row_values = [cells[j].strip() for j, _name in row_dims]
        for position in keep:
            j = value_cols[position]
            info = series_of[position]
            records.append(
                [
                    n,
                    cells[period_col].strip()
                    if period_col is not None
                    else column_period[position],
                    key,
                    name,
                    info.code,
                    info.unit,
                    cells[j].strip(),
                    *row_values,
                    *[values[position] for _name, values in col_dims],
                ]
            )
    columns = ["__row", "__period", "__key", "__name", "__series", "__unit", "__value", *dim_names]
    frame = pd.DataFrame(records, columns=columns, dtype=object)
    column_values = {c: sorted(frame[c].astype(str).unique())[:200] for c in dim_names}
    return Table(
        code=code,
        title=titles[0] if titles else "",
        frame=frame,
        dimension_columns=dim_names,
        column_values=column_values,
        series=list(series.values()),
        skipped=skipped,
        rows_read=len(body),
    )


DERIVED_COLUMN = gettext_noop(
    "derived comparison column '%(label)s' skipped: the platform computes changes itself"
)


def _dates_in(text: str) -> list[str]:
    return re.findall(r"\d{1,2}\.\d{1,2}\.\d{4}|\b\d{4}\b", text)


def _unique(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        candidate, number = name, 2
        while candidate in out:
            candidate = f"{name} {number}"
            number += 1
        out.append(candidate)
    return out
