"""Number formatting of the results pages: the active language's format (German: 1.234,5)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value, places=1):
    """A number with ``places`` decimals (trailing zeros of integers dropped), grouped."""
    if value is None or value == "":
        return "–"
    value = float(value)
    if value.is_integer() and places != "fixed":
        return number_format(int(value), 0, force_grouping=True)
    return number_format(round(value, int(places)), int(places), force_grouping=True)


@register.filter
def pct(value):
    if value is None:
        return "–"
    return number_format(round(float(value), 1), 1, force_grouping=True) + " %"
