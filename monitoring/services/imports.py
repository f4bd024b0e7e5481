"""Importing raw figures: all or nothing, idempotent, newer deliveries replace and keep history.

``values_import`` reads every file, resolves series, territories, periods and target groups, and
compares each row with what is stored: new cells are created, changed cells are updated (the old
value goes to ``ValueHistory``) and identical cells are left alone. When any row is invalid
nothing is written, unless the caller explicitly asks to skip invalid rows. On PostgreSQL the
rows travel by ``COPY``; elsewhere by batched ORM writes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from core.frames import arrow_csv, copy_in, read_frame
from participation.models import Process, TargetGroup

from .. import parsing
from ..models import Area, ColumnMapping, ImportRun, Indicator, Period, Series, Territory, Value

FLAG_COLUMNS = ["suppressed", "rounded_to", "provisional", "series_break", "limited_validity"]
COMPARE_COLUMNS = ["value", "symbol", *FLAG_COLUMNS, "comment"]
PERCENT_UNITS = {"%", "prozent", "percent", "anteil", "quote", "‰", "je 1000", "je 1.000"}
EXAMPLES_PER_GROUP = 5

UNKNOWN_SERIES = gettext_noop("unknown series '%(series)s'")
UNKNOWN_TERRITORY = gettext_noop("unknown territory key '%(key)s'")
NO_TERRITORY = gettext_noop("no territory key (GeoCode/AGS)")
UNKNOWN_NAME = gettext_noop(
    "no territory key, and the name '%(name)s' is not in the territory register"
)
NO_FIGURE = gettext_noop(
    "territory key '%(key)s' is not in the register and the row holds no figure ('%(symbol)s')"
)
HISTORIC_NO_FIGURE = gettext_noop(
    "territory '%(key)s' is historic (successor: %(successor)s) and the row holds no figure"
)
UNKNOWN_TARGET_GROUP = gettext_noop("unknown target group '%(code)s'")
CELL_TOO_LONG = gettext_noop("the breakdown (dimension values) is longer than 500 characters")
NO_DATA_ROWS = gettext_noop("The file has no data rows.")
OUTSIDE_TERRITORY = gettext_noop(
    "territory '%(key)s' is not one this import may write (the process's county and its "
    "municipalities; reference figures come from a platform administrator)"
)
NOT_REQUESTED_SERIES = gettext_noop("the figure '%(series)s' is not part of this request")
NOT_REQUESTED_YEAR = gettext_noop("the year %(year)s is not part of this request")
NO_FILE = gettext_noop("no CSV or XLSX file found")


def translated(item: dict) -> dict:
    """The item's reason in the active language (the English text stays in ``code``)."""
    code = item.get("code")
    if not code:
        return item
    params = item.get("params") or {}
    text = gettext(code)
    return {**item, "reason": text % params if params else text}


def group_problems(items: list[dict]) -> list[dict]:
    """Rejections (or skips) grouped per file and reason, with counts and the first rows."""
    groups: dict[tuple, dict] = {}
    for item in items:
        code = item.get("code") or item.get("reason", "")
        key = (item.get("file", ""), code)
        group = groups.get(key)
        if group is None:
            params = {k: "…" for k in (item.get("params") or {})}
            title = gettext(code) % params if params else gettext(code)
            group = groups[key] = {
                "file": item.get("file", ""),
                "code": code,
                "reason": title,
                "count": 0,
                "examples": [],
            }
        group["count"] += 1
        rows = {e["row"] for e in group["examples"]}
        if len(group["examples"]) < EXAMPLES_PER_GROUP and item.get("row", 0) not in rows:
            group["examples"].append({"row": item.get("row", 0), "reason": item.get("reason", "")})
    return sorted(groups.values(), key=lambda g: (g["file"], -g["count"]))


@dataclass(frozen=True)
class WriteScope:
    """What one import may write; ``None`` is no limit. Rows outside are rejected by name.

    ``create_series``: whether unknown series (and the indicators of their metadata) may be
    created, as a GENESIS table or an Open SDG file from project staff does. A data owner's
    delivery only fills the series it was asked for.
    """

    territories: frozenset[int] | None = None
    series: frozenset[int] | None = None
    years: frozenset[int] | None = None
    create_series: bool = True
    # Official tables list every county: rows of other territories are skipped (reported,
    # never written). A delivery for one request rejects them instead.
    skip_other_territories: bool = False


UNLIMITED = WriteScope()


def process_write_scope(*, process: Process | None, user) -> WriteScope:
    """The default scope of an import: platform administrators (and imports with no user, the
    shared reference imports of the command line) write anywhere; project staff write their
    process's territory and the territories below it, never the references above it."""
    if user is None or getattr(user, "is_superuser", False) or process is None:
        return UNLIMITED
    from .catalogue import territory_writable

    return WriteScope(
        territories=frozenset(t.pk for t in territory_writable(process)),
        skip_other_territories=True,
    )


@dataclass
class ImportFile:
    name: str
    data: bytes
    metadata: dict | None = None


@dataclass
class ImportReport:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False
    files: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "imports": self.runs,
            "files": self.files,
        }

    @property
    def files_that_would_import(self) -> list[str]:
        """Files without a rejected row: each of them would import on its own."""
        return [f["file"] for f in self.files if f["would_import"]]


class _Rollback(Exception):
    pass


