"""Read the official municipality register (Destatis GV-ISys extract). Pure: no Django.

Two layouts arrive: the CSV that redistributors make of the extract (a header row ``satzart,
textkennzeichen,land,rb,kreis,vb,gemeinde,gemeindename,flaeche,bevoelkerung,…``) and Destatis's
own quarterly XLSX (title rows, then the same columns in the same order without names). Both end
in a list of ``RegisterRecord`` from the Länder down to the municipalities.

Keys follow the AGS: Land (2 digits), Regierungsbezirk (3), district (5), municipality
(land + rb + kreis + gemeinde, 8). Associations of municipalities (Ämter, Samtgemeinden,
Verbandsgemeinden …) get the 9-digit key land + rb + kreis + vb; the Regionen of
Baden-Württemberg the 4-digit key land + rb + region.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.translation import gettext_noop

SHIPPED = Path(__file__).resolve().parent / "data" / "territories" / "gv-auszug.csv.gz"
# Keys that left the register before the shipped edition and that official tables still list
# (NRW keeps Aachen's keys from before the Städteregion of 2009), with their successors.
SHIPPED_HISTORIC = SHIPPED.parent / "historic.csv"
# Areas statistical offices publish under keys of their own (LSN: "Hannover, Umland").
SHIPPED_STATISTICAL = SHIPPED.parent / "statistical.csv"
# The shipped extract is the edition of the 4th quarter 2020; like every quarterly edition it
# carries the latest annual population figures, those of 31 December 2019.
SHIPPED_REFERENCE_DATE = date(2019, 12, 31)
SHIPPED_SOURCE = "Statistisches Bundesamt (Destatis), Gemeindeverzeichnis GV-ISys"

COLUMNS = [
    "satzart",
    "textkennzeichen",
    "land",
    "rb",
    "kreis",
    "vb",
    "gemeinde",
    "gemeindename",
    "flaeche",
    "bevoelkerung",
    "maennlich",
    "weiblich",
]
# Textkennzeichen of districts: how the register names the kind of district.
DISTRICT_KINDS = {"41": "", "42": "", "43": "Kreis", "44": "Landkreis", "45": ""}
# Textkennzeichen 50 marks a municipality that belongs to no association: its record repeats
# the municipality and is no territory of its own.
ASSOCIATION_FREE = "50"


class RegisterError(ValueError):
    """The file is not a municipality register this reader knows."""

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass
class RegisterRecord:
    key: str
    name: str
    level: str  # land, regbez, other (region), kreis, verband, gemeinde
    parent_key: str | None
    historic: bool = False
    population: int | None = None
    male: int | None = None
    female: int | None = None
    area_km2: float | None = None
    successor_key: str | None = None


@dataclass
class Register:
    records: list[RegisterRecord]
    reference_date: date | None
    successors: dict[str, str]


def _number(text) -> float | None:
    if text is None:
        return None
    if isinstance(text, int | float):
        return float(text)
    raw = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not raw or raw in {"-", "."}:
        return None
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def _int(text) -> int | None:
    value = _number(text)
    return None if value is None else int(round(value))


def _part(value, width: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(width) if text else ""


def records_from_rows(rows: list[dict]) -> list[RegisterRecord]:
    """Register rows (dicts with the ``COLUMNS`` names) → records, parents before children."""
    records: list[RegisterRecord] = []
    for row in rows:
        kind = _part(row.get("satzart"), 2)
        land = _part(row.get("land"), 2)
        rb = _part(row.get("rb"), 1)
        kreis = _part(row.get("kreis"), 2)
        name = str(row.get("gemeindename") or "").strip()
        text_code = _part(row.get("textkennzeichen"), 2)
        if not land or not name:
            continue
        if kind == "10":
            records.append(RegisterRecord(land, name, "land", None))
        elif kind == "20":
            records.append(RegisterRecord(land + rb, name, "regbez", land))
        elif kind == "30":
            region = _part(row.get("kreis"), 1)
            records.append(RegisterRecord(land + rb + region, name, "other", land + rb))
        elif kind == "40":
            suffix = DISTRICT_KINDS.get(text_code, "")
            if suffix and "kreis" not in name.lower() and "region" not in name.lower():
                name = f"{name}, {suffix}"
            parent = land + rb if rb and rb != "0" else land
            records.append(RegisterRecord(land + rb + kreis, name, "kreis", parent))
        elif kind == "50":
            if text_code == ASSOCIATION_FREE:
                continue
            vb = _part(row.get("vb"), 4)
            records.append(
                RegisterRecord(land + rb + kreis + vb, name, "verband", land + rb + kreis)
            )
        elif kind == "60":
            gemeinde = _part(row.get("gemeinde"), 3)
            records.append(
                RegisterRecord(
                    land + rb + kreis + gemeinde,
                    name,
                    "gemeinde",
                    land + rb + kreis,
                    population=_int(row.get("bevoelkerung")),
                    male=_int(row.get("maennlich")),
                    female=_int(row.get("weiblich")),
                    area_km2=_number(row.get("flaeche")),
                )
            )
    return records


def read_csv(data: bytes) -> list[RegisterRecord]:
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    fields = [str(f or "").strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in ("satzart", "land", "gemeindename") if c not in fields]
    if missing:
        raise RegisterError(
            gettext_noop(
                "The register file has no column %(columns)s; expected the columns of the "
                "GV-ISys extract (satzart, textkennzeichen, land, rb, kreis, vb, gemeinde, "
                "gemeindename, …)."
            ),
            columns=", ".join(missing),
        )
    reader.fieldnames = fields
    return records_from_rows(list(reader))


def read_xlsx(data: bytes) -> tuple[list[RegisterRecord], date | None]:
    """Destatis's quarterly workbook: title rows, then rows starting with the Satzart."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise RegisterError(
            gettext_noop("The workbook cannot be opened: %(error)s"), error=str(exc)
        ) from exc
    rows, head_text = [], []
    for sheet in book.worksheets:
        for values in sheet.iter_rows(values_only=True):
            cells = list(values)
            first = _part(cells[0], 2) if cells else ""
            if first in {"10", "20", "30", "40", "50", "60"} and len(cells) >= 8:
                rows.append(dict(zip(COLUMNS, cells[: len(COLUMNS)], strict=False)))
            elif not rows:
                head_text.extend(str(c) for c in cells if c is not None)
        if rows:
            break
    book.close()
    if not rows:
        raise RegisterError(
            gettext_noop(
                "No register rows were found in the workbook (rows starting with the Satzart "
                "10, 20, 40, 50 or 60)."
            )
        )
    return records_from_rows(rows), reference_date_in(" ".join(head_text))


