"""What a response contributes to the stored results, as plain data (no Django).

A *cell* is ``(question, breakdown, group, metric, row, key)`` with a count. Metrics:

=======  ==================================================================================
``n``    respondents who answered the question (matrix: per row in ``row``)
``c``    respondents per choice code (single, multiple, yes/no, matrix per ``row``,
         "don't know" of a rating scale)
``v``    respondents per numeric value (rating, integer, decimal) — the value histogram from
         which mean, median, quartiles and standard deviation are derived
``r``    ranking: respondents who gave item ``row`` the rank ``key``
``m``    dates: respondents per month ``YYYY-MM``
``resp`` (survey level) complete responses; ``day``: complete responses per day
=======  ==================================================================================

Each cell is counted for all respondents (breakdown ``""``) and once per breakdown, in the
respondent's group (``""`` when the respondent has none). ``response_cells`` is the
per-response path (the incremental update); ``frame_cells`` is the vectorised path (the
rebuild). ``tests/surveys/test_results_aggregation.py`` proves they agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

CHOICE_METRIC_TYPES = {"single", "multiple", "yes_no"}
NUMBER_TYPES = {"rating", "integer", "decimal"}
TEXT_TYPES = {"text", "long_text"}
BREAKDOWN_TYPES = {"single", "yes_no"}
TARGET_GROUP = "tg"


def num_key(value: float) -> str:
    """The stored key of a number: integers without a decimal point, others as ``repr``."""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return repr(value)


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
    seen_matrix_rows: set[tuple[str, str]] = set()
    for a in rows:
        qtype = spec.types.get(a.question)
        if qtype is None or qtype == "display":
            continue
        if a.question not in seen_q:
            seen_q.add(a.question)
            out.append((a.question, "n", "", ""))
        if qtype in CHOICE_METRIC_TYPES:
            out.append((a.question, "c", "", a.choice))
        elif qtype in NUMBER_TYPES:
            if a.number is None:
                out.append((a.question, "c", "", a.choice))
            else:
                out.append((a.question, "v", "", num_key(a.number)))
        elif qtype == "matrix":
            if (a.question, a.row) not in seen_matrix_rows:
                seen_matrix_rows.add((a.question, a.row))
                out.append((a.question, "n", a.row, ""))
            out.append((a.question, "c", a.row, a.choice))
        elif qtype == "ranking":
            out.append((a.question, "r", a.choice, num_key(a.number or 0)))
        elif qtype == "date" and a.date:
            out.append((a.question, "m", "", a.date[:7]))
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
    rc, rv = _cat(answers["row"])
    cc, cv = _cat(answers["choice"])
    dc, dv = _cat(answers["date"])
    rc, cc, dc = rc[keep], cc[keep], dc[keep]
    numbers = answers["number"].to_numpy(dtype=float)[keep]
    has_number = ~np.isnan(numbers)
    pos_all = order[np.searchsorted(sorted_rids, rid)]
    acc = _Cells()

    def is_type(*names):
        ids = [type_names.index(n) for n in names if n in type_names]
        return np.isin(qt, ids) if ids else np.zeros(len(qt), dtype=bool)

    def zeros(mask):
        return _const(int(mask.sum()))

    # answered questions (n)
    key = rid * (len(qv) + 1) + qc
    first = ~pd.Series(key).duplicated().to_numpy()
    acc.add(pos_all[first], (qc[first], qv), "n", zeros(first), zeros(first))
    numeric = is_type(*NUMBER_TYPES)
    m = is_type(*CHOICE_METRIC_TYPES) | (numeric & ~has_number)
    acc.add(pos_all[m], (qc[m], qv), "c", zeros(m), (cc[m], cv))
    m = numeric & has_number
    acc.add(pos_all[m], (qc[m], qv), "v", zeros(m), _mapped(pd.Series(numbers[m]), num_key))
    matrix = is_type("matrix")
    mkey = key * (len(rv) + 1) + rc
    m = matrix & ~pd.Series(np.where(matrix, mkey, -1)).duplicated().to_numpy()
    acc.add(pos_all[m], (qc[m], qv), "n", (rc[m], rv), zeros(m))
    m = matrix
    acc.add(pos_all[m], (qc[m], qv), "c", (rc[m], rv), (cc[m], cv))
    m = is_type("ranking")
    ranks = pd.Series(np.nan_to_num(numbers[m], nan=0.0))
    acc.add(pos_all[m], (qc[m], qv), "r", (cc[m], cv), _mapped(ranks, num_key))
    month_codes, month_vocab = pd.factorize(pd.Series([d[:7] for d in dv] + [""]), sort=False)
    month_codes = month_codes.astype(np.int64)
    m = is_type("date") & (month_codes[dc] != month_codes[-1])
    acc.add(pos_all[m], (qc[m], qv), "m", zeros(m), (month_codes[dc[m]], list(month_vocab)))
    n_resp = len(rids)
    everyone = np.arange(n_resp, dtype=np.int64)
    acc.add(everyone, _const(n_resp), "resp", _const(n_resp), _const(n_resp))
    acc.add(everyone, _const(n_resp), "day", _const(n_resp), _codes(responses["day"]))

    if not acc.ids:
        return pd.DataFrame(columns=CELL_COLUMNS)
    positions = np.concatenate(acc.positions)
    ids = np.concatenate(acc.ids)
    n_cells = len(acc.vocab)
    vocab = acc.vocab
    out_rows: list[tuple] = []
    totals = np.bincount(ids, minlength=n_cells)
    for cell in np.flatnonzero(totals).tolist():
        q, metric, row, key = vocab[cell]
        out_rows.append((q, "", "", metric, row, key, int(totals[cell])))
    if spec.breakdowns:
        groups = frame_groups(spec, answers, responses)
        cell_question = np.array([v[0] for v in vocab], dtype=object)
        for name, code in spec.breakdowns.items():
            gcodes, gvocab = _codes(pd.Series(groups[name].to_numpy()))
            n_groups = len(gvocab)
            combined = ids * n_groups + gcodes[positions]
            if code is not None:
                keep = cell_question[ids] != code
                combined = combined[keep]
            counts = np.bincount(combined, minlength=n_cells * n_groups)
            for value in np.flatnonzero(counts).tolist():
                cell, g = divmod(value, n_groups)
                q, metric, row, key = vocab[cell]
                out_rows.append((q, name, gvocab[g], metric, row, key, int(counts[value])))
    return pd.DataFrame(out_rows, columns=CELL_COLUMNS)


def add_cells(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the cells of several chunks."""
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.groupby(CELL_COLUMNS[:-1], sort=False, observed=True)["count"].sum().reset_index()


def spec_types() -> set[str]:
    """Question types that are counted (all but display texts)."""
    return CHOICE_METRIC_TYPES | NUMBER_TYPES | TEXT_TYPES | {"matrix", "ranking", "date"}
