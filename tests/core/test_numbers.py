"""Number notation: German whatever the language, the active language, official files."""

import numpy as np
from django.utils import translation

from core import numbers


def test_german_cell_format():
    assert numbers.german(1234567.891, decimals=2) == "1.234.567,89"
    assert numbers.german(None) == "."
    assert numbers.german(float("nan")) == "."
    assert numbers.german(5.0, decimals=1) == "5,0"
    assert numbers.german(-1234.5, decimals=1) == "-1.234,5"


def test_localized_follows_the_language(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("de"):
        assert numbers.localized(1234.56) == "1.234,6"
        assert numbers.localized(1234.0) == "1.234"
        assert numbers.localized(5, 1, trim=False) == "5,0"
        assert numbers.localized(None) == "–"
        assert numbers.localized("") == "–"
    with translation.override("en"):
        assert numbers.localized(1234.56) == "1,234.6"


def test_decimal_comma_for_official_files():
    assert numbers.decimal_comma(1234.5) == "1234,5"
    assert numbers.decimal_comma(12.0) == "12"
    assert numbers.decimal_comma(np.int64(7)) == "7"
    assert numbers.decimal_comma(np.float64(0.25)) == "0,25"
    assert numbers.decimal_comma(None) == ""
    assert numbers.decimal_comma(np.nan) == ""


def test_plain_numbers_in_rules():
    assert numbers.plain(5.0) == "5"
    assert numbers.plain(2.5) == "2.5"
