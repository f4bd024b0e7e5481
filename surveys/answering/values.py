"""Answer values: validating what a respondent sent and turning it into answer rows.

The canonical ("raw") value of each question type is also what the API accepts::

    single      "a"            (with allow_other: "other" and the text under "<code>_other")
    multiple    ["a", "b"]     (the same "other" convention)
    yes_no      "yes" | "no"   (true/false accepted)
    rating      4 | "dont_know"
    matrix      {"row1": "a", "row2": "b"}
    ranking     ["b", "a", "c"]   (first = rank 1)
    integer     12            decimal 2.5 (also "2,5")
    text, long_text  "…"      date "2025-05-01"

``clean`` validates one raw value and returns the value the condition language sees plus the
rows to store (see ``surveys.models.Answer``); ``raw_from_rows`` is the way back.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .. import expressions
from ..i18n import pick
from ..structure import QuestionDef

OTHER = "other"
DONT_KNOW = "dont_know"
TEXT_MAX = 1000
LONG_TEXT_MAX = 20000

# (row, choice, value_text, value_number, value_date)
Row = tuple[str, str, str, float | None, date | None]


class AnswerError(Exception):
    def __init__(self, message: str, code: str = "invalid"):
        self.message = message
        self.code = code
        super().__init__(message)


@dataclass
class Cleaned:
    value: object  # what conditions see; "" when unanswered
    rows: list[Row]

    @property
    def answered(self) -> bool:
        return bool(self.rows)


EMPTY = Cleaned("", [])


def is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, (list, tuple)):
        return all(is_empty(item) for item in raw)
    if isinstance(raw, dict):
        return all(is_empty(item) for item in raw.values())
    return False


def _custom(q: QuestionDef, language: str, default: str) -> str:
    return pick(q.validation_message, language) or default


def _number(q: QuestionDef, raw, language: str) -> float:
    if isinstance(raw, bool):
        raise AnswerError(_("Enter a number."))
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip().replace(" ", "")
        if q.type == "decimal" and re.fullmatch(r"-?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise AnswerError(
                _("Enter a whole number.") if q.type == "integer" else _("Enter a number.")
            ) from None
    if not math.isfinite(value):
        raise AnswerError(_("Enter a number."))
    if q.type == "integer" and value != int(value):
        raise AnswerError(_("Enter a whole number."))
    if q.min_value is not None and value < q.min_value:
        raise AnswerError(
            _custom(q, language, _("Enter at least %(min)s.") % {"min": _fmt(q.min_value)}),
            "min_value",
        )
    if q.max_value is not None and value > q.max_value:
        raise AnswerError(
            _custom(q, language, _("Enter at most %(max)s.") % {"max": _fmt(q.max_value)}),
            "max_value",
        )
    return value


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _code(raw) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw == int(raw):
        return str(int(raw))
    return str(raw).strip()


def _choice(q: QuestionDef, raw, extra: tuple[str, ...] = ()) -> str:
    code = _code(raw)
    if code not in q.choice_codes and code not in extra:
        raise AnswerError(_("%(code)s is not one of the choices.") % {"code": repr(code)}, "choice")
    return code


def clean(q: QuestionDef, raw, other_text: str = "", language: str = "de") -> Cleaned:
    """Validate one answer (not whether it is required: see ``is_empty``)."""
    if q.type == "display" or is_empty(raw):
        return EMPTY
    other_text = (other_text or "").strip()[:TEXT_MAX] if isinstance(other_text, str) else ""
    t = q.type
    if t == "single":
        if isinstance(raw, (list, dict)):
            raise AnswerError(_("Choose one answer."))
        extra = (OTHER,) if q.allow_other else ()
        extra += (DONT_KNOW,) if q.allow_dont_know else ()
        code = _choice(q, raw, extra)
        if code == OTHER and q.allow_other and OTHER not in q.choice_codes:
            if not other_text:
                raise AnswerError(_("Please specify your other answer."), "other_required")
            return Cleaned(code, [("", code, other_text, None, None)])
        cleaned = Cleaned(code, [("", code, "", None, None)])
    elif t == "multiple":
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        extra = (OTHER,) if q.allow_other else ()
        codes = list(dict.fromkeys(_choice(q, item, extra) for item in items if not is_empty(item)))
        rows: list[Row] = []
        for code in codes:
            text = ""
            if code == OTHER and q.allow_other and OTHER not in q.choice_codes:
                if not other_text:
                    raise AnswerError(_("Please specify your other answer."), "other_required")
                text = other_text
            rows.append(("", code, text, None, None))
        cleaned = Cleaned(codes, rows)
    elif t == "yes_no":
        code = _code(raw).lower()
        code = {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(code, code)
        if code not in ("yes", "no"):
            raise AnswerError(_("Answer yes or no."), "choice")
        cleaned = Cleaned(code, [("", code, "", 1.0 if code == "yes" else 0.0, None)])
    elif t == "rating":
        if q.allow_dont_know and _code(raw) == DONT_KNOW:
            return Cleaned(DONT_KNOW, [("", DONT_KNOW, "", None, None)])
        try:
            value = float(_code(raw))
        except ValueError:
            raise AnswerError(_("Choose a point on the scale."), "choice") from None
        if value not in q.scale:
            raise AnswerError(
                _("Choose a point from %(low)s to %(high)s.")
                % {"low": q.scale[0], "high": q.scale[-1]},
                "choice",
            )
        cleaned = Cleaned(value, [("", "", "", value, None)])
    elif t == "matrix":
        if not isinstance(raw, dict):
            raise AnswerError(_("Expected one answer per row."))
        rows = []
        chosen = []
        known_rows = q.row_codes
        for row_code in raw:
            if row_code not in known_rows:
                raise AnswerError(_("%(code)s is not a row of this question.") % {"code": row_code})
        for row_code in known_rows:
            value = raw.get(row_code)
            if is_empty(value):
                continue
            code = _choice(q, value, (DONT_KNOW,) if q.allow_dont_know else ())
            rows.append((row_code, code, "", None, None))
            chosen.append(code)
        if q.required and len(rows) < len(known_rows):
            raise AnswerError(_("Please answer every row."), "required")
        cleaned = Cleaned(chosen, rows)
    elif t == "ranking":
        if isinstance(raw, dict):  # {item: rank} from the web form
            ranks = {}
            for item, rank in raw.items():
                if is_empty(rank):
                    continue
                try:
                    ranks[_choice(q, item)] = int(str(rank))
                except ValueError:
                    raise AnswerError(_("Ranks are whole numbers.")) from None
            if len(set(ranks.values())) != len(ranks):
                raise AnswerError(_("Give every item a different rank."), "duplicate")
            order = sorted(ranks, key=ranks.get)
        elif isinstance(raw, (list, tuple)):
            order = [_choice(q, item) for item in raw]
            if len(set(order)) != len(order):
                raise AnswerError(_("Each item may appear only once."), "duplicate")
        else:
            raise AnswerError(_("Expected the items in your order."))
        if q.required and len(order) < len(q.choices):
            raise AnswerError(_("Please rank every item."), "required")
        rows = [("", code, "", float(rank), None) for rank, code in enumerate(order, start=1)]
        cleaned = Cleaned(order, rows)
    elif t in ("integer", "decimal"):
        value = _number(q, raw, language)
        cleaned = Cleaned(value, [("", "", "", value, None)])
    elif t in ("text", "long_text"):
        if not isinstance(raw, str):
            raw = str(raw)
        text = raw.strip()
        limit = q.max_length or (TEXT_MAX if t == "text" else LONG_TEXT_MAX)
        if len(text) > limit:
            raise AnswerError(
                _custom(q, language, _("Use at most %(n)s characters.") % {"n": limit}),
                "max_length",
            )
        if q.min_length and len(text) < q.min_length:
            raise AnswerError(
                _custom(q, language, _("Use at least %(n)s characters.") % {"n": q.min_length}),
                "min_length",
            )
        if q.pattern and not re.fullmatch(q.pattern, text):
            raise AnswerError(
                _custom(q, language, _("The answer does not have the expected format.")),
                "pattern",
            )
        cleaned = Cleaned(text, [("", "", text, None, None)])
    elif t == "date":
        try:
            value = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
        except ValueError:
            raise AnswerError(_("Enter a date as YYYY-MM-DD."), "date") from None
        cleaned = Cleaned(value.isoformat(), [("", "", "", None, value)])
    else:  # pragma: no cover - the model restricts the types
        raise AnswerError(_("Unknown question type."))
    return cleaned


def check_constraint(q: QuestionDef, cleaned: Cleaned, values: dict, language: str) -> None:
    if q.constraint_tree is not None and cleaned.answered:
        if not expressions.evaluate(q.constraint_tree, values, this=cleaned.value):
            raise AnswerError(
                _custom(q, language, _("This answer is not possible here.")), "constraint"
            )


def raw_from_rows(q: QuestionDef, rows: list[tuple]) -> tuple[object, str]:
    """``rows``: ``(row, choice, value_text, value_number, value_date)`` -> (raw, other text)."""
    other = ""
    t = q.type
    if not rows:
        return None, ""
    if t in ("single", "yes_no"):
        row = rows[0]
        if row[1] == OTHER:
            other = row[2]
        return row[1], other
    if t == "multiple":
        for row in rows:
            if row[1] == OTHER:
                other = row[2]
        return [row[1] for row in rows], other
    if t == "rating":
        row = rows[0]
        return (row[1] if row[1] else _as_int(row[3])), ""
    if t == "matrix":
        return {row[0]: row[1] for row in rows}, ""
    if t == "ranking":
        return [row[1] for row in sorted(rows, key=lambda r: r[3] or 0)], ""
    if t == "integer":
        return _as_int(rows[0][3]), ""
    if t == "decimal":
        return rows[0][3], ""
    if t == "date":
        return rows[0][4].isoformat() if rows[0][4] else None, ""
    return rows[0][2], ""


def _as_int(value):
    return int(value) if value is not None and value == int(value) else value
