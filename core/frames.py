"""Rows into pandas and back, through PostgreSQL's COPY where it runs.

``read_frame`` streams a query's rows through ``COPY … TO STDOUT`` (CSV), the fastest way into a
DataFrame; ``copy_in`` writes CSV bytes, or the binary chunks of ``binary_rows``, through
``COPY … FROM STDIN``. On other databases (SQLite in development and tests) ``read_frame`` goes
through the cursor and gives the same frame, and callers write with ``bulk_create`` instead of
``copy_in``.

Text columns (``str`` or ``"category"`` in ``dtypes``) keep the empty string; in every other
column an empty field is missing (NaN). ``booleans`` are columns PostgreSQL writes as ``t``/``f``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from psycopg.copy import QueuedLibpqWriter

COPY_STEP = 8 << 20  # bytes per write: large enough to be fast, small enough for memory


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _text(dtype) -> bool:
    return dtype in (str, "str", "category")


def _finish(frame: pd.DataFrame, booleans: Iterable[str]) -> pd.DataFrame:
    for column in booleans:
        # a COPY's t/f are already read as booleans; NULL (missing) counts as false
        if frame[column].dtype != bool:
            frame[column] = frame[column].eq(True)
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
        # the psycopg cursor's COPY, with its errors raised as Django's
        with connection.cursor() as cursor, connection.wrap_database_errors:
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
            # booleans straight from t/f (declared text columns stay text)
            true_values=["t"] if booleans else None,
            false_values=["f"] if booleans else None,
        )
        return _finish(frame, booleans)
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
    return _finish(frame, booleans)


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
    data: bytes | str | Iterable[bytes],
    *,
    force_not_null: Sequence[str] = (),
    binary: bool = False,
) -> None:
    """Write CSV ``data`` (no header) into ``table``'s ``columns`` by ``COPY … FROM STDIN``;
    with ``binary``, the chunks of ``binary_rows`` instead.

    ``force_not_null`` columns read an empty CSV field as the empty string, not NULL.
    PostgreSQL only; runs in the caller's transaction.
    """
    qn = connection.ops.quote_name
    options = "FORMAT binary" if binary else "FORMAT csv"
    if force_not_null and not binary:
        options += f", FORCE_NOT_NULL ({', '.join(qn(c) for c in force_not_null)})"
    statement = (
        f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN WITH ({options})"
    )
    # chunks made on the fly (``binary_rows``) are sent by a thread of psycopg's while the
    # next is made, so that making the rows and the server's storing them overlap
    queued = not isinstance(data, bytes | str)
    chunks = data if queued else [data]
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor
        writer = QueuedLibpqWriter(raw) if queued else None
        with raw.copy(statement, writer=writer) as copy:
            for chunk in chunks:
                for start in range(0, len(chunk), COPY_STEP):
                    copy.write(chunk[start : start + COPY_STEP])


# PostgreSQL's binary COPY format: a signature, flags and header extension length, then per row
# the number of fields and per field its length (-1: NULL) and bytes, all big-endian; -1 ends it.
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_FIXED = {"bigint": ">i8", "integer": ">i4", "smallint": ">i2", "double precision": ">f8"}


def column_types(model, columns: Sequence[str]) -> list[str]:
    """The database types of ``model``'s ``columns`` (by column name), for ``binary_rows``."""
    by_column = {field.column: field for field in model._meta.concrete_fields}
    return [by_column[c].db_type(connection) for c in columns]


def binary_rows(
    frame: pd.DataFrame,
    types: Sequence[str],
    rows_per_chunk: int = 200_000,
    order: np.ndarray | None = None,
):
    """``frame`` in PostgreSQL's binary COPY format, as chunks of bytes for ``copy_in``.

    ``types`` are the columns' database types (``column_types``): integers, ``double
    precision`` and ``boolean`` go as their bytes, text (``varchar``, ``text``) and ``jsonb``
    as UTF-8; NaN, None and NA are NULL. Neither side formats or parses numbers as text (for
    millions of floats that was most of a CSV COPY's time). Rows go in the frame's order, or
    in ``order`` (row positions) where given.

    Each chunk is laid out with arrays: the byte at which each field of each row starts
    follows from the widths of the fields before it, and each column is written at those
    places in one step. Made for text columns of few distinct values (keys, categories):
    each distinct value is encoded once and written where it occurs in one step.
    """
    n, width = len(frame), len(types)
    columns = []  # per column: (null mask, big-endian type or None for text, data)
    for column, kind in zip(frame.columns, types, strict=True):
        series = frame[column]
        null = series.isna().to_numpy()
        if kind == "boolean":
            columns.append((null, "?", series.fillna(False).to_numpy(dtype=bool)))
        elif kind in _FIXED:
            number = float if kind == "double precision" else np.int64
            filled = series.to_numpy(dtype=float, na_value=0) if null.any() else series
            columns.append((null, _FIXED[kind], np.asarray(filled).astype(number)))
        else:  # text: per distinct value its bytes once, per row its code
            codes, values = pd.factorize(series, use_na_sentinel=True)
            prefix = b"\x01" if kind == "jsonb" else b""  # jsonb's binary format version
            encoded = [prefix + str(v).encode() for v in values]
            # the last entry is NULL's (code -1)
            lengths = np.array([len(b) for b in encoded] + [-1], dtype=np.int64)
            columns.append((null, None, (codes, encoded, lengths)))
    positions = np.arange(n) if order is None else np.asarray(order)
    yield _SIGNATURE
    for start in range(0, n, rows_per_chunk):
        yield _rows_chunk(columns, width, positions[start : start + rows_per_chunk])
    yield b"\xff\xff"


def _rows_chunk(columns, width: int, rows: np.ndarray) -> bytes:
    """The ``rows`` (positions) as binary COPY rows, in that order."""
    lengths = []  # per column: each row's field length (-1: NULL)
    for null, kind, data in columns:
        if kind is None:
            codes, _encoded, text_lengths = data
            lengths.append(text_lengths[codes[rows]])
        else:
            lengths.append(np.where(null[rows], -1, np.dtype(kind).itemsize))
    # a field is its length (4 bytes) and that many bytes; a row starts with its field count
    widths = [4 + np.maximum(length, 0) for length in lengths]
    sizes = 2 + sum(widths)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    total = int(sizes.sum())
    buffer = np.zeros(total, dtype=np.uint8)

    def at(kind) -> np.ndarray:
        """``buffer`` seen as values of ``kind`` starting at every byte."""
        dtype = np.dtype(kind)
        count = max(total - dtype.itemsize + 1, 0)
        return np.ndarray((count,), dtype=dtype, buffer=buffer, strides=(1,))

    at(">i2")[starts] = width
    field = starts + 2
    for (null, kind, data), length, field_width in zip(columns, lengths, widths, strict=True):
        at(">i4")[field] = length
        if kind is None:
            codes, encoded, _lengths = data
            row_codes = codes[rows]
            for code, value in enumerate(encoded):
                if value:
                    at(f"S{len(value)}")[field[row_codes == code] + 4] = value
        else:
            present = ~null[rows]
            at(kind)[field[present] + 4] = data[rows[present]]
        field = field + field_width
    return buffer.tobytes()
