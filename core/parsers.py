"""The API's JSON parser: DRF's, with limits that turn abusive bodies into a 400.

Python's ``json`` module parses any depth until the interpreter's recursion limit (then a
``RecursionError``, a 500) and any integer up to 4,300 digits; a 400-digit number reaches the
serializers and the database as a value no column holds. No legitimate request nests deeper
than a survey definition (a handful of levels) or needs a number beyond 64 bits.
"""

from __future__ import annotations

import codecs
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 30
MAX_INT = 2**63 - 1


class _Refused(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Refused(_("A number in the request has too many digits."))
    value = int(text)
    if abs(value) > MAX_INT:
        raise _Refused(_("A number in the request is too large."))
    return value


def _parse_float(text: str) -> float:
    mantissa = text.lower().split("e", 1)[0]
    if sum(c.isdigit() for c in mantissa) > MAX_NUMBER_DIGITS:
        raise _Refused(_("A number in the request has too many digits."))
    try:
        exact = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - json only hands over valid numbers
        raise _Refused(_("A number in the request is not valid.")) from exc
    if exact.is_finite() and abs(exact) > Decimal(MAX_INT):
        raise _Refused(_("A number in the request is too large."))
    return float(text)


def _refuse_constant(name: str):
    raise _Refused(_("%(value)s is not a valid number.") % {"value": name})


def _depth(data) -> int:
    """Nesting depth of parsed JSON, iteratively (the check itself must not recurse)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                parse_int=_parse_int,
                parse_float=_parse_float,
                parse_constant=_refuse_constant if api_settings.STRICT_JSON else None,
            )
        except _Refused as exc:
            raise ParseError(str(exc)) from exc
        except RecursionError as exc:
            raise ParseError(
                _("The request is nested deeper than %(n)s levels.") % {"n": MAX_DEPTH}
            ) from exc
        except ValueError as exc:
            message = _("The request is not valid JSON: %(error)s") % {"error": exc}
            raise ParseError(message) from exc
        if _depth(data) > MAX_DEPTH:
            raise ParseError(
                _("The request is nested deeper than %(n)s levels.") % {"n": MAX_DEPTH}
            )
        return data
