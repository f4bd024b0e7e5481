"""The survey condition language: a small, safe subset of XLSForm/LimeSurvey relevance.

Grammar (no ``eval``; a hand-written tokenizer and recursive-descent parser)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := comparison ("and" comparison)*
    comparison := operand (("=" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand    := NUMBER | "-" NUMBER | STRING | "${" code "}" | "." | "(" expr ")"
                | ("selected" | "count-selected" | "not" | "true" | "false") "(" args ")"

Values: an unanswered question is ``""``; single choice, yes/no ("yes"/"no") and "don't know"
give the choice code; multiple choice and ranking a list of codes; numbers a float; dates an
ISO string; ``.`` is the question's own answer (for constraints).

Comparisons: when one side is a number both are compared as numbers, and a side that is not a
number (e.g. unanswered) makes ``=``, ``<``, ``<=``, ``>``, ``>=`` false and ``!=`` true. Two
strings compare as numbers when both look like numbers, else as text. A list compares as its
codes joined by spaces (XLSForm's convention).

``static/surveys/js/expressions.js`` is a line-by-line port used for live show/hide in the
browser; ``tests/surveys/test_expressions.py`` checks that both agree on a table of cases.
The server is the source of truth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

FUNCTIONS = {"selected": 2, "count-selected": 1, "not": 1, "true": 0, "false": 0}
COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<var>\$\{\s*(?P<code>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\})
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[(),.\-])
    """,
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """A malformed condition. ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int | None = None):
        self.message = message
        self.position = position
        super().__init__(message)


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, var, op, name, punct, end
    value: str
    pos: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match:
            if source.startswith("${", pos):
                raise ExpressionError(
                    _("A question reference must look like ${code} (at character %(pos)s).")
                    % {"pos": pos + 1},
                    pos,
                )
            if source[pos] in "'\"":
                raise ExpressionError(
                    _("A text in quotes is not closed (at character %(pos)s).") % {"pos": pos + 1},
                    pos,
                )
            raise ExpressionError(
                _("Unexpected character %(char)s at character %(pos)s.")
                % {"char": repr(source[pos]), "pos": pos + 1},
                pos,
            )
        kind = match.lastgroup
        if kind == "code":  # the inner group of ``var``
            kind = "var"
        if kind != "ws":
            if kind == "var":
                value = match.group("code")
            elif kind == "string":
                value = match.group("string")[1:-1]
            else:
                value = match.group(kind)
            tokens.append(Token(kind, value, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, kind: str, value: str) -> Token:
        token = self.tok
        if token.kind != kind or token.value != value:
            raise ExpressionError(
                _("Expected %(expected)s at character %(pos)s, found %(found)s.")
                % {"expected": repr(value), "pos": token.pos + 1, "found": _describe(token)},
                token.pos,
            )
        return self.take()

    def parse(self) -> tuple:
        if self.tok.kind == "end":
            raise ExpressionError(_("The condition is empty."), 0)
        node = self.expr()
        if self.tok.kind != "end":
            raise ExpressionError(
                _("Unexpected %(found)s at character %(pos)s.")
                % {"found": _describe(self.tok), "pos": self.tok.pos + 1},
                self.tok.pos,
            )
        return node

    def expr(self) -> tuple:
        node = self.and_expr()
        while self.tok.kind == "name" and self.tok.value == "or":
            self.take()
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> tuple:
        node = self.comparison()
        while self.tok.kind == "name" and self.tok.value == "and":
            self.take()
            node = ("and", node, self.comparison())
        return node

    def comparison(self) -> tuple:
        node = self.operand()
        if self.tok.kind == "op":
            op = self.take().value
            node = ("cmp", op, node, self.operand())
            if self.tok.kind == "op":
                raise ExpressionError(
                    _("Comparisons cannot be chained (at character %(pos)s); use and/or.")
                    % {"pos": self.tok.pos + 1},
                    self.tok.pos,
                )
        return node

    def operand(self) -> tuple:
        token = self.tok
        if token.kind == "number":
            self.take()
            return ("num", float(token.value))
        if token.kind == "punct" and token.value == "-":
            self.take()
            number = self.tok
            if number.kind != "number":
                raise ExpressionError(
                    _("A minus sign must be followed by a number (at character %(pos)s).")
                    % {"pos": token.pos + 1},
                    token.pos,
                )
            self.take()
            return ("num", -float(number.value))
        if token.kind == "string":
            self.take()
            return ("str", token.value)
        if token.kind == "var":
            self.take()
            return ("var", token.value)
        if token.kind == "punct" and token.value == ".":
            self.take()
            return ("self",)
        if token.kind == "punct" and token.value == "(":
            self.take()
            node = self.expr()
            self.expect("punct", ")")
            return node
        if token.kind == "name":
            name = token.value
            if name in ("and", "or"):
                raise ExpressionError(
                    _("%(word)s at character %(pos)s needs a condition before it.")
                    % {"word": repr(name), "pos": token.pos + 1},
                    token.pos,
                )
            if name not in FUNCTIONS:
                raise ExpressionError(
                    _(
                        "Unknown function or word %(name)s at character %(pos)s. Known: "
                        "selected(), count-selected(), not(), and, or. Write question "
                        "references as ${code} and texts in quotes."
                    )
                    % {"name": repr(name), "pos": token.pos + 1},
                    token.pos,
                )
            self.take()
            self.expect("punct", "(")
            args: list[tuple] = []
            if not (self.tok.kind == "punct" and self.tok.value == ")"):
                args.append(self.expr())
                while self.tok.kind == "punct" and self.tok.value == ",":
                    self.take()
                    args.append(self.expr())
            self.expect("punct", ")")
            if len(args) != FUNCTIONS[name]:
                raise ExpressionError(
                    _("%(name)s() takes %(n)s argument(s), not %(given)s (at character %(pos)s).")
                    % {
                        "name": name,
                        "n": FUNCTIONS[name],
                        "given": len(args),
                        "pos": token.pos + 1,
                    },
                    token.pos,
                )
            return ("call", name, tuple(args))
        raise ExpressionError(
            _("Expected a value at character %(pos)s, found %(found)s.")
            % {"pos": token.pos + 1, "found": _describe(token)},
            token.pos,
        )


def _describe(token: Token) -> str:
    if token.kind == "end":
        return _("the end of the condition")
    return repr(token.value)


@lru_cache(maxsize=4096)
def parse(source: str) -> tuple:
    """Parse a condition into a tree of tuples; raises ``ExpressionError`` with a clear message."""
    return _Parser(source.strip()).parse()


def references(source_or_tree: str | tuple) -> set[str]:
    """The question codes a condition refers to."""
    tree = parse(source_or_tree) if isinstance(source_or_tree, str) else source_or_tree
    found: set[str] = set()

    def walk(node):
        if node[0] == "var":
            found.add(node[1])
        elif node[0] == "cmp":
            walk(node[2])
            walk(node[3])
        elif node[0] in ("and", "or"):
            walk(node[1])
            walk(node[2])
        elif node[0] == "call":
            for arg in node[2]:
                walk(arg)

    walk(tree)
    return found


def uses_self(source: str) -> bool:
    def walk(node) -> bool:
        if node[0] == "self":
            return True
        if node[0] == "cmp":
            return walk(node[2]) or walk(node[3])
        if node[0] in ("and", "or"):
            return walk(node[1]) or walk(node[2])
        if node[0] == "call":
            return any(walk(arg) for arg in node[2])
        return False

    return walk(parse(source))


# --- evaluation ---------------------------------------------------------------------------


def _to_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?(\d+(\.\d+)?|\.\d+)", text):
            return float(text)
    return None


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return " ".join(_to_text(v) for v in value)
    if value is None:
        return ""
    return str(value)


def _items(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [_to_text(v) for v in value]
    text = _to_text(value)
    return text.split() if text else []


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (list, tuple)):
        return len(value) > 0
    return bool(value)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, (list, tuple)):
        left = _to_text(left)
    if isinstance(right, (list, tuple)):
        right = _to_text(right)
    numeric = isinstance(left, (int, float)) or isinstance(right, (int, float))
    a = _to_number(left)
    b = _to_number(right)
    if numeric and (a is None or b is None):
        return op == "!="
    if not numeric:
        if op in ("=", "!="):
            same = _to_text(left) == _to_text(right)
            return same if op == "=" else not same
        if a is None or b is None:
            a, b = _to_text(left), _to_text(right)
    if op == "=":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _eval(node: tuple, values: dict, this: Any) -> Any:
    kind = node[0]
    if kind == "num" or kind == "str":
        return node[1]
    if kind == "var":
        value = values.get(node[1], "")
        return "" if value is None else value
    if kind == "self":
        return "" if this is None else this
    if kind == "cmp":
        return _compare(node[1], _eval(node[2], values, this), _eval(node[3], values, this))
    if kind == "and":
        return truthy(_eval(node[1], values, this)) and truthy(_eval(node[2], values, this))
    if kind == "or":
        return truthy(_eval(node[1], values, this)) or truthy(_eval(node[2], values, this))
    name, args = node[1], node[2]
    if name == "selected":
        return _to_text(_eval(args[1], values, this)) in _items(_eval(args[0], values, this))
    if name == "count-selected":
        return float(len(_items(_eval(args[0], values, this))))
    if name == "not":
        return not truthy(_eval(args[0], values, this))
    return name == "true"


def evaluate(source: str | tuple, values: dict, this: Any = None) -> bool:
    """Evaluate a condition against ``{code: value}``; an empty condition is true."""
    if isinstance(source, str):
        if not source.strip():
            return True
        source = parse(source)
    return truthy(_eval(source, values, this))


def _literal(node: tuple) -> str | None:
    if node[0] == "str":
        return node[1]
    if node[0] == "num":
        value = node[1]
        return str(int(value)) if float(value).is_integer() else str(value)
    return None


def compared_values(source_or_tree: str | tuple) -> list[tuple[str, str]]:
    """(question code, value) for every place the condition tests an answer for one value:
    ``${q} = 'x'``, ``'x' != ${q}`` and ``selected(${q}, 'x')``. Comparing with ``''`` tests
    whether the question was answered and is not listed."""
    tree = parse(source_or_tree) if isinstance(source_or_tree, str) else source_or_tree
    found: list[tuple[str, str]] = []

    def walk(node):
        if node[0] == "cmp":
            _op, left, right = node[1:]
            if node[1] in ("=", "!="):
                for var, other in ((left, right), (right, left)):
                    value = _literal(other)
                    if var[0] == "var" and value not in (None, ""):
                        found.append((var[1], value))
            walk(left)
            walk(right)
        elif node[0] in ("and", "or"):
            walk(node[1])
            walk(node[2])
        elif node[0] == "call":
            args = node[2]
            if node[1] == "selected" and args[0][0] == "var":
                value = _literal(args[1])
                if value not in (None, ""):
                    found.append((args[0][1], value))
            for arg in args:
                walk(arg)

    walk(tree)
    return found


def check_values(tree: tuple, codes: dict[str, list[str] | None]) -> None:
    """Refuse a comparison with a value that the question cannot have: ``codes`` maps a
    question code to its answer codes (None: any value, e.g. a number or a text)."""
    for code, value in compared_values(tree):
        valid = codes.get(code)
        if valid is not None and value not in valid:
            raise ExpressionError(
                _(
                    "${%(code)s} is compared with %(value)s, which is not one of its answer "
                    "codes, so the condition would never hold. Its codes are: %(valid)s."
                )
                % {
                    "code": code,
                    "value": repr(value),
                    "valid": ", ".join(repr(c) for c in valid) or "–",
                }
            )


def validate(
    source: str,
    *,
    known: set[str] | None = None,
    allow_self: bool = False,
    codes: dict[str, list[str] | None] | None = None,
) -> None:
    """Raise ``ExpressionError`` if ``source`` is malformed, refers to codes not in ``known``,
    or (given ``codes``, see ``check_values``) compares an answer with a value it cannot have."""
    if not source.strip():
        return
    tree = parse(source)
    if known is not None:
        unknown = sorted(references(tree) - known)
        if unknown:
            raise ExpressionError(
                _("The condition refers to %(codes)s, which is not an earlier question.")
                % {"codes": ", ".join("${" + code + "}" for code in unknown)}
            )
    if not allow_self and uses_self(source):
        raise ExpressionError(_("Only a constraint may use '.' (the answer itself)."))
    if codes is not None:
        check_values(tree, codes)


# --- building conditions from parts (the designer's condition builder) ----------------------

#: operator -> how it reads; "selected" needs a value, "answered" none.
BUILDER_OPERATORS = (
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "selected",
    "not_selected",
    "answered",
    "not_answered",
)
NEEDS_NO_VALUE = ("answered", "not_answered")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def quote(value: str) -> str:
    """A value as a literal of the condition language: numbers bare, texts in quotes."""
    if _NUMBER.match(value):
        return value
    if "'" in value and '"' in value:
        raise ExpressionError(_("A value cannot contain both kinds of quotes."))
    return f'"{value}"' if "'" in value else f"'{value}'"


def build(code: str, operator: str, value: str = "") -> str:
    """One condition from a question code, an operator of ``BUILDER_OPERATORS`` and a value."""
    ref = "${" + code + "}"
    value = (value or "").strip()
    if operator == "answered":
        return f"{ref} != ''"
    if operator == "not_answered":
        return f"{ref} = ''"
    if operator not in BUILDER_OPERATORS:
        raise ExpressionError(_("Unknown operator %(op)s.") % {"op": repr(operator)})
    if not value:
        raise ExpressionError(_("Choose or enter the value to compare with."))
    if operator == "selected":
        return f"selected({ref}, {quote(value)})"
    if operator == "not_selected":
        return f"not(selected({ref}, {quote(value)}))"
    return f"{ref} {operator} {quote(value)}"


def combine(existing: str, addition: str, joiner: str = "and") -> str:
    """``existing`` joined with ``addition`` by ``and``/``or``, bracketed where the joiner
    would otherwise bind differently than it reads."""
    existing = (existing or "").strip()
    if not existing:
        return addition
    if joiner not in ("and", "or"):
        raise ExpressionError(_("Join conditions with and or or."))
    tree = parse(existing)
    if joiner == "and" and tree[0] == "or":
        existing = f"({existing})"
    return f"{existing} {joiner} {addition}"
