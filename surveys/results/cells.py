"""What a response contributes to the stored results, as plain data (no Django).

A *cell* is ``(question, breakdown, group, metric, row, key)`` with a count. Metrics:

=======  ==================================================================================
``n``    respondents who answered the question (matrix: per row in ``row``; matrices of
         cells: per cell, ``row`` = ``<row>:<column>``)
``c``    respondents per choice code (single, multiple, yes/no, matrix per ``row``,
         "don't know" of a rating scale)
``v``    respondents per numeric value (rating, integer, decimal, per cell of a matrix of
         numbers) — the value histogram from
         which mean, median, quartiles and standard deviation are derived
``r``    ranking: respondents who gave item ``row`` the rank ``key``
``m``    dates: respondents per month ``YYYY-MM``
``resp`` (survey level) complete responses; ``day``: complete responses per day
=======  ==================================================================================

Each cell is counted for all respondents (breakdown ``""``) and once per breakdown, in the
respondent's group (``""`` when the respondent has none). ``response_cells`` is the
per-response path (the incremental update); ``frame_cells`` is the vectorised path (the
rebuild). ``tests/surveys/test_results_aggregation.py`` proves they agree. Which cells an
answer row makes is its question type's ``response_cells`` / ``frame_cells``
(``surveys.question_types``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..question_types import REGISTRY, kinds
from ..question_types.base import num_key

BREAKDOWN_TYPES = kinds(breakdown=True)
TARGET_GROUP = "tg"


@dataclass(frozen=True)
class Spec:
    """The survey version's questions as the aggregation needs them.

    ``types``: question code -> type; ``breakdowns``: breakdown name -> question code (or
    ``None`` for the target group); ``tg_question``: code of the target-group question and
    ``tg_choices``: its choice code -> target group code.
    """

    types: dict[str, str]
    breakdowns: dict[str, str | None] = field(default_factory=dict)
    tg_question: str | None = None
    tg_choices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerRow:
    question: str
    row: str = ""
    choice: str = ""
    number: float | None = None
    date: str = ""  # ISO date


def _question_cells(spec: Spec, rows: list[AnswerRow]) -> list[tuple[str, str, str, str]]:
    """(question, metric, row, key) of one response's answers, before breakdowns."""
    out: list[tuple[str, str, str, str]] = []
    seen_q: set[str] = set()
    seen_rows: set[tuple[str, str]] = set()
    for a in rows:
        qtype = REGISTRY.get(spec.types.get(a.question))
        if qtype is None or not qtype.answered:
            continue
        if a.question not in seen_q:
            seen_q.add(a.question)
            out.append((a.question, "n", "", ""))
        out.extend((a.question, *cell) for cell in qtype.response_cells(a, seen_rows))
    return out


def response_groups(spec: Spec, rows: list[AnswerRow], invitation_tg: str = "") -> dict[str, str]:
    """Breakdown name -> the respondent's group."""
    chosen: dict[str, str] = {}
    for a in rows:
        if spec.types.get(a.question) in BREAKDOWN_TYPES:
            chosen[a.question] = a.choice
    groups = {}
    for name, code in spec.breakdowns.items():
        if code is None:
            tg = ""
            if spec.tg_question and spec.tg_question in chosen:
                tg = spec.tg_choices.get(chosen[spec.tg_question], "")
            groups[name] = tg or invitation_tg or ""
        else:
            groups[name] = chosen.get(code, "")
    return groups


def response_cells(
    spec: Spec, rows: list[AnswerRow], *, day: str, invitation_tg: str = ""
) -> Counter:
    """Every cell one complete response adds 1 to, as a Counter keyed
    ``(question, breakdown, group, metric, row, key)``."""
    base = _question_cells(spec, rows)
    base.append(("", "resp", "", ""))
    base.append(("", "day", "", day))
    groups = response_groups(spec, rows, invitation_tg)
    out: Counter = Counter()
    for q, metric, row, key in base:
        out[(q, "", "", metric, row, key)] += 1
        for name, group in groups.items():
            if q and spec.breakdowns[name] == q:
                continue
            out[(q, name, group, metric, row, key)] += 1
    return out


# --- the vectorised path -------------------------------------------------------------------

ANSWER_COLUMNS = ["response_id", "question", "row", "choice", "number", "date"]
CELL_COLUMNS = ["question", "breakdown", "group", "metric", "row", "key", "count"]