def files_from_paths(paths: list[str]) -> list[ImportFile]:
    """Files and directories → import files; ``meta_<id>.md`` travels with its data file."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file()))
        else:
            found.append(path)
    metas = {
        parsing.opensdg_id(p.name): p for p in found if p.suffix == ".md" and p.name != "README.md"
    }
    files = []
    for path in found:
        if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm", ".txt"):
            continue
        meta_path = metas.get(parsing.opensdg_id(path.name))
        metadata = None
        if meta_path is not None:
            try:
                metadata = parsing.read_metadata(meta_path.read_text(encoding="utf-8-sig"))
            except parsing.ParseError:
                metadata = None
        files.append(ImportFile(name=path.name, data=path.read_bytes(), metadata=metadata))
    return files


def mapping_source(fmt: str, name: str, columns: list[str]) -> str:
    if fmt == "opensdg":
        return f"opensdg:{parsing.opensdg_id(name)}"
    return f"{fmt}:" + "|".join(sorted(columns))[:190]


def stored_mapping(source: str) -> dict[str, dict] | None:
    rows = ColumnMapping.objects.filter(source=source)
    if not rows:
        return None
    return {row.column: {"role": row.role, "values": row.values} for row in rows}


@transaction.atomic
def column_mapping_save(*, source: str, mapping: dict[str, dict]) -> None:
    """Store the confirmed mapping of a source's dimension columns for the next import."""
    for column, spec in mapping.items():
        ColumnMapping.objects.update_or_create(
            source=source,
            column=column,
            defaults={"role": spec.get("role", "named"), "values": spec.get("values") or {}},
        )


def parse_file(
    file: ImportFile, *, fmt: str, known_series: set[str], mapping: dict | None = None
) -> tuple[str, parsing.Parsed, str]:
    """Parse with the stored mapping of this source, if there is one. Returns (fmt, parsed, src)."""
    if fmt == "auto":
        fmt = parsing.sniff_format(file.name, file.data)

    def run(current):
        if fmt == "opensdg":
            return parsing.parse_opensdg(
                file.data, name=file.name, mapping=current, metadata=file.metadata
            )
        if fmt == "xlsx":
            return parsing.parse_xlsx(file.data, known_series=known_series, mapping=current)
        return parsing.parse_official(file.data, known_series=known_series, mapping=current)

    parsed = run(mapping)
    if parsed.table_code:
        source = f"table:{parsed.table_code}"
    else:
        source = mapping_source(fmt, file.name, parsed.dimension_columns)
    if mapping is None:
        stored = stored_mapping(source)
        if stored:
            parsed = run({**parsing.guess_roles(parsed.dimension_columns, {}), **stored})
    return fmt, parsed, source


def _level_for(key: str) -> str:
    digits = re.sub(r"\D", "", key)
    return {2: "land", 3: "regbez", 5: "kreis", 8: "gemeinde"}.get(len(digits), "other")


def _by_name(names: list[str]) -> dict[str, str]:
    """Territory names → keys, for rows that name a territory without its key (an Open SDG row
    "Niedersachsen" with an empty GeoCode). Only unambiguous current names count; among equal
    names a Land wins (a Land and its capital city often share the name)."""
    wanted = {n for n in names if n}
    if not wanted:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for key, name, level in Territory.objects.filter(name__in=wanted, historic=False).values_list(
        "key", "name", "level"
    ):
        found.setdefault(name, []).append((key, level))
    out = {}
    for name, hits in found.items():
        lands = [k for k, level in hits if level in ("land", "bund")]
        if len(hits) == 1:
            out[name] = hits[0][0]
        elif len(lands) == 1:
            out[name] = lands[0]
    return out


def _historic_ids(ids: pd.Series) -> dict[int, str]:
    """Historic territories among the ids → their successor's key (or "–")."""
    wanted = {int(i) for i in ids.dropna().unique()}
    rows = Territory.objects.filter(id__in=wanted, historic=True).values_list(
        "id", "successor__key"
    )
    return {pk: successor or "–" for pk, successor in rows}


def _territories(frame: pd.DataFrame, *, default: str | None, create: bool) -> pd.Series:
    empty = frame["territory"] == ""
    if empty.any():
        names = _by_name(list(frame.loc[empty, "territory_name"].unique()))
        frame.loc[empty, "territory"] = parsing.umap(
            frame.loc[empty, "territory_name"], lambda name: names.get(name, "")
        )
    keys = frame["territory"].where(frame["territory"] != "", default or "")
    frame["territory"] = keys
    wanted = set(keys.unique()) - {""}
    known = dict(Territory.objects.filter(key__in=wanted).values_list("key", "id"))
    missing = sorted(wanted - set(known))
    if missing and create:
        names = frame.drop_duplicates("territory").set_index("territory")["territory_name"]
        for key in sorted(missing, key=len):
            parent = None
            for cut in range(len(key) - 1, 1, -1):
                parent = Territory.objects.filter(key=key[:cut]).first()
                if parent:
                    break
            obj = Territory.objects.create(
                key=key, name=(names.get(key) or key)[:200], level=_level_for(key), parent=parent
            )
            known[key] = obj.pk
    return _ids(keys, known)


