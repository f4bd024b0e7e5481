"""Number formatting of the results pages: the active language's format (German: 1.234,5)."""

from django import template

from core.numbers import localized

register = template.Library()


@register.filter
def num(value, places=1):
    """A number with ``places`` decimals (trailing zeros of integers dropped), grouped."""
    return localized(value, places, trim=places != "fixed")


@register.filter
def pct(value):
    if value is None:
        return "–"
    return localized(value, 1, trim=False) + " %"