def frame_groups(spec: Spec, answers: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Per response (in ``responses`` order): one column per breakdown with its group."""
    index = pd.Index(responses["response_id"].to_numpy(), name="response_id")
    out = pd.DataFrame(index=index)
    codes = {c for c in spec.breakdowns.values() if c is not None}
    if spec.tg_question:
        codes.add(spec.tg_question)
    single = answers[answers["question"].isin(list(codes))]
    by_q = {
        str(q): g.set_index("response_id")["choice"].astype(str)
        for q, g in single.groupby("question", observed=True)
    }
    for name, code in spec.breakdowns.items():
        if code is None:
            inv = responses["invitation_tg"].fillna("").to_numpy()
            col = np.full(len(index), "", dtype=object)
            if spec.tg_question and spec.tg_question in by_q:
                mapped = by_q[spec.tg_question].map(spec.tg_choices).reindex(index)
                col = mapped.fillna("").to_numpy(dtype=object)
            out[name] = np.where(col != "", col, inv)
        else:
            series = by_q.get(code)
            out[name] = (
                "" if series is None else series.reindex(index).fillna("").to_numpy(dtype=object)
            )
    return out


class _Cells:
    """Accumulates (response position, cell id) pairs with a vocabulary of cell tuples."""

    def __init__(self):
        self.positions: list[np.ndarray] = []
        self.ids: list[np.ndarray] = []
        self.vocab: list[tuple[str, str, str, str]] = []

    def add(self, positions, questions, metric, rows, keys) -> None:
        """``questions``/``rows``/``keys``: (codes array, vocabulary list) pairs."""
        if len(positions) == 0:
            return
        (qc, qv), (rc, rv), (kc, kv) = questions, rows, keys
        n_r, n_k = max(len(rv), 1), max(len(kv), 1)
        combined = (qc.astype(np.int64) * n_r + rc) * n_k + kc
        uniques, inverse = np.unique(combined, return_inverse=True)
        offset = len(self.vocab)
        for value in uniques.tolist():
            q, rest = divmod(value, n_r * n_k)
            r, k = divmod(rest, n_k)
            self.vocab.append((qv[q], metric, rv[r] if rv else "", kv[k] if kv else ""))
        self.positions.append(np.asarray(positions, dtype=np.int64))
        self.ids.append(inverse.astype(np.int64) + offset)


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _const(n: int, value: str = "") -> tuple[np.ndarray, list[str]]:
    return np.zeros(n, dtype=np.int64), [value]


def _mapped(values: pd.Series, fn) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), [fn(u) for u in uniques]


def _cat(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes and vocabulary of a column (categorical columns cost nothing here)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(dtype=np.int64), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.fillna(""), sort=False)
    return codes.astype(np.int64), [str(u) for u in uniques]


class _Frame:
    """One chunk's answer rows as integer codes, and the cells the question types add to it.

    A question type's ``frame_cells(frame, mask)`` adds the cells of its rows ``mask`` with
    ``add`` and the code pairs below ((codes, vocabulary) per row)."""

    def __init__(self, answers: pd.DataFrame, keep: np.ndarray, qc, qv, pos_all, acc: _Cells):
        self.qc, self.qv, self.pos_all, self.acc = qc, qv, pos_all, acc
        rc, self.rv = _cat(answers["row"])
        cc, self.cv = _cat(answers["choice"])
        dc, dv = _cat(answers["date"])
        self.rc, self.cc, self.dc, self.dv = rc[keep], cc[keep], dc[keep], dv
        self.numbers = answers["number"].to_numpy(dtype=float)[keep]
        self.has_number = ~np.isnan(self.numbers)
        rid = answers["response_id"].to_numpy(dtype=np.int64)[keep]
        self.key = rid * (len(qv) + 1) + qc  # one per (response, question)

    def add(self, mask, metric: str, rows, keys) -> None:
        self.acc.add(self.pos_all[mask], (self.qc[mask], self.qv), metric, rows, keys)

    def no_rows(self, mask):
        return _const(int(mask.sum()))

    no_keys = no_rows

    def choices(self, mask):
        return self.cc[mask], self.cv

    def rows(self, mask):
        return self.rc[mask], self.rv

    def row_choices(self, mask):
        """``<row>:<choice>`` of the rows ``mask`` (the cells of a matrix of cells)."""
        pairs = pd.Series(self.rc[mask] * (len(self.cv) + 1) + self.cc[mask])
        rv, cv = self.rv, self.cv
        width = len(cv) + 1
        return _mapped(pairs, lambda p: f"{rv[p // width]}:{cv[p % width]}")

    def number_keys(self, mask):
        return _mapped(pd.Series(self.numbers[mask]), num_key)

    def rank_keys(self, mask):
        return _mapped(pd.Series(np.nan_to_num(self.numbers[mask], nan=0.0)), num_key)

    def duplicated_rows(self, mask) -> np.ndarray:
        """Whether an answer row repeats an earlier (response, question, row) of ``mask``."""
        row_key = self.key * (len(self.rv) + 1) + self.rc
        return pd.Series(np.where(mask, row_key, -1)).duplicated().to_numpy()

    def add_months(self, mask) -> None:
        """Respondents per month ``YYYY-MM`` of the dates of ``mask``."""
        months, vocab = pd.factorize(pd.Series([d[:7] for d in self.dv] + [""]), sort=False)
        months = months.astype(np.int64)
        m = mask & (months[self.dc] != months[-1])
        self.add(m, "m", self.no_rows(m), (months[self.dc[m]], list(vocab)))


def frame_cells(spec: Spec, answers: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """All cells of a set of complete responses (one chunk) as a DataFrame of ``CELL_COLUMNS``.

    ``answers``: ``ANSWER_COLUMNS``; ``responses``: ``response_id``, ``day`` and
    ``invitation_tg`` of every response in the chunk. Vectorised: every string column becomes
    integer codes once (categoricals are used as they are), cells are integer ids, and
    counting is ``np.bincount``.
    """
    rids = responses["response_id"].to_numpy(dtype=np.int64)
    order = np.argsort(rids, kind="stable")
    sorted_rids = rids[order]
    qc, qv = _cat(answers["question"])
    type_names = sorted(set(spec.types.values()))
    type_lut = np.array(
        [type_names.index(spec.types[q]) if q in spec.types else -1 for q in qv] + [-1],
        dtype=np.int64,
    )
    qt = type_lut[qc]  # -1 (NaN codes index the sentinel) = not counted
    keep = qt >= 0
    qc, qt = qc[keep], qt[keep]
    rid = answers["response_id"].to_numpy(dtype=np.int64)[keep]
    pos_all = order[np.searchsorted(sorted_rids, rid)]
    acc = _Cells()
    frame = _Frame(answers, keep, qc, qv, pos_all, acc)

    # answered questions (n)
    first = ~pd.Series(frame.key).duplicated().to_numpy()
    frame.add(first, "n", frame.no_rows(first), frame.no_keys(first))
    for index, kind in enumerate(type_names):
        REGISTRY[kind].frame_cells(frame, qt == index)
    n_resp = len(rids)
    everyone = np.arange(n_resp, dtype=np.int64)
    acc.add(everyone, _const(n_resp), "resp", _const(n_resp), _const(n_resp))
    acc.add(everyone, _const(n_resp), "day", _const(n_resp), _codes(responses["day"]))

    if not acc.ids:
        return pd.DataFrame(columns=CELL_COLUMNS)
    positions = np.concatenate(acc.positions)
    ids = np.concatenate(acc.ids)
    n_cells = len(acc.vocab)
    # The cells' parts as arrays: the rows below are gathered by index, not built one by one.
    cell_question, cell_metric, cell_row, cell_key = (
        np.array([v[i] for v in acc.vocab], dtype=object) for i in range(4)
    )
    columns: dict[str, list[np.ndarray]] = {c: [] for c in CELL_COLUMNS}

    def emit(cells: np.ndarray, breakdown: str, groups: np.ndarray, counts: np.ndarray) -> None:
        columns["question"].append(cell_question[cells])
        columns["breakdown"].append(np.full(len(cells), breakdown, dtype=object))
        columns["group"].append(groups)
        columns["metric"].append(cell_metric[cells])
        columns["row"].append(cell_row[cells])
        columns["key"].append(cell_key[cells])
        columns["count"].append(counts.astype(np.int64))

    totals = np.bincount(ids, minlength=n_cells)
    cells = np.flatnonzero(totals)
    emit(cells, "", np.full(len(cells), "", dtype=object), totals[cells])
    if spec.breakdowns:
        groups = frame_groups(spec, answers, responses)
        for name, code in spec.breakdowns.items():
            gcodes, gvocab = _codes(pd.Series(groups[name].to_numpy()))
            n_groups = len(gvocab)
            combined = ids * n_groups + gcodes[positions]
            if code is not None:
                keep = cell_question[ids] != code
                combined = combined[keep]
            counts = np.bincount(combined, minlength=n_cells * n_groups)
            values = np.flatnonzero(counts)
            group_names = np.array(gvocab, dtype=object)
            emit(values // n_groups, name, group_names[values % n_groups], counts[values])
    return pd.DataFrame({c: np.concatenate(chunks) for c, chunks in columns.items()})


def add_cells(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the cells of several chunks."""
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.groupby(CELL_COLUMNS[:-1], sort=False, observed=True)["count"].sum().reset_index()


def spec_types() -> set[str]:
    """Question types that are counted (all but display texts)."""
    return set(kinds(answered=True))
