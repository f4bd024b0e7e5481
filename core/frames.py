"""Rows into pandas and back, through PostgreSQL's COPY where it runs.

``read_frame`` streams a query's rows through ``COPY … TO STDOUT`` (CSV), the fastest way into a
DataFrame; ``copy_in`` writes CSV bytes through ``COPY … FROM STDIN``. On other databases (SQLite
in development and tests) ``read_frame`` goes through the cursor and gives the same frame, and
callers write with ``bulk_create`` instead of ``copy_in``.

Text columns (``str`` or ``"category"`` in ``dtypes``) keep the empty string; in every other
column an empty field is missing (NaN). ``booleans`` are columns PostgreSQL writes as ``t``/``f``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

COPY_STEP = 8 << 20  # bytes per write: large enough to be fast, small enough for memory


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _text(dtype) -> bool:
    return dtype in (str, "str", "category")


def _finish(frame: pd.DataFrame, dtypes: dict, booleans: Iterable[str], *, copied: bool):
    for column in booleans:
        if copied:
            frame[column] = frame[column].astype(str).eq("t")
        else:
            frame[column] = frame[column].fillna(False).astype(bool)
    return frame


def _empty(columns: Sequence[str], dtypes: dict, booleans: Iterable[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column, dtype in dtypes.items():
        frame[column] = frame[column].astype(str if dtype in (str, "str") else dtype)
    for column in booleans:
        frame[column] = frame[column].astype(bool)
    return frame


def read_frame(
    query: str | QuerySet,
    columns: Sequence[str],
    dtypes: dict | None = None,
    *,
    booleans: Iterable[str] = (),
) -> pd.DataFrame:
    """The rows of ``query`` as a DataFrame with ``columns``.

    ``query`` is a ``values_list`` queryset or SQL without parameters (callers inline only
    integers they made themselves).
    """
    dtypes = dict(dtypes or {})
    booleans = list(booleans)
    if is_postgres():
        if isinstance(query, QuerySet):
            try:
                sql, params = query.query.sql_with_params()
            except EmptyResultSet:  # e.g. ``filter(id__in=[])``: no SQL, no rows
                return _empty(columns, dtypes, booleans)
        else:
            sql, params = query, None
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor
            if params:
                sql = raw.mogrify(sql, params)
            with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for chunk in copy:
                    buffer.write(chunk)
        if not buffer.getbuffer().nbytes:
            return _empty(columns, dtypes, booleans)
        buffer.seek(0)
        text = [c for c, t in dtypes.items() if _text(t)]
        frame = pd.read_csv(
            buffer,
            names=list(columns),
            header=None,
            dtype=dtypes or None,
            keep_default_na=False,
            na_values={c: [""] for c in columns if c not in text},
        )
        return _finish(frame, dtypes, booleans, copied=True)
    if isinstance(query, QuerySet):
        rows = list(query)
    else:
        with connection.cursor() as cursor:
            cursor.execute(query)
            rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=list(columns))
    for column, dtype in dtypes.items():
        if _text(dtype):
            frame[column] = frame[column].fillna("").astype(str)
        if dtype == "category":
            frame[column] = frame[column].astype("category")
    return _finish(frame, dtypes, booleans, copied=False)


def arrow_csv(frame: pd.DataFrame) -> bytes:
    """CSV for COPY, written by Arrow's C++ writer (pandas' to_csv is the slow part)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.Table.from_pandas(frame, preserve_index=False)
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, write_options=pacsv.WriteOptions(include_header=False))
    return buffer.getvalue()


def copy_in(
    table: str,
    columns: Sequence[str],
    data: bytes | str,
    *,
    force_not_null: Sequence[str] = (),
) -> None:
    """Write CSV ``data`` (no header) into ``table``'s ``columns`` by ``COPY … FROM STDIN``.

    ``force_not_null`` columns read an empty field as the empty string, not NULL.
    PostgreSQL only; runs in the caller's transaction.
    """
    qn = connection.ops.quote_name
    options = "FORMAT csv"
    if force_not_null:
        options += f", FORCE_NOT_NULL ({', '.join(qn(c) for c in force_not_null)})"
    statement = (
        f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN WITH ({options})"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for start in range(0, len(data), COPY_STEP):
            copy.write(data[start : start + COPY_STEP])
