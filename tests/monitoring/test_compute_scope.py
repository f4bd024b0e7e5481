"""Recomputing after an import: only what the import can change, and the same as a full run."""

import pytest

from monitoring import services
from monitoring.models import ImportRun, Indicator, IndicatorValue, Territory, Value
from tests.monitoring.conftest import official, run_import

KREIS = "05754"
FIELDS = (
    "id",
    "value",
    "numerator",
    "denominator",
    "change_previous",
    "change_base",
    "cagr",
    "gap_total",
    "gap_land",
    "gap_bund",
    "trend",
    "suppression",
    "published_value",
)


def snapshot() -> dict:
    return {
        (v["indicator_id"], v["territory_id"], v["year"], v["cell"]): tuple(v[f] for f in FIELDS)
        for v in IndicatorValue.objects.values(
            "indicator_id", "territory_id", "year", "cell", *FIELDS
        )
    }


def without_ids(rows: dict) -> dict:
    return {key: row[1:] for key, row in rows.items()}


def unemployed_of(labour: float, year: int, n: int) -> int:
    return round(labour * (0.06 + 0.002 * (year - 2020) + 0.01 * n))


@pytest.fixture
def municipalities(mprocess):
    keys = list(
        Territory.objects.filter(parent__key=KREIS, level="gemeinde")
        .order_by("key")
        .values_list("key", flat=True)[:2]
    )
    assert len(keys) == 2
    rows = []
    for year in range(2020, 2024):
        for n, key in enumerate(["05", KREIS, *keys]):
            size = 10 ** (4 - min(n, 2))
            for tg, share in (("", 1.0), ("immigrants", 0.3)):
                unemployed = unemployed_of(size * share, year, n)
                rows += [
                    f"{year};{key};{tg};arbeitslose;{unemployed}",
                    f"{year};{key};{tg};erwerbspersonen;{round(size * share)}",
                    f"{year};{key};{tg};langzeitarbeitslose;{round(unemployed * 0.4)}",
                ]
    report = run_import(official(rows), compute=False)
    assert report.applied and not report.rejected
    services.indicators_compute()
    return keys


def test_one_series_into_one_municipality_recomputes_only_what_depends_on_it(
    municipalities, django_capture_on_commit_callbacks
):
    before = snapshot()
    municipality = Territory.objects.get(key=municipalities[0])
    w2, w8 = Indicator.objects.get(code="W2"), Indicator.objects.get(code="W8")
    assert any(key[0] == w2.pk and key[1] == municipality.pk for key in before)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = run_import(official([f"2022;{municipality.key};;arbeitslose;9999"]))
    assert report.updated == 1 and len(callbacks) == 1
    after = snapshot()
    changed = {key for key, row in after.items() if before.get(key) != row}
    # the unemployment rate (numerator) and the share of long-term unemployed (denominator) of
    # that municipality, nothing else; every other stored row is untouched (same id, same data)
    assert changed
    assert {(key[0], key[1]) for key in changed} <= {
        (w2.pk, municipality.pk),
        (w8.pk, municipality.pk),
    }
    assert {key[0] for key in changed} == {w2.pk, w8.pk}

    timings: dict = {}
    assert services.indicators_compute(import_run_ids=report.runs, timings=timings) == 0
    assert timings["scope"] == {w2.pk: [municipality.pk], w8.pk: [municipality.pk]}

    # a full recomputation gives the same stored values and has nothing left to write
    assert services.indicators_compute() == 0
    full = snapshot()
    assert full == after
    IndicatorValue.objects.all().delete()
    services.indicators_compute()
    assert without_ids(snapshot()) == without_ids(after)


def test_an_import_records_what_it_changed_and_runs_without_that_record_still_scope(
    municipalities,
):
    municipality = Territory.objects.get(key=municipalities[0])
    report = run_import(
        official([f"2022;{municipality.key};;arbeitslose;9999", "2022;05;;arbeitslose;123456"]),
        compute=False,
    )
    run = ImportRun.objects.get(pk=report.runs[0])
    series = Value.objects.filter(import_run=run).values_list("series_id", flat=True).first()
    land = Territory.objects.get(key="05")
    assert run.touched == {str(series): sorted([municipality.pk, land.pk])}

    recorded: dict = {}
    services.indicators_compute(import_run_ids=report.runs, timings=recorded)
    # a run stored before imports recorded this: its values show what it wrote
    ImportRun.objects.filter(pk=run.pk).update(touched=None, computed_at=None)
    found: dict = {}
    services.indicators_compute(import_run_ids=report.runs, timings=found)
    assert found["scope"] == recorded["scope"]
    assert recorded["scope"]


def test_a_land_value_recomputes_every_territory_of_the_indicator(municipalities):
    w2 = Indicator.objects.get(code="W2")
    report = run_import(official(["2022;05;;erwerbspersonen;12345"]), compute=False)
    timings: dict = {}
    written = services.indicators_compute(import_run_ids=report.runs, timings=timings)
    # the Land is the reference of the gaps of everything below it
    assert timings["scope"][w2.pk] is None
    assert written > 0
    kreis = IndicatorValue.objects.get(
        indicator=w2, territory__key=KREIS, year=2022, cell="tg=|sex=|age="
    )
    land = IndicatorValue.objects.get(indicator=w2, territory__key="05", year=2022, cell=kreis.cell)
    assert kreis.gap_land == pytest.approx(kreis.value - land.value)


def test_an_import_that_changes_nothing_recomputes_nothing(municipalities):
    before = snapshot()
    report = run_import(
        official([f"2022;{municipalities[1]};;arbeitslose;{unemployed_of(100, 2022, 3)}"]),
        compute=False,
    )
    assert report.unchanged == 1
    timings: dict = {}
    assert services.indicators_compute(import_run_ids=report.runs, timings=timings) == 0
    assert timings["scope"] == {}
    assert snapshot() == before


def test_saving_or_deleting_a_target_revalues_its_indicator(
    municipalities, mprocess, member, django_capture_on_commit_callbacks
):
    w2 = Indicator.objects.get(code="W2")
    kreis_total = {"indicator": w2, "territory__key": KREIS, "year": 2023, "cell": "tg=|sex=|age="}
    without_target = IndicatorValue.objects.get(**kreis_total).trend
    staff = member("staff")

    # a rising unemployment rate is a deterioration, unless the county's target is already met
    assert without_target == IndicatorValue.Trend.DETERIORATION
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        target = services.target_save(
            user=staff, process=mprocess, indicator=w2, target_group=None, value=50, year=2030
        )
    assert len(callbacks) == 1
    assert IndicatorValue.objects.get(**kreis_total).trend == IndicatorValue.Trend.ON_TRACK
    # the stored values are those of a full recomputation with the target
    assert services.indicators_compute() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.target_delete(user=staff, target=target)
    assert IndicatorValue.objects.get(**kreis_total).trend == without_target
    assert services.indicators_compute() == 0


def index_definitions() -> set:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            [IndicatorValue._meta.db_table],
        )
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass",
            [IndicatorValue._meta.db_table],
        )
        return indexes | set(cursor.fetchall())


