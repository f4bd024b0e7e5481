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
