"""Reading the three delivery formats, including the messy real-world Open SDG samples."""

import glob
from datetime import date

import pytest

from monitoring import parsing

SAMPLES = "/work/shared/samples/opensdg"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2024", ("2024", 2024, None, "2024")),
        ("Juni 2007", ("2007-06-30", 2007, date(2007, 6, 30), "Juni 2007")),
        ("März 2020", ("2020-03-31", 2020, date(2020, 3, 31), "März 2020")),
        ("2023-06", ("2023-06-30", 2023, date(2023, 6, 30), "2023-06")),
        ("31.12.2022", ("2022-12-31", 2022, date(2022, 12, 31), "31.12.2022")),
        ("Sommer 2020", None),
        ("20x4", None),
        ("2023-13", None),
    ],
)
def test_periods(text, expected):
    assert parsing.parse_period(text) == expected


@pytest.mark.parametrize("path", sorted(glob.glob(f"{SAMPLES}/indicator_*.csv")))
def test_every_sample_parses_without_rejections(path):
    with open(path, "rb") as handle:
        parsed = parsing.parse_opensdg(handle.read(), name=path)
    assert parsed.rejected == []
    assert len(parsed.frame) == parsed.rows_read > 100
    assert not any(c.startswith("\ufeff") for c in parsed.frame.columns)


def test_sample_details_bom_months_comments_units():
    data = open(f"{SAMPLES}/indicator_5-3-2.csv", "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = parsing.parse_opensdg(data, name="indicator_5-3-2.csv").frame
    first = frame.iloc[0]
    assert first["period"] == "2007-06-30" and first["period_label"] == "Juni 2007"
    assert first["value"] == 8.5
    # "Geschlecht" holds age groups too, so it stays a named breakdown
    assert "Geschlecht" in frame.iloc[-1]["dimensions"] and frame["sex"].eq("").all()

    comments = parsing.parse_opensdg(
        open(f"{SAMPLES}/indicator_1-3-4.csv", "rb").read(), name="indicator_1-3-4.csv"
    ).frame
    flagged = comments[comments["comment"].str.contains("Aussagewert")]
    assert len(flagged) and flagged["limited_validity"].all()
    hidden = comments[comments["comment"].str.contains("Nicht veröffentlicht")]
    assert len(hidden) and hidden["value"].isna().all() and hidden["suppressed"].all()

    units = parsing.parse_opensdg(
        open(f"{SAMPLES}/indicator_4-1-4.csv", "rb").read(), name="indicator_4-1-4.csv"
    ).frame
    assert set(units["series"]) == {"opensdg-4-1-4-anzahl", "opensdg-4-1-4-prozent"}
    assert set(units["territory"]) >= {"03101", "03241001"}


def test_opensdg_trailing_empty_columns_and_decimal_comma():
    data = (
        "\ufeffYear,Geschlecht,GeoCode,Value,,\n"
        '2023,,K03101,"12,5",,\n'
        "2023,weiblich,K03101,6.25,,\n"
    ).encode("utf-8")
    parsed = parsing.parse_opensdg(data, name="indicator_x.csv")
    assert parsed.rejected == []
    assert list(parsed.frame["value"]) == [12.5, 6.25]
    assert list(parsed.frame["sex"]) == ["", "f"]


def test_opensdg_missing_value_column_is_a_file_error():
    with pytest.raises(parsing.ParseError, match="Value"):
        parsing.parse_opensdg(b"Year,GeoCode,Wert\n2020,K1,3\n", name="indicator_x.csv")


def test_official_symbols_and_numbers():
    data = (
        "Statistik XY, Tabelle 1\n"
        "\n"
        "Jahr;AGS;Reihe;Wert\n"
        "2023;05754;bevoelkerung;1.234.567\n"
        "2023;05754004;bevoelkerung;12,5\n"
        "2023;05754008;bevoelkerung;.\n"
        "2023;05754012;bevoelkerung;-\n"
        "2023;05754016;bevoelkerung;x\n"
        "2023;05754020;bevoelkerung;/\n"
        "2023;05754024;bevoelkerung;(17)\n"
        "2023;05754028;bevoelkerung;*\n"
        "2023;05754032;bevoelkerung;245 p\n"
        "2023;05754036;bevoelkerung;|300\n"
        "__________\n"
        "Quelle: Demo\n"
    ).encode("cp1252")
    parsed = parsing.parse_official(data, known_series=set())
    assert parsed.rejected == []
    rows = parsed.frame.set_index("territory")
    assert rows.loc["05754", "value"] == 1234567
    assert rows.loc["05754004", "value"] == 12.5
    assert (
        rows.loc["05754008", "suppressed"]
        and rows.loc["05754008", "value"] != rows.loc["05754008", "value"]
    )
    assert rows.loc["05754012", "value"] == 0 and rows.loc["05754012", "symbol"] == "-"
    assert rows.loc["05754016", "symbol"] == "x" and not rows.loc["05754016", "suppressed"]
    assert rows.loc["05754020", "suppressed"]
    assert rows.loc["05754024", "value"] == 17 and rows.loc["05754024", "limited_validity"]
    assert rows.loc["05754028", "suppressed"]
    assert rows.loc["05754032", "value"] == 245 and rows.loc["05754032", "provisional"]
    assert rows.loc["05754036", "value"] == 300 and rows.loc["05754036", "series_break"]


def test_official_bad_rows_are_listed_with_line_and_reason():
    data = (
        "Jahr;AGS;Reihe;Wert\n"
        "2023;05754;bevoelkerung;zwölf\n"
        "20X3;05754;bevoelkerung;1\n"
        "2023;05754004;bevoelkerung;5\n"
        "2023;05754004;bevoelkerung;6\n"
    ).encode()
    parsed = parsing.parse_official(data, known_series=set())
    reasons = {r["row"]: r["reason"] for r in parsed.rejected}
    assert reasons[2].startswith("not a number")
    assert reasons[3].startswith("period not understood")
    assert reasons[5] == "duplicate of row 4"
    assert len(parsed.frame) == 1


def test_official_without_territory_column_is_a_file_error():
    with pytest.raises(parsing.ParseError, match="territory key"):
        parsing.parse_official(b"Jahr;Gebiet;Wert\n2023;X;1\n", known_series=set())


def test_empty_files():
    for parse in (
        lambda d: parsing.parse_official(d, known_series=set()),
        lambda d: parsing.parse_opensdg(d, name="indicator_x.csv"),
        lambda d: parsing.parse_xlsx(d, known_series=set()),
    ):
        with pytest.raises(parsing.ParseError):
            parse(b"")


def test_sniff_format():
    assert parsing.sniff_format("a.xlsx", b"PK\x03") == "xlsx"
    assert parsing.sniff_format("a.csv", b"Jahr;AGS;Wert\n") == "official"
    assert parsing.sniff_format("a.csv", b"Year,GeoCode,Value\n") == "opensdg"


def test_metadata_front_matter():
    meta = parsing.read_metadata(open(f"{SAMPLES}/meta_1-2-3.md", encoding="utf-8").read())
    assert meta["indicator_number"] == "1.2.3"
    with pytest.raises(parsing.ParseError):
        parsing.read_metadata("no front matter")