def _ids(values: pd.Series, known: dict) -> pd.Series:
    """``values.map(known)``, looked up once per distinct value: the id, or NaN."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    ids = np.array([known.get(value, np.nan) for value in uniques], dtype=float)
    return pd.Series(ids[codes], index=values.index)


def _series_for(
    codes: list[str],
    parsed: parsing.Parsed,
    fmt: str,
    file: ImportFile,
    indicators: dict[str, dict] | None = None,
) -> dict[str, int]:
    known = dict(Series.objects.filter(code__in=codes).values_list("code", "id"))
    if parsed.series_info:
        return _series_from_table(codes, known, parsed)
    if fmt != "opensdg":
        return known
    units = parsed.frame.drop_duplicates("series").set_index("series")["unit"]
    meta = file.metadata or {}
    for code in codes:
        if code in known:
            continue
        unit = str(units.get(code, "") or "")
        number = str(meta.get("indicator_number") or parsing.opensdg_id(file.name))
        spec = (indicators or {}).get(code)
        series = Series.objects.create(
            code=code,
            name=(spec or {}).get("name")
            or f"Open SDG {number}" + (f" ({unit})" if unit and len(units) > 1 else ""),
            unit=unit[:50],
            additive=_additive(unit),
            source=str(meta.get("data_source") or "")[:300],
        )
        known[code] = series.pk
        if spec:
            _indicator_from_spec(series, spec)
        elif meta:
            _indicator_from_metadata(series, meta, unit, several=len(units) > 1, parsed=parsed)
    return known


def _indicator_from_spec(series: Series, spec: dict) -> None:
    """The indicator as staff confirmed it on the check page (name, area, unit, type, kind)."""
    context = spec["category"] == Indicator.Category.CONTEXT
    Indicator.objects.create(
        code=spec["code"][:50],
        name=spec["name"][:200],
        area=spec["area"],
        definition=spec.get("definition", ""),
        numerator=series,
        numerator_description=spec["name"][:300],
        kind=spec["kind"],
        category=spec["category"],
        direction=None if context else spec["direction"],
        unit=spec.get("unit", "")[:50],
        decimals=spec.get("decimals", 1),
        source=spec.get("source", "")[:300],
        method_notes=spec.get("method_notes", ""),
        target_group_breakdown=spec.get("target_group_breakdown", False),
    )


def _additive(unit: str) -> bool:
    low = unit.strip().lower()
    return low not in PERCENT_UNITS and not re.search(r"\b(pro|je|per)\b|%|quote", low)


def _series_from_table(codes: list[str], known: dict, parsed: parsing.Parsed) -> dict[str, int]:
    """GENESIS tables name their series (statistic, variable, unit): unknown ones are created
    under the table code, so that the mapping step can send them to existing series later."""
    for info in parsed.series_info:
        if info.code in known or info.code not in codes:
            continue
        series = Series.objects.create(
            code=info.code[:100],
            name=info.name[:200],
            unit=info.unit[:50],
            additive=_additive(info.unit),
            source=(f"Tabelle {parsed.table_code}: {info.statistic}" if info.statistic else "")[
                :300
            ],
            description=info.label,
        )
        known[info.code] = series.pk
    return known


def _plain_text(text) -> str:
    return re.sub(r"<[^>]+>", "", str(text or "")).strip()


def _indicator_from_metadata(
    series: Series, meta: dict, unit: str, *, several: bool, parsed: parsing.Parsed
) -> None:
    number = str(meta.get("indicator_number") or series.code)
    code = f"{number} ({unit})" if several and unit else number
    if Indicator.objects.filter(code=code[:50]).exists():
        return
    from .import_check import is_rate_unit, proposed_decimals, proposed_name

    # Without a person to ask (command line), the indicator gets its own area and no valuation:
    # staff give it a direction later; guessing one could call a rising unemployment good.
    area = Area.objects.filter(code=str(meta.get("area", ""))).first()
    if area is None:
        area, _created = Area.objects.get_or_create(
            code="imported",
            defaults={"name": "Weitere Indikatoren", "name_en": "Further indicators", "order": 99},
        )
    name = proposed_name(meta, parsed) or f"Indikator {number}"
    decimals = proposed_decimals(meta)
    Indicator.objects.create(
        code=code[:50],
        name=name[:200],
        area=area,
        definition=_plain_text(meta.get("national_indicator_description")),
        numerator=series,
        numerator_description=series.name,
        kind=Indicator.Kind.RATE if is_rate_unit(unit) else Indicator.Kind.COUNT,
        category=Indicator.Category.CONTEXT,
        direction=None,
        unit=unit[:50],
        decimals=decimals,
        source=str(meta.get("data_source") or "")[:300],
        method_notes="\n\n".join(
            _plain_text(meta.get(k))
            for k in ("computation_calculations", "other_info")
            if meta.get(k)
        ),
        target_group_breakdown=False,
    )


def _periods(frame: pd.DataFrame) -> pd.Series:
    uniques = frame.drop_duplicates("period")[["period", "year", "reference_date", "period_label"]]
    known = dict(Period.objects.filter(code__in=list(uniques["period"])).values_list("code", "id"))
    new = [
        Period(
            code=row.period,
            year=int(row.year),
            reference_date=row.reference_date,
            label=row.period_label or row.period,
        )
        for row in uniques.itertuples()
        if row.period not in known
    ]
    if new:
        Period.objects.bulk_create(new, ignore_conflicts=True)
        known = dict(
            Period.objects.filter(code__in=list(uniques["period"])).values_list("code", "id")
        )
    return _ids(frame["period"], known)


def _target_groups(frame: pd.DataFrame) -> tuple[pd.Series, list[int]]:
    codes = set(frame["target_group"].unique()) - {""}
    known = dict(TargetGroup.objects.filter(code__in=codes).values_list("code", "id"))
    ids = _ids(frame["target_group"], {**known, "": 0})
    bad = list(frame.index[ids.isna()])
    return ids.fillna(0).astype(int), bad


def _existing(series_ids, period_ids, territory_ids) -> pd.DataFrame:
    columns = [
        "id",
        "series",
        "territory",
        "period",
        "cell",
        *COMPARE_COLUMNS,
        "source",
        "import_run",
    ]
    rows = Value.objects.filter(
        series_id__in=series_ids, period_id__in=period_ids, territory_id__in=territory_ids
    ).values_list(
        "id",
        "series_id",
        "territory_id",
        "period_id",
        "cell",
        "value",
        "symbol",
        "suppressed",
        "rounded_to",
        "provisional",
        "series_break",
        "limited_validity",
        "comment",
        "source",
        "import_run_id",
    )
    return read_frame(
        rows,
        columns,
        {"cell": str, "symbol": str, "comment": str, "source": str},
        booleans=("suppressed", "provisional", "series_break", "limited_validity"),
    )


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    if a.dtype.kind == "f" or b.dtype.kind == "f":
        a = pd.to_numeric(a, errors="coerce")
        b = pd.to_numeric(b, errors="coerce")
        return (
            (a == b)
            | (a.isna() & b.isna())
            | (np.isclose(a.fillna(0), b.fillna(0)) & a.notna() & b.notna())
        )
    return a.astype(str) == b.astype(str)


def values_import(
    *,
    files: list[ImportFile],
    fmt: str = "auto",
    user=None,
    process: Process | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    mappings: dict[str, dict] | None = None,
    indicators: dict[str, dict[str, dict]] | None = None,
    default_territory: str | None = None,
    create_territories: bool = False,
    source: str = "",
    data_date=None,
    record: bool = True,
    compute: bool = True,
    scope: WriteScope | None = None,
) -> ImportReport:
    """Import the files as one delivery. See the module docstring for what callers may rely on.

    ``mappings`` maps a file name to its confirmed column mapping (it is stored for next year);
    ``indicators`` a file name to the confirmed new indicators per series code (see
    ``import_check``). Rows without a territory take ``default_territory`` only when the caller
    passes it: the process's own territory is never assumed. ``scope`` limits what may be
    written (default: ``process_write_scope``); rows outside it are skipped or rejected as it
    says.
    """
    if scope is None:
        scope = process_write_scope(process=process, user=user)
    report = ImportReport(dry_run=dry_run)
    runs: list[dict] = []
    known_series = set(Series.objects.values_list("code", flat=True))
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(74210)")
            prepared = []
            for file in files:
                run = {
                    "file": file.name,
                    "format": fmt,
                    "rows_read": 0,
                    "rejected": [],
                    "skipped": [],
                }
                runs.append(run)
                parts = None
                if fmt in ("auto", "official") and _sniffed(file) == "official":
                    parts = parsing.official_parts(file.data)
                if parts is not None:
                    _import_parts(
                        file,
                        parts,
                        run,
                        known_series=known_series,
                        mapping=(mappings or {}).get(file.name),
                        default_territory=default_territory,
                        create_territories=create_territories,
                        scope=scope,
                        indicators=(indicators or {}).get(file.name),
                        write=lambda frame, run=run: _write_streamed(
                            frame,
                            run,
                            process=process,
                            user=user,
                            source=source,
                            skip_invalid=skip_invalid,
                            data_date=data_date,
                            dry_run=dry_run,
                            record=record,
                        ),
                        can_write=lambda: skip_invalid or not any(r["rejected"] for r in runs),
                    )
                    continue
                try:
                    used_fmt, parsed, src = parse_file(
                        file,
                        fmt=fmt,
                        known_series=known_series,
                        mapping=(mappings or {}).get(file.name),
                    )
                except parsing.ParseError as exc:
                    item = parsing.problem(0, exc.template, **exc.params)
                    run["rejected"].append(translated({"file": file.name, **item}))
                    continue
                run["format"] = used_fmt
                run["rows_read"] = parsed.rows_read
                run["table"] = parsed.table_code
                if (mappings or {}).get(file.name) is not None:
                    column_mapping_save(source=src, mapping=mappings[file.name])
                run["rejected"].extend(
                    translated({"file": file.name, **r}) for r in parsed.rejected
                )
                run["skipped"].extend(translated({"file": file.name, **r}) for r in parsed.skipped)
                frame = parsed.frame
                if frame.empty:
                    if not parsed.rejected and not parsed.skipped:
                        item = parsing.problem(0, NO_DATA_ROWS)
                        run["rejected"].append(translated({"file": file.name, **item}))
                    continue
                frame = _resolve(
                    frame,
                    run,
                    file,
                    used_fmt,
                    parsed,
                    default_territory,
                    create_territories,
                    scope,
                    (indicators or {}).get(file.name),
                )
                if frame is not None and not frame.empty:
                    prepared.append((run, frame))
            for run in runs:
                report.rows_read += run["rows_read"]
                report.rejected.extend(run["rejected"])
                report.skipped.extend(run["skipped"])
                report.files.append(_file_summary(run))
            if report.rejected and not skip_invalid:
                raise _Rollback
            now = timezone.now()
            for run in runs:
                if "streamed" not in run:
                    continue
                # written part by part while reading (see _import_parts)
                counts = run["streamed"]
                run.update(counts)
                report.created += counts["created"]
                report.updated += counts["updated"]
                report.unchanged += counts["unchanged"]
                run_obj = run.get("run_obj")
                if run_obj is not None:
                    ImportRun.objects.filter(pk=run_obj.pk).update(
                        **counts,
                        rows_read=run["rows_read"],
                        rejected=run["rejected"][:1000],
                        skipped=run["skipped"][:1000],
                    )
                    report.runs.append(run_obj.pk)
            for run, frame in prepared:
                run_obj = None
                if record and not dry_run:
                    run_obj = _record(run, process, user, source, skip_invalid, "applied")
                counts = _write(
                    frame, run_obj, source=source, data_date=data_date, now=now, dry_run=dry_run
                )
                run.update(counts)
                report.created += counts["created"]
                report.updated += counts["updated"]
                report.unchanged += counts["unchanged"]
                if run_obj is not None:
                    ImportRun.objects.filter(pk=run_obj.pk).update(**counts)
                    report.runs.append(run_obj.pk)
            if dry_run:
                raise _Rollback
            report.applied = True
            _refresh_statistics(report.created + report.updated)
            if compute and report.runs:
                from ..tasks import compute_indicators

                compute_indicators.delay_on_commit(import_run_ids=list(report.runs))
    except _Rollback:
        if record:
            status = ImportRun.Status.DRY_RUN if dry_run else ImportRun.Status.REJECTED
            for run in runs:
                obj = _record(run, process, user, source, skip_invalid, status)
                report.runs.append(obj.pk)
    return report


def _sniffed(file: ImportFile) -> str:
    try:
        return parsing.sniff_format(file.name, file.data[:4096])
    except parsing.ParseError:
        return ""


def _import_parts(
    file: ImportFile,
    parts,
    run: dict,
    *,
    known_series,
    mapping,
    default_territory,
    create_territories,
    scope,
    indicators,
    write,
    can_write,
) -> None:
    """A large official table part by part: each part is parsed, resolved and written before
    the next is read, so memory stays bounded. Rejections of every part are collected; whether
    anything stays written is decided for the whole delivery by the caller's transaction.
    A cell that an earlier part already delivered is rejected as a duplicate, as in a whole
    file."""
    seen: list[tuple[np.ndarray, np.ndarray]] = []
    saved_mapping = False
    for data, shift in parts:
        part = ImportFile(name=file.name, data=data, metadata=file.metadata)
        try:
            used_fmt, parsed, src = parse_file(
                part, fmt="official", known_series=known_series, mapping=mapping
            )
        except parsing.ParseError as exc:
            item = parsing.problem(0, exc.template, **exc.params)
            run["rejected"].append(translated({"file": file.name, **item}))
            return
        run["format"] = used_fmt
        run["rows_read"] += parsed.rows_read
        run["table"] = parsed.table_code
        if mapping is not None and not saved_mapping:
            column_mapping_save(source=src, mapping=mapping)
            saved_mapping = True
        for items, target in ((parsed.rejected, "rejected"), (parsed.skipped, "skipped")):
            for item in items:
                if item.get("row"):
                    item = {**item, "row": item["row"] + shift}
                run[target].append(translated({"file": file.name, **item}))
        frame = parsed.frame
        if frame.empty:
            continue
        frame = frame.assign(row=frame["row"] + shift)
        frame = _drop_repeated(frame, seen, run, file.name)
        frame = _resolve(
            frame,
            run,
            part,
            used_fmt,
            parsed,
            default_territory,
            create_territories,
            scope,
            indicators=indicators,
        )
        if frame is not None and not frame.empty and can_write():
            write(frame)
    if not run["rows_read"] and not run["rejected"] and not run["skipped"]:
        item = parsing.problem(0, NO_DATA_ROWS)
        run["rejected"].append(translated({"file": file.name, **item}))


def _drop_repeated(frame: pd.DataFrame, seen: list, run: dict, name: str) -> pd.DataFrame:
    """Rows whose cell an earlier part of the same file delivered: rejected as duplicates."""
    key = pd.util.hash_pandas_object(
        frame[["series", "period", "territory", "cell"]], index=False
    ).to_numpy()
    if seen:
        hashes = np.concatenate([h for h, _r in seen])
        rows = np.concatenate([r for _h, r in seen])
        first = pd.Series(rows, index=hashes)
        repeated = np.isin(key, hashes)
        if repeated.any():
            for index, value in zip(frame.index[repeated], key[repeated], strict=True):
                earlier = first.loc[value]
                earlier = int(earlier.iloc[0] if isinstance(earlier, pd.Series) else earlier)
                item = parsing.problem(int(frame.at[index, "row"]), DUPLICATE_ROW, row=earlier)
                run["rejected"].append(translated({"file": name, **item}))
            frame, key = frame[~repeated], key[~repeated]
    seen.append((key, frame["row"].to_numpy()))
    return frame


DUPLICATE_ROW = gettext_noop("duplicate of row %(row)s")


def _write_streamed(
    frame, run, *, process, user, source, skip_invalid, data_date, dry_run, record
) -> None:
    if record and not dry_run and run.get("run_obj") is None:
        run["run_obj"] = _record(run, process, user, source, skip_invalid, "applied")
    counts = _write(
        frame,
        run.get("run_obj"),
        source=source,
        data_date=data_date,
        now=run.setdefault("now", timezone.now()),
        dry_run=dry_run,
    )
    total = run.setdefault("streamed", {"created": 0, "updated": 0, "unchanged": 0})
    for key, value in counts.items():
        total[key] += value


def _file_summary(run: dict) -> dict:
    return {
        "file": run["file"],
        "format": run["format"],
        "table": run.get("table", ""),
        "rows_read": run["rows_read"],
        "rejected": len(run["rejected"]),
        "skipped": len(run["skipped"]),
        "would_import": not run["rejected"],
        "rejected_groups": group_problems(run["rejected"]),
        "skipped_groups": group_problems(run["skipped"]),
    }


def _record(run, process, user, source, skip_invalid, status) -> ImportRun:
    return ImportRun.objects.create(
        process=process,
        user=user if getattr(user, "is_authenticated", False) else None,
        filename=run["file"][:300],
        format=run["format"] if run["format"] in ImportRun.Format.values else "official",
        source=source[:300],
        status=status,
        skip_invalid=skip_invalid,
        rows_read=run["rows_read"],
        created=run.get("created", 0),
        updated=run.get("updated", 0),
        unchanged=run.get("unchanged", 0),
        rejected=run["rejected"][:1000],
        skipped=run["skipped"][:1000],
    )


def _resolve(
    frame, run, file, fmt, parsed, default_territory, create_territories, scope, indicators=None
):
    name = file.name
    bad_reasons: dict[int, tuple] = {}
    codes = sorted(frame["series"].unique())
    if scope.create_series:
        series_ids = _series_for(codes, parsed, fmt, file, indicators)
    else:
        series_ids = dict(Series.objects.filter(code__in=codes).values_list("code", "id"))
    frame["series_id"] = _ids(frame["series"], series_ids)
    for idx in frame.index[frame["series_id"].isna()]:
        bad_reasons[idx] = (UNKNOWN_SERIES, {"series": frame.at[idx, "series"]})
    if scope.series is not None:
        for idx in frame.index[frame["series_id"].notna() & ~frame["series_id"].isin(scope.series)]:
            bad_reasons[idx] = (NOT_REQUESTED_SERIES, {"series": frame.at[idx, "series"]})
    if scope.years is not None:
        for idx in frame.index[~frame["year"].astype(int).isin(scope.years)]:
            bad_reasons.setdefault(idx, (NOT_REQUESTED_YEAR, {"year": int(frame.at[idx, "year"])}))
    skip: dict[int, tuple] = {}
    frame["territory_id"] = _territories(
        frame, default=default_territory, create=create_territories and scope == UNLIMITED
    )
    if scope.territories is not None:
        outside = frame["territory_id"].notna() & ~frame["territory_id"].isin(scope.territories)
        for idx in frame.index[outside]:
            reason = (OUTSIDE_TERRITORY, {"key": frame.at[idx, "territory"]})
            if scope.skip_other_territories:
                skip.setdefault(idx, reason)
            else:
                bad_reasons.setdefault(idx, reason)
    for idx in frame.index[frame["territory_id"].isna()]:
        key = frame.at[idx, "territory"]
        place = frame.at[idx, "territory_name"]
        if key and frame.at[idx, "symbol"]:
            # "Wohnort außerhalb von NRW": a pseudo-territory of the table with no figure
            skip[idx] = (NO_FIGURE, {"key": key, "symbol": frame.at[idx, "symbol"]})
        elif key:
            bad_reasons.setdefault(idx, (UNKNOWN_TERRITORY, {"key": key}))
        elif place:
            bad_reasons.setdefault(idx, (UNKNOWN_NAME, {"name": place}))
        else:
            bad_reasons.setdefault(idx, (NO_TERRITORY, {}))
    historic = _historic_ids(frame["territory_id"])
    if historic:
        # a merged territory still listed in this year's table with "-": nothing to store
        gone = frame["territory_id"].isin(list(historic)) & (frame["symbol"] != "")
        for idx in frame.index[gone]:
            key = frame.at[idx, "territory"]
            skip[idx] = (
                HISTORIC_NO_FIGURE,
                {"key": key, "successor": historic[frame.at[idx, "territory_id"]]},
            )
    for idx in skip:
        bad_reasons.pop(idx, None)
    tg_ids, bad_tg = _target_groups(frame)
    frame["target_group_id"] = tg_ids
    for idx in bad_tg:
        bad_reasons.setdefault(idx, (UNKNOWN_TARGET_GROUP, {"code": frame.at[idx, "target_group"]}))
    too_long = frame.index[frame["cell"].str.len() > 500]
    for idx in too_long:
        bad_reasons.setdefault(idx, (CELL_TOO_LONG, {}))
    if skip:
        run["skipped"].extend(
            translated({"file": name, **parsing.problem(int(frame.at[i, "row"]), t, **p)})
            for i, (t, p) in sorted(skip.items())
        )
    if bad_reasons:
        run["rejected"].extend(
            translated({"file": name, **parsing.problem(int(frame.at[i, "row"]), t, **p)})
            for i, (t, p) in sorted(bad_reasons.items())
        )
    if bad_reasons or skip:
        frame = frame.drop(index=list(bad_reasons) + list(skip))
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["period_id"] = _periods(frame)
    frame["series_id"] = frame["series_id"].astype(int)
    frame["territory_id"] = frame["territory_id"].astype(int)
    frame["period_id"] = frame["period_id"].astype(int)
    return frame


def _write(frame: pd.DataFrame, run: ImportRun | None, *, source, data_date, now, dry_run):
    existing = _existing(
        sorted(frame["series_id"].unique()),
        sorted(frame["period_id"].unique()),
        sorted(frame["territory_id"].unique()),
    )
    key_new = ["series_id", "territory_id", "period_id", "cell"]
    if existing.empty:
        merged = frame.assign(id=np.nan)
        is_new = pd.Series(True, index=frame.index)
    else:
        old = existing.rename(
            columns={
                "series": "series_id",
                "territory": "territory_id",
                "period": "period_id",
                **{c: f"old_{c}" for c in [*COMPARE_COLUMNS, "source", "import_run"]},
            }
        )
        merged = frame.merge(old, on=key_new, how="left")
        is_new = merged["id"].isna()
    if is_new.all():
        changed = pd.Series(False, index=merged.index)
    else:
        same = pd.Series(True, index=merged.index)
        for column in COMPARE_COLUMNS:
            same &= _same(merged[column], merged[f"old_{column}"])
        changed = ~is_new & ~same
    counts = {
        "created": int(is_new.sum()),
        "updated": int(changed.sum()),
        "unchanged": int((~is_new & ~changed).sum()),
    }
    if dry_run:
        return counts
    merged["source"] = source
    merged["data_date"] = data_date
    merged["import_run_id"] = run.pk if run else None
    codes, uniques = pd.factorize(merged["cell"])
    first = pd.Series(np.arange(len(codes))).groupby(codes).first()
    dims = merged["dimensions"].to_numpy()
    as_json = np.array(
        [json.dumps(dims[first[c]], ensure_ascii=False) for c in range(len(uniques))],
        dtype=object,
    )
    merged["dimensions_json"] = as_json[codes] if len(codes) else []
    merged["target_group_fk"] = merged["target_group_id"].where(merged["target_group_id"] > 0)
    if connection.vendor == "postgresql":
        _write_pg(merged[is_new], merged[changed], run, now)
    else:
        _write_orm(merged[is_new], merged[changed], run, now)
    if run is not None:
        _record_touched(run, merged.loc[is_new | changed, ["series_id", "territory_id"]])
    return counts


# From this many raw values written, the import refreshes the planner's statistics of the
# values table itself.
ANALYZE_ROWS = 100_000


def _refresh_statistics(written: int) -> None:
    """After a large import, ANALYZE the values table (PostgreSQL), in the import's transaction.

    The computation the import queues reads its values seconds later, long before autovacuum
    looks at the table; with statistics from before the import (new series unknown to them),
    the planner misjudged the read of a few territories and scanned the whole unique index.
    """
    if written >= ANALYZE_ROWS and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Value._meta.db_table)}")


def _record_touched(run: ImportRun, written: pd.DataFrame) -> None:
    """Add the series and territories of the ``written`` rows to ``run.touched`` (a run
    written in parts collects them part by part)."""
    touched = {int(s): set(ts) for s, ts in (run.touched or {}).items()}
    pairs = written.drop_duplicates()
    for series, territories in pairs.groupby("series_id")["territory_id"]:
        touched.setdefault(int(series), set()).update(int(t) for t in territories)
    run.touched = {str(s): sorted(ts) for s, ts in sorted(touched.items())}
    ImportRun.objects.filter(pk=run.pk).update(touched=run.touched)


WRITE_COLUMNS = [
    ("series_id", "series_id"),
    ("territory_id", "territory_id"),
    ("period_id", "period_id"),
    ("target_group_fk", "target_group_id"),
    ("sex", "sex"),
    ("age_group", "age_group"),
    ("dimensions_json", "dimensions"),
    ("cell", "cell"),
    ("value", "value"),
    ("symbol", "symbol"),
    ("suppressed", "suppressed"),
    ("rounded_to", "rounded_to"),
    ("provisional", "provisional"),
    ("series_break", "series_break"),
    ("limited_validity", "limited_validity"),
    ("comment", "comment"),
    ("source", "source"),
    ("data_date", "data_date"),
    ("import_run_id", "import_run_id"),
    ("updated_at", "updated_at"),
]
TEXT_COLUMNS = ["sex", "age_group", "cell", "symbol", "comment", "source"]


def _csv_block(frame: pd.DataFrame, now, *, with_id: bool = False) -> bytes:
    out = pd.DataFrame({db: frame[src] for src, db in WRITE_COLUMNS if src != "updated_at"})
    if with_id:
        out.insert(0, "id", frame["id"].astype("int64"))
    out["updated_at"] = now.isoformat()
    for column in (
        "target_group_id",
        "import_run_id",
        "rounded_to",
        "series_id",
        "territory_id",
        "period_id",
    ):
        out[column] = out[column].astype("Int64")
    out["data_date"] = out["data_date"].astype(object).where(out["data_date"].notna(), None)
    out["data_date"] = parsing.umap(
        out["data_date"], lambda d: None if pd.isna(d) else d.isoformat()
    )
    for column in TEXT_COLUMNS + ["dimensions"]:
        out[column] = out[column].astype(str)
    return arrow_csv(out)


# The references of a raw value, each a foreign key of the table.
REFERENCES = [
    ("series_id", Series),
    ("territory_id", Territory),
    ("period_id", Period),
    ("target_group_fk", TargetGroup),
]


def _triggers_off(cursor) -> str | None:
    """Switch this transaction's row triggers off (replica mode), where the role may: a
    superuser, or a role granted SET on ``session_replication_role``. Returns the mode to go
    back to, or ``None`` when the role may not."""
    try:
        with transaction.atomic():
            cursor.execute(
                "SELECT current_setting('session_replication_role'), "
                "set_config('session_replication_role', 'replica', true)"
            )
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


def _references_locked(cursor, frame: pd.DataFrame) -> None:
    """What the foreign-key triggers check per row, once per distinct key: every referenced
    row exists, and it is locked FOR KEY SHARE (as the trigger locks it) so that no other
    transaction deletes it or changes its key before this one commits. A missing one fails the
    delivery like the trigger would."""
    table = Value._meta.db_table
    for column, model in REFERENCES:
        wanted = pd.unique(frame[column].dropna().astype("int64"))
        if not len(wanted):
            continue
        referenced = model._meta.db_table
        cursor.execute(
            f"SELECT id FROM {referenced} WHERE id = ANY(%s) FOR KEY SHARE",
            [[int(i) for i in wanted]],
        )
        missing = set(wanted.tolist()) - {row[0] for row in cursor.fetchall()}
        if missing:
            name = column.removesuffix("_fk").removesuffix("_id") + "_id"
            raise IntegrityError(
                f'insert or update on table "{table}" violates a foreign key: '
                f'Key ({name})=({min(missing)}) is not present in table "{referenced}".'
            )


def _copy_new(cursor, new: pd.DataFrame, now) -> None:
    """New values by COPY. PostgreSQL checks the four references of each row in a trigger
    at commit, one query per row and key: for a large delivery that was half the import's
    time. Where the role may switch the triggers off for the COPY, the same check runs once
    per distinct key instead (``_references_locked``); the constraints stay on the table and
    guard every other write."""
    columns = [db for _src, db in WRITE_COLUMNS]
    data = _csv_block(new, now)
    before = _triggers_off(cursor)
    copy_in(Value._meta.db_table, columns, data, force_not_null=TEXT_COLUMNS)
    if before is not None:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])
        _references_locked(cursor, new)


def _write_pg(new: pd.DataFrame, changed: pd.DataFrame, run, now) -> None:
    table = Value._meta.db_table
    columns = [db for _src, db in WRITE_COLUMNS]
    with connection.cursor() as cursor:
        if not new.empty:
            _copy_new(cursor, new, now)
        if changed.empty:
            return
        cursor.execute(
            f"CREATE TEMP TABLE monitoring_incoming (id bigint, "
            f"{', '.join(c + ' ' + t for c, t in _pg_types())}) ON COMMIT DROP"
        )
        copy_in(
            "monitoring_incoming",
            ["id", *columns],
            _csv_block(changed, now, with_id=True),
            force_not_null=TEXT_COLUMNS,
        )
        history = _history_table()
        cursor.execute(
            f"INSERT INTO {history} (value_id, old_value, old_flags, old_source, "
            f"old_import_run_id, replaced_by_id, replaced_at) "
            f"SELECT v.id, v.value, json_build_object('symbol', v.symbol, 'suppressed', "
            f"v.suppressed, 'rounded_to', v.rounded_to, 'provisional', v.provisional, "
            f"'series_break', v.series_break, 'limited_validity', v.limited_validity, "
            f"'comment', v.comment), v.source, v.import_run_id, %s, %s "
            f"FROM {table} v JOIN monitoring_incoming i ON v.id = i.id",
            [run.pk if run else None, now],
        )
        sets = ", ".join(f"{c} = i.{c}" for c in columns)
        cursor.execute(f"UPDATE {table} v SET {sets} FROM monitoring_incoming i WHERE v.id = i.id")
        cursor.execute("DROP TABLE monitoring_incoming")


def _pg_types():
    types = {
        "series_id": "bigint",
        "territory_id": "bigint",
        "period_id": "bigint",
        "target_group_id": "bigint",
        "value": "double precision",
        "suppressed": "boolean",
        "rounded_to": "smallint",
        "provisional": "boolean",
        "series_break": "boolean",
        "limited_validity": "boolean",
        "dimensions": "jsonb",
        "data_date": "date",
        "import_run_id": "bigint",
        "updated_at": "timestamptz",
    }
    return [(db, types.get(db, "text")) for _src, db in WRITE_COLUMNS]


def _history_table() -> str:
    from ..models import ValueHistory

    return ValueHistory._meta.db_table


def _values_from(frame: pd.DataFrame, now, with_id: bool) -> list[Value]:
    objs = []
    for row in frame.itertuples(index=False):
        tg = row.target_group_fk
        objs.append(
            Value(
                id=int(row.id) if with_id else None,
                series_id=int(row.series_id),
                territory_id=int(row.territory_id),
                period_id=int(row.period_id),
                target_group_id=None if tg is None or pd.isna(tg) else int(tg),
                sex=row.sex,
                age_group=row.age_group,
                dimensions=row.dimensions,
                cell=row.cell,
                value=None if pd.isna(row.value) else float(row.value),
                symbol=row.symbol,
                suppressed=bool(row.suppressed),
                rounded_to=int(row.rounded_to),
                provisional=bool(row.provisional),
                series_break=bool(row.series_break),
                limited_validity=bool(row.limited_validity),
                comment=row.comment,
                source=row.source,
                data_date=row.data_date,
                import_run_id=row.import_run_id,
                updated_at=now,
            )
        )
    return objs


def _write_orm(new: pd.DataFrame, changed: pd.DataFrame, run, now) -> None:
    from ..models import ValueHistory

    if not new.empty:
        Value.objects.bulk_create(_values_from(new, now, with_id=False), batch_size=2000)
    if changed.empty:
        return
    history = [
        ValueHistory(
            value_id=int(row.id),
            old_value=None if pd.isna(row.old_value) else float(row.old_value),
            old_flags={
                "symbol": row.old_symbol,
                "suppressed": bool(row.old_suppressed),
                "rounded_to": int(row.old_rounded_to),
                "provisional": bool(row.old_provisional),
                "series_break": bool(row.old_series_break),
                "limited_validity": bool(row.old_limited_validity),
                "comment": row.old_comment,
            },
            old_source=row.old_source or "",
            old_import_run_id=None if pd.isna(row.old_import_run) else int(row.old_import_run),
            replaced_by=run,
        )
        for row in changed.itertuples(index=False)
    ]
    ValueHistory.objects.bulk_create(history, batch_size=2000)
    Value.objects.bulk_update(
        _values_from(changed, now, with_id=True),
        [
            "value",
            "symbol",
            "suppressed",
            "rounded_to",
            "provisional",
            "series_break",
            "limited_validity",
            "comment",
            "source",
            "data_date",
            "import_run",
            "updated_at",
            "dimensions",
        ],
        batch_size=1000,
    )


# Uploads waiting for the mapping step (Open SDG files), in the default storage.
PENDING_DIR = "monitoring-pending"


def pending_uploads_delete_abandoned(*, hours: int | None = None) -> int:
    """Housekeeping (beat): delete uploads whose mapping step nobody finished within ``hours``
    (``TEILHABE_UPLOAD_RETENTION_HOURS``). Returns how many were deleted."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.files.storage import default_storage
    from django.utils import timezone

    hours = hours if hours is not None else settings.TEILHABE_UPLOAD_RETENTION_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    try:
        _dirs, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted
