"""The bulk path of the import: plain numbers read in one pass, values keyed per combination,
and on PostgreSQL the references of new values checked once per distinct key (the foreign
keys stay on the table and guard every other write)."""

from pathlib import Path

import pandas as pd
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from monitoring import parsing, services
from monitoring.models import Value
from monitoring.services import imports
from tests.monitoring.conftest import official, run_import

OFFICIAL = Path("/work/shared/samples/official")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY path runs on PostgreSQL"
)


def stored_rows() -> list[tuple]:
    return sorted(
        Value.objects.values_list(
            "series__code",
            "territory__key",
            "period__code",
            "cell",
            "target_group__code",
            "sex",
            "age_group",
            "dimensions",
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
        ),
        key=repr,
    )


@pytest.mark.parametrize("path", sorted(OFFICIAL.glob("*.csv")), ids=lambda p: p.name)
def test_plain_numbers_read_in_one_pass_equal_the_cell_rules(path):
    """Every value cell of a real table, read by the fast path and by the rules for marked
    cells (symbols, brackets, provisional marks): the same values, flags and symbols."""
    text = parsing.read_text(path.read_bytes())
    cells = pd.Series([line.split(";")[-1] for line in text.splitlines()], dtype=parsing.TEXT)
    cells = pd.concat([cells, pd.Series(["1.234,5", "-0,5", "12", "007", ". ", "(3)", "2 p"])])
    cells = cells.reset_index(drop=True).astype(parsing.TEXT)
    for official_table in (True, False):
        fast, fast_bad = parsing._numbers(cells, official=official_table)
        rules, rules_bad = parsing._marked_numbers(
            cells.astype(str).str.strip(), official=official_table
        )
        pd.testing.assert_frame_equal(fast, rules, check_dtype=False)
        assert fast_bad.tolist() == rules_bad.tolist()


def test_a_named_dimension_that_spells_another_cell_is_a_duplicate(mprocess):
    """Cells are compared by their text key: a value "x|Nation=EU" of one column gives the same
    cell as the two columns "x" and "EU", so the second row is rejected as a duplicate."""
    header = "Jahr;AGS;Art;Nation;Reihe;Wert"
    report = run_import(
        official(
            ["2023;05754;x|Nation=EU;;erwerbspersonen;10", "2023;05754;x;EU;erwerbspersonen;11"],
            header=header,
        ),
        mappings={"table.csv": {"Art": {"role": "named"}, "Nation": {"role": "named"}}},
    )
    assert [(r["row"], r["code"]) for r in report.rejected] == [(3, "duplicate of row %(row)s")]
    assert not Value.objects.exists()


@postgres_only
@pytest.mark.parametrize("path", sorted(OFFICIAL.glob("*.csv")), ids=lambda p: p.name)
def test_the_bulk_path_stores_the_same_rows_as_row_by_row_writes(db, path, monkeypatch):
    """A real table imported by COPY with the references checked per distinct key, and again
    (in a fresh state) through the ORM's writes with PostgreSQL's per-row checks: the same
    stored rows."""
    files = services.files_from_paths([str(path)])
    with transaction.atomic():
        report = services.values_import(files=files, fmt="auto", compute=False)
        assert report.applied and report.created
        bulk = stored_rows()
        transaction.set_rollback(True)
    monkeypatch.setattr(imports, "_write_pg", imports._write_orm)
    report = services.values_import(files=files, fmt="auto", compute=False)
    assert stored_rows() == bulk


@postgres_only
def test_the_foreign_keys_of_raw_values_stay_and_are_back_on_after_the_copy(mprocess):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [Value._meta.db_table],
        )
        referenced = {row[0] for row in cursor.fetchall()}
    assert referenced == {
        "monitoring_series",
        "monitoring_territory",
        "monitoring_period",
        "participation_targetgroup",
    }
    with transaction.atomic():
        report = run_import(official(["2023;05754;;erwerbspersonen;100"]))
        assert report.created == 1
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"
        # a later write in the same transaction is checked by the database as always
        value = Value.objects.get()
        with pytest.raises(IntegrityError), transaction.atomic():
            Value.objects.filter(pk=value.pk).update(territory_id=10**9)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgres_only
def test_a_reference_that_does_not_exist_fails_the_delivery(mprocess):
    run_import(official(["2023;05754;;erwerbspersonen;100"]))
    value = Value.objects.get()
    frame = pd.DataFrame(
        {
            "series_id": [value.series_id] * 2,
            "territory_id": [value.territory_id, 10**9],
            "period_id": [value.period_id] * 2,
            "target_group_fk": [None, None],
        }
    )
    with pytest.raises(IntegrityError, match="territory_id"), transaction.atomic():
        with connection.cursor() as cursor:
            imports._references_locked(cursor, frame)


def test_without_the_right_to_switch_triggers_off_the_triggers_check(mprocess):
    class Refusing:
        def execute(self, sql, params=None):
            raise DatabaseError("permission denied to set parameter")

    with transaction.atomic():
        assert imports._triggers_off(Refusing()) is None
        # the transaction goes on
        report = run_import(official(["2023;05754;;erwerbspersonen;100"]))
        assert report.created == 1
