"""Rows into pandas: the same frame by COPY on PostgreSQL and through the cursor elsewhere."""

import pytest
from django.contrib.auth import get_user_model

from core import frames

pytestmark = pytest.mark.django_db


def _users():
    User = get_user_model()
    User.objects.create(username="anna", first_name="", is_active=True)
    User.objects.create(username="ben", first_name="Ben", is_active=False)
    return User.objects.order_by("username").values_list(
        "id", "username", "first_name", "is_active"
    )


def test_queryset_frame_keeps_text_and_reads_booleans():
    frame = frames.read_frame(
        _users(),
        ["id", "username", "first_name", "active"],
        {"first_name": str},
        booleans=["active"],
    )
    assert frame["username"].tolist() == ["anna", "ben"]
    assert frame["first_name"].tolist() == ["", "Ben"]  # text stays text, empty is not NaN
    assert frame["active"].tolist() == [True, False]
    assert frame["active"].dtype == bool


def test_sql_frame_with_categories_and_missing_numbers():
    _users()
    table = get_user_model()._meta.db_table
    frame = frames.read_frame(
        f"SELECT username, NULL, first_name FROM {table} ORDER BY username",
        ["username", "nothing", "first"],
        {"first": "category"},
    )
    assert frame["first"].dtype == "category"
    assert frame["first"].tolist() == ["", "Ben"]
    assert frame["nothing"].isna().all()


def test_booleans_read_as_booleans_with_missing_as_false_and_text_stays_text():
    _users()
    table = get_user_model()._meta.db_table
    frame = frames.read_frame(
        f"SELECT username, is_active, CASE WHEN is_active THEN NULL ELSE is_active END, "
        f"CASE WHEN is_active THEN 't' ELSE 'f' END FROM {table} ORDER BY username",
        ["username", "active", "sometimes", "letter"],
        {"letter": str},
        booleans=["active", "sometimes"],
    )
    assert frame["active"].tolist() == [True, False] and frame["active"].dtype == bool
    assert frame["sometimes"].tolist() == [False, False] and frame["sometimes"].dtype == bool
    assert frame["letter"].tolist() == ["t", "f"]  # a text column of t and f is no boolean


def test_empty_result_is_an_empty_frame_with_the_columns():
    frame = frames.read_frame(
        get_user_model().objects.none().values_list("id", "username"),
        ["id", "username"],
        {"username": str},
    )
    assert frame.empty and list(frame.columns) == ["id", "username"]


@pytest.mark.integration  # COPY FROM needs PostgreSQL
def test_copy_in_writes_csv_rows():
    User = get_user_model()
    table = User._meta.db_table
    frames.copy_in(
        table,
        [
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "is_superuser",
            "is_staff",
            "is_active",
            "date_joined",
        ],
        "carl,x,,,,f,f,t,2026-01-01T00:00:00Z\n",
        force_not_null=["first_name", "last_name", "email"],
    )
    assert User.objects.get(username="carl").first_name == ""


@pytest.mark.integration  # COPY FROM needs PostgreSQL
def test_binary_rows_round_trip_every_type_and_null():
    import json
    import math

    import pandas as pd
    from django.db import connection

    frame = pd.DataFrame(
        {
            "big": [1, 2, 3, 2**40],
            "maybe": pd.array([7, None, 9, None], dtype="Int64"),
            "small": [2012, 2013, 2014, 2015],
            "number": [1.5, float("nan"), -0.0, 1e300],
            "flag": [True, False, True, False],
            "label": pd.Categorical(["", "f", "Zuwanderung über Land", ""]),
            "free": ["a", None, "", "ä" * 40],
            "doc": ['{"Altersgruppe": "unter 18"}', "{}", "{}", '{"x": 1}'],
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE binary_round_trip (big bigint, maybe bigint, small smallint, "
            "number double precision, flag boolean, label varchar(50), free text, doc jsonb)"
        )
        types = ["bigint", "bigint", "smallint", "double precision", "boolean"]
        types += ["varchar(50)", "text", "jsonb"]
        frames.copy_in(
            "binary_round_trip",
            list(frame.columns),
            frames.binary_rows(frame, types, rows_per_chunk=1),
            binary=True,
        )
        cursor.execute("SELECT * FROM binary_round_trip ORDER BY small")
        rows = cursor.fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 2**40]
    assert [r[1] for r in rows] == [7, None, 9, None]
    assert rows[0][3] == 1.5 and rows[1][3] is None and rows[3][3] == 1e300
    assert math.copysign(1, rows[2][3]) == -1
    assert [r[4] for r in rows] == [True, False, True, False]
    assert [r[5] for r in rows] == ["", "f", "Zuwanderung über Land", ""]
    assert [r[6] for r in rows] == ["a", None, "", "ä" * 40]  # NULL and empty text kept apart
    # (Django's connection leaves jsonb undecoded)
    assert [json.loads(r[7]) for r in rows] == [{"Altersgruppe": "unter 18"}, {}, {}, {"x": 1}]


@pytest.mark.integration  # the binary format is PostgreSQL's, and so are its type names
def test_column_types_come_from_the_model(db):
    from monitoring.models import IndicatorValue

    types = frames.column_types(IndicatorValue, ["indicator_id", "year", "value", "cell"])
    assert types[0] == "bigint" and types[2] == "double precision"
    assert types[1] == "smallint" and types[3] == "varchar(500)"


@pytest.mark.integration  # COPY FROM needs PostgreSQL
def test_binary_rows_keep_the_frame_order_or_the_order_given():
    import pandas as pd
    from django.db import connection

    frame = pd.DataFrame(
        {
            "label": pd.Categorical(["b", None, "a", "ccc", ""]),
            "number": [1.0, 2.0, float("nan"), 4.0, 5.0],
        }
    )
    types = ["text", "double precision"]
    with connection.cursor() as cursor:
        # the arrival order, numbered by the table itself
        cursor.execute(
            "CREATE TEMP TABLE binary_order (arrival bigint GENERATED ALWAYS AS IDENTITY, "
            "label text, number double precision)"
        )
        frames.copy_in(
            "binary_order", ["label", "number"], frames.binary_rows(frame, types, 2), binary=True
        )
        frames.copy_in(
            "binary_order",
            ["label", "number"],
            frames.binary_rows(frame, types, 2, order=[4, 3, 2, 1, 0]),
            binary=True,
        )
        cursor.execute("SELECT label, number FROM binary_order ORDER BY arrival")
        rows = cursor.fetchall()
    given = [("b", 1.0), (None, 2.0), ("a", None), ("ccc", 4.0), ("", 5.0)]
    assert rows == given + given[::-1]


@pytest.mark.integration  # COPY TO STDOUT is PostgreSQL's
def test_a_failing_copy_raises_djangos_error_and_leaves_the_connection_usable():
    from django.db import ProgrammingError, transaction

    users = _users()
    with pytest.raises(ProgrammingError, match="no_such_table"):
        with transaction.atomic():
            frames.read_frame("SELECT id FROM no_such_table", ["id"])
    # the same connection reads on, inside the test's transaction
    frame = frames.read_frame(users.filter(username="anna"), ["id", "name", "first", "on"])
    assert frame["name"].tolist() == ["anna"]


@pytest.mark.integration  # COPY FROM needs PostgreSQL
def test_a_failing_copy_in_raises_djangos_error():
    from django.db import IntegrityError, transaction

    table = get_user_model()._meta.db_table
    with pytest.raises(IntegrityError, match="violates not-null constraint"):
        with transaction.atomic():
            frames.copy_in(table, ["username", "password"], b"anna,x\n")
