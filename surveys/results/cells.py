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


def _base_frame(spec: Spec, answers: pd.DataFrame) -> pd.DataFrame:
    """Per answer row: (response_id, question, metric, row, key), one row per counted cell."""
    a = answers[answers["question"].isin(spec.types.keys())]
    qtype = a["question"].map(spec.types)
    parts = []

    def add(mask, metric, row, key):
        sub = a.loc[mask]
        parts.append(
            pd.DataFrame(
                {
                    "response_id": sub["response_id"].to_numpy(),
                    "question": sub["question"].to_numpy(),
                    "metric": metric,
                    "row": row(sub) if callable(row) else row,
                    "key": key(sub) if callable(key) else key,
                }
            )
        )

    answered = a[["response_id", "question"]].drop_duplicates()
    parts.append(
        pd.DataFrame(
            {
                "response_id": answered["response_id"].to_numpy(),
                "question": answered["question"].to_numpy(),
                "metric": "n",
                "row": "",
                "key": "",
            }
        )
    )
    numbers = a["number"]
    is_choice = qtype.isin(CHOICE_METRIC_TYPES) | (qtype.isin(NUMBER_TYPES) & numbers.isna())
    add(is_choice, "c", "", lambda s: s["choice"].to_numpy())
    is_value = qtype.isin(NUMBER_TYPES) & numbers.notna()
    add(is_value, "v", "", lambda s: _num_keys(s["number"]))
    is_matrix = qtype == "matrix"
    matrix = a.loc[is_matrix, ["response_id", "question", "row"]].drop_duplicates()
    parts.append(
        pd.DataFrame(
            {
                "response_id": matrix["response_id"].to_numpy(),
                "question": matrix["question"].to_numpy(),
                "metric": "n",
                "row": matrix["row"].to_numpy(),
                "key": "",
            }
        )
    )
    add(is_matrix, "c", lambda s: s["row"].to_numpy(), lambda s: s["choice"].to_numpy())
    is_rank = qtype == "ranking"
    add(is_rank, "r", lambda s: s["choice"].to_numpy(), lambda s: _num_keys(s["number"].fillna(0)))
    is_date = (qtype == "date") & (a["date"].fillna("") != "")
    add(is_date, "m", "", lambda s: s["date"].astype(str).str.slice(0, 7).to_numpy())
    return pd.concat(parts, ignore_index=True)


def _num_keys(values: pd.Series) -> np.ndarray:
    uniques = pd.unique(values.to_numpy(dtype=float))
    mapping = {v: num_key(v) for v in uniques}
    return values.astype(float).map(mapping).to_numpy()


def frame_groups(spec: Spec, answers: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Per response (index ``response_id``): one column per breakdown with its group."""
    out = pd.DataFrame(index=pd.Index(responses["response_id"].to_numpy(), name="response_id"))
    single = answers[answers["question"].map(spec.types).isin(BREAKDOWN_TYPES)]
    by_q = {q: g.set_index("response_id")["choice"] for q, g in single.groupby("question")}
    for name, code in spec.breakdowns.items():
        if code is None:
            inv = responses.set_index("response_id")["invitation_tg"].reindex(out.index)
            col = pd.Series("", index=out.index, dtype=object)
            if spec.tg_question and spec.tg_question in by_q:
                mapped = by_q[spec.tg_question].map(spec.tg_choices).reindex(out.index)
                col = mapped.fillna("")
            col = col.where(col != "", inv.fillna(""))
            out[name] = col.to_numpy()
        else:
            series = by_q.get(code)
            out[name] = "" if series is None else series.reindex(out.index).fillna("").to_numpy()
    return out


def frame_cells(spec: Spec, answers: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """All cells of a set of complete responses (one chunk) as a DataFrame of ``CELL_COLUMNS``.

    ``answers``: ``ANSWER_COLUMNS``; ``responses``: ``response_id``, ``day`` and
    ``invitation_tg`` of every response in the chunk.
    """
    base = _base_frame(spec, answers)
    survey_level = pd.concat(
        [
            pd.DataFrame(
                {
                    "response_id": responses["response_id"].to_numpy(),
                    "question": "",
                    "metric": "resp",
                    "row": "",
                    "key": "",
                }
            ),
            pd.DataFrame(
                {
                    "response_id": responses["response_id"].to_numpy(),
                    "question": "",
                    "metric": "day",
                    "row": "",
                    "key": responses["day"].to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    )
    base = pd.concat([base, survey_level], ignore_index=True)
    keys = ["question", "metric", "row", "key"]
    for column in keys:
        base[column] = base[column].astype("category")
    results = []
    total = base.groupby(keys, observed=True, sort=False).size().rename("count").reset_index()
    total["breakdown"] = ""
    total["group"] = ""
    results.append(total)
    if spec.breakdowns:
        groups = frame_groups(spec, answers, responses)
        rid = base["response_id"].to_numpy()
        for name, code in spec.breakdowns.items():
            group = pd.Series(groups[name]).astype("category")
            codes = groups.index.get_indexer(rid)
            frame = base[keys].copy()
            frame["group"] = group.to_numpy()[codes]
            if code is not None:
                frame = frame[frame["question"] != code]
            counted = (
                frame.groupby(keys + ["group"], observed=True, sort=False)
                .size()
                .rename("count")
                .reset_index()
            )
            counted["breakdown"] = name
            results.append(counted)
    out = pd.concat(results, ignore_index=True)
    for column in CELL_COLUMNS[:-1]:
        out[column] = out[column].astype(str)
    return out[CELL_COLUMNS]


def add_cells(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Sum the cells of several chunks."""
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out.groupby(CELL_COLUMNS[:-1], sort=False, observed=True)["count"].sum().reset_index()


def spec_types() -> set[str]:
    """Question types that are counted (all but display texts)."""
    return CHOICE_METRIC_TYPES | NUMBER_TYPES | TEXT_TYPES | {"matrix", "ranking", "date"}
