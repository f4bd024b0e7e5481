"""Number formatting of the results pages: the active language's format (German: 1.234,5)."""

from django import template

from core.numbers import localized, localized_day, localized_month

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


@register.filter
def day(value):
    """An ISO date as the active language writes it (German 03.05.2026)."""
    return localized_day(value)


@register.filter
def month(value):
    """An ISO month as the active language writes it (German Mai 2026)."""
    return localized_month(value)