@pytest.fixture
def first_fill(municipalities, monkeypatch):
    """The stored values and index definitions of a full computation; then the table emptied,
    for a next computation that fills it the bulk way (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the index rebuild is PostgreSQL's way to populate a table")
    from monitoring.services import computation

    expected, indexes = without_ids(snapshot()), index_definitions()
    IndicatorValue.objects.all().delete()
    monkeypatch.setattr(computation, "BULK_ROWS", 1)
    return expected, indexes


def test_a_first_computation_into_an_empty_table_gives_the_same_values_and_indexes(
    first_fill, monkeypatch
):
    from django.db import transaction
    from django.db.models import Max

    from monitoring.services import computation

    expected, indexes = first_fill
    filled = []
    original = computation._fill_empty
    monkeypatch.setattr(
        computation, "_fill_empty", lambda *args: (filled.append(True), original(*args))[1]
    )
    assert services.indicators_compute() == len(expected)
    assert filled
    assert without_ids(snapshot()) == expected
    # the unique constraint, the secondary indexes and the collation are back as they were
    assert index_definitions() == indexes
    # written in the unique key's order (the table laid out by territory) and numbered so
    ids = IndicatorValue.objects.order_by("territory", "indicator", "year", "cell")
    ids = list(ids.values_list("id", flat=True))
    assert ids == sorted(ids)
    # the ids were taken from the sequence as one block, and the sequence moved past them:
    # the next new row gets a free id
    highest = IndicatorValue.objects.aggregate(highest=Max("id"))["highest"]
    row = IndicatorValue.objects.first()
    row.pk, row.cell = None, row.cell + "|extra=1"
    row.save()
    assert row.pk > highest
    row.delete()
    # and they hold: a second run finds everything in place and writes nothing
    assert services.indicators_compute() == 0
    with pytest.raises(Exception, match="indicator_value_unique"):
        with transaction.atomic():
            row = IndicatorValue.objects.first()
            row.pk = None
            row.save()


def test_the_unique_key_is_compared_bytewise_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("collations are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'cell'",
            [IndicatorValue._meta.db_table],
        )
        assert cursor.fetchone()[0] == "C"


def test_indicator_values_leave_room_for_updates_in_place_on_postgresql(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("storage parameters are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [IndicatorValue._meta.db_table]
        )
        assert "fillfactor=75" in cursor.fetchone()[0]


def test_a_role_that_does_not_own_the_table_fills_it_with_its_indexes_in_place(
    first_fill, monkeypatch
):
    from django.db import connection

    expected, indexes = first_fill
    table = IndicatorValue._meta.db_table
    with connection.cursor() as cursor:
        # a role that may write the table but does not own it (rolled back with the test)
        cursor.execute("CREATE ROLE teilhabe_test_writer")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
            "TO teilhabe_test_writer"
        )
        cursor.execute(
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO teilhabe_test_writer"
        )
        cursor.execute("SET LOCAL ROLE teilhabe_test_writer")
        cursor.execute(
            "SELECT pg_has_role(current_user, (SELECT relowner FROM pg_class "
            "WHERE relname = %s), 'USAGE')",
            [table],
        )
        assert not cursor.fetchone()[0]
    from monitoring.services import computation

    filled = []
    original = computation._fill_empty
    monkeypatch.setattr(
        computation, "_fill_empty", lambda *args: (filled.append(original(*args)), filled[-1])[1]
    )
    assert services.indicators_compute() == len(expected)
    assert filled == [False]  # the role could not drop the indexes and copied with them in place
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    assert without_ids(snapshot()) == expected
    assert index_definitions() == indexes


def test_a_large_import_refreshes_the_statistics_of_the_values_table(municipalities, monkeypatch):
    from django.db import connection

    from monitoring.services import imports

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    rows = [f"2024;{key};;arbeitslose;{n}" for n, key in enumerate(municipalities, start=7)]
    with connection.execute_wrapper(record):
        run_import(official([f"2025;{municipalities[0]};;arbeitslose;5"]), compute=False)
    # a small import leaves it to autovacuum
    assert not [s for s in statements if s.startswith("ANALYZE")]

    monkeypatch.setattr(imports, "ANALYZE_ROWS", 2)
    with connection.execute_wrapper(record):
        report = run_import(official(rows), compute=False)
    assert report.created + report.updated == 2
    assert [s for s in statements if s.startswith("ANALYZE")] == ['ANALYZE "monitoring_value"']
    # the statistics now know the series of this import, for the computation that follows
    series = Value.objects.filter(import_run_id__in=report.runs).values("series_id")[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_vals::text FROM pg_stats "
            "WHERE tablename = %s AND attname = 'series_id'",
            [Value._meta.db_table],
        )
        assert str(series["series_id"]) in cursor.fetchone()[0]
