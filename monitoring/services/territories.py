"""The territory register: every German territory, kept across editions, and its population.

``territory_register_load`` applies an edition of the municipality register (see
``monitoring.register``) in a few bulk statements: new keys are created, names, levels and
parents follow the edition, and keys the edition no longer lists stay (older figures use them),
marked historic, with their successor where a key change list names one. The register's
population becomes the raw series ``gv_bevoelkerung`` at the edition's reference date (total
and by sex for every municipality; districts, regions, Länder and Germany as the sum of their
municipalities).

The function also runs inside a migration, so it takes the model classes as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from .. import register as reg

POPULATION_SERIES = "gv_bevoelkerung"
ROOT_KEY = "DG"
LEVEL_ORDER = ["land", "regbez", "kreis", "verband", "gemeinde", "other"]
TOTAL_CELL = "tg=|sex=|age="


@dataclass
class RegisterModels:
    Territory: type
    Series: type
    Period: type
    Value: type

    @classmethod
    def current(cls) -> RegisterModels:
        from ..models import Period, Series, Territory, Value

        return cls(Territory, Series, Period, Value)


def territory_register_load(
    *,
    register: reg.Register,
    source: str = reg.SHIPPED_SOURCE,
    models: RegisterModels | None = None,
    population: bool = True,
) -> dict[str, int]:
    """Apply a register edition; idempotent. Returns counts of what changed.

    ``population=False`` loads the territories only (the migration does that, so every fresh
    database knows every key; ``manage.py load_territories`` adds the population series).

    Keys of Länder the edition does not cover are left alone, so a register of one Land does not
    mark the rest of Germany historic.
    """
    m = models or RegisterModels.current()
    Territory = m.Territory
    counts = {"created": 0, "updated": 0, "historic": 0, "values_created": 0, "values_updated": 0}
    with transaction.atomic():
        fields = ("id", "key", "name", "level", "parent_id", "historic", "successor_id")
        existing = {
            row[1]: dict(zip(fields, row, strict=True))
            for row in Territory.objects.values_list(*fields)
        }
        ids = {key: row["id"] for key, row in existing.items()}
        if ROOT_KEY not in ids:
            root = Territory.objects.create(key=ROOT_KEY, name="Deutschland", level="bund")
            ids[ROOT_KEY] = root.pk
            counts["created"] += 1
        by_level: dict[str, list[reg.RegisterRecord]] = {level: [] for level in LEVEL_ORDER}
        for record in register.records:
            by_level.setdefault(record.level, []).append(record)
        ref = register.reference_date
        ref_text = ref.isoformat() if ref else None
        changed = []
        for level in LEVEL_ORDER:
            new = []
            for record in by_level.get(level, []):
                parent_id = ids.get(record.parent_key or ROOT_KEY)
                old = existing.get(record.key)
                if old is None:
                    new.append(
                        (
                            record.key,
                            record.name[:200],
                            record.level,
                            parent_id,
                            record.historic,
                            None if record.historic else ref_text,
                        )
                    )
                    continue
                wanted = (record.name[:200], record.level, parent_id, record.historic)
                if (old["name"], old["level"], old["parent_id"], old["historic"]) != wanted:
                    changed.append(
                        Territory(
                            id=old["id"],
                            name=wanted[0],
                            level=wanted[1],
                            parent_id=wanted[2],
                            historic=record.historic,
                            register_date=None if record.historic else ref,
                        )
                    )
            if new:
                fields = ["key", "name", "level", "parent_id", "historic", "register_date"]
                _insert(Territory, fields, new)
                counts["created"] += len(new)
                ids.update(Territory.objects.filter(level=level).values_list("key", "id"))
        if changed:
            Territory.objects.bulk_update(
                changed, ["name", "level", "parent_id", "historic", "register_date"], 2000
            )
            counts["updated"] = len(changed)
        seen = {r.key for r in register.records if not r.historic}
        lands = {r.key for r in register.records if r.level == "land"}
        for key, successor in register.successors.items():
            if key in ids and successor in ids:
                Territory.objects.filter(key=key).update(historic=True, successor_id=ids[successor])
        if ref:
            Territory.objects.filter(key__in=seen).exclude(register_date=ref).update(
                register_date=ref
            )
        gone = [
            key
            for key, row in existing.items()
            if key not in seen
            and key != ROOT_KEY
            and key[:2] in lands
            and row["level"] in LEVEL_ORDER
            and key.isdigit()
        ]
        stale = [existing[k]["id"] for k in gone if not existing[k]["historic"]]
        if stale:
            Territory.objects.filter(id__in=stale).update(historic=True)
            counts["historic"] = len(stale)
        if ref and population:
            counts.update(_population(register, ids, ref, source, m))
    return counts


def _population(register: reg.Register, ids: dict, ref: date, source: str, m: RegisterModels):
    series, _created = m.Series.objects.get_or_create(
        code=POPULATION_SERIES,
        defaults={
            "name": "Bevölkerung (Gemeindeverzeichnis)",
            "name_en": "Population (municipality register)",
            "unit": "Personen",
            "additive": True,
            "source": source[:300],
            "description": (
                "Bevölkerung der Gemeinden laut Gemeindeverzeichnis zum Stichtag der Ausgabe; "
                "Kreise, Regierungsbezirke, Länder und Deutschland als Summe ihrer Gemeinden."
            ),
        },
    )
    period, _created = m.Period.objects.get_or_create(
        code=ref.isoformat(),
        defaults={"year": ref.year, "reference_date": ref, "label": ref.strftime("%d.%m.%Y")},
    )
    parents = {r.key: r.parent_key or ROOT_KEY for r in register.records}
    totals: dict[tuple[str, str], float] = {}
    for record in register.records:
        if record.level != "gemeinde":
            continue
        for sex, number in (("", record.population), ("m", record.male), ("f", record.female)):
            if number is None:
                continue
            node = record.key
            while node is not None:
                totals[(node, sex)] = totals.get((node, sex), 0) + number
                node = None if node == ROOT_KEY else parents.get(node, ROOT_KEY)
    Value = m.Value
    old = {
        (tid, cell): (vid, value)
        for vid, tid, cell, value in Value.objects.filter(series=series, period=period).values_list(
            "id", "territory_id", "cell", "value"
        )
    }
    new, changed = [], []
    now = timezone.now().isoformat() if connection.vendor == "sqlite" else timezone.now()
    ref_text = ref.isoformat()
    for (key, sex), number in totals.items():
        territory_id = ids.get(key)
        if territory_id is None:
            continue
        cell = f"tg=|sex={sex}|age="
        before = old.get((territory_id, cell))
        if before is None:
            new.append(
                (series.pk, territory_id, period.pk, None, sex, "", "{}", cell, float(number))
                + ("", False, 0, False, False, False, "", source[:300], ref_text, None, now)
            )
        elif before[1] != float(number):
            changed.append(Value(id=before[0], value=float(number)))
    if new:
        _insert(Value, VALUE_FIELDS, new)
    if changed:
        Value.objects.bulk_update(changed, ["value"], batch_size=2000)
    return {"values_created": len(new), "values_updated": len(changed)}


VALUE_FIELDS = [
    "series_id",
    "territory_id",
    "period_id",
    "target_group_id",
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
    "source",
    "data_date",
    "import_run_id",
    "updated_at",
]


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERT: the ORM's per-field preparation is most of the cost of loading
    tens of thousands of register rows, and this runs in every fresh database's migration."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {placeholders}", rows)
            return
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