def reference_date_in(text: str) -> date | None:
    """The population date a workbook's title names ("Bevölkerung am 31.12.2019" or the last
    date mentioned)."""
    found = re.findall(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if not found:
        return None
    day, month, year = (int(x) for x in found[-1])
    population = re.search(r"Bevölkerung[^0-9]{0,40}(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if population:
        day, month, year = (int(x) for x in population.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def read_successors(data: bytes) -> dict[str, str]:
    """A list of key changes (old key; new key) as CSV with ``;`` or ``,``."""
    text = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return {}
    sep = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    found: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        cells = [c.strip().strip('"') for c in line.split(sep)]
        keys = [c for c in cells if re.fullmatch(r"\d{2,12}", c)]
        if len(keys) < 2:
            if number == 1:
                continue  # a header row
            raise RegisterError(
                gettext_noop("Line %(line)s of the key changes has no old and new key."),
                line=number,
            )
        found[keys[0]] = keys[1]
    return found


def read(name: str, data: bytes) -> Register:
    if name.lower().endswith(".gz"):
        data = gzip.decompress(data)
        name = name[:-3]
    if name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        records, ref = read_xlsx(data)
    else:
        records, ref = read_csv(data), None
    if not any(r.level == "gemeinde" for r in records):
        raise RegisterError(gettext_noop("The register file lists no municipalities."))
    return Register(records=records, reference_date=ref, successors={})


def read_shipped() -> Register:
    register = read(SHIPPED.name, SHIPPED.read_bytes())
    register.reference_date = SHIPPED_REFERENCE_DATE
    for line in SHIPPED_HISTORIC.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, name, level, parent, successor = (c.strip() for c in line.split(";"))
        register.records.append(RegisterRecord(key, name, level, parent or None, historic=True))
        register.successors[key] = successor
    for line in SHIPPED_STATISTICAL.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, name, level, parent = (c.strip() for c in line.split(";"))
        register.records.append(RegisterRecord(key, name, level, parent or None))
    return register


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
