"""The computation against hand-checked values (pure pandas, no database)."""

import math

import numpy as np
import pandas as pd
import pytest

from core import suppression
from monitoring import compute

BUND, LAND, KREIS, GEM_A, GEM_B = 1, 2, 3, 4, 5
RATE, COUNT = 10, 11
UNEMPLOYED, LABOUR, COURSES = 1, 2, 3


def row(series, territory, year, value, tg=0, order=99999999, **flags):
    code = {0: "", 7: "grp"}[tg]
    return {
        "series": series,
        "territory": territory,
        "year": year,
        "order": order,
        "target_group": tg,
        "cell": f"tg={code}|sex=|age=",
        "sex": "",
        "value": float(value),
        "suppressed": flags.get("suppressed", False),
        "provisional": False,
        "series_break": flags.get("series_break", False),
        "limited_validity": False,
    }


@pytest.fixture
def inputs():
    rows = []
    for year, (n0, n7) in zip(
        range(2020, 2024), [(50, 20), (48, 19), (45, 18), (40, 16)], strict=True
    ):
        rows += [row(UNEMPLOYED, KREIS, year, n0), row(LABOUR, KREIS, year, 1000)]
        rows += [row(UNEMPLOYED, KREIS, year, n7, tg=7), row(LABOUR, KREIS, year, 200, tg=7)]
        rows += [
            row(UNEMPLOYED, LAND, year, 600, series_break=year == 2022),
            row(LABOUR, LAND, year, 10000),
        ]
        rows += [
            row(UNEMPLOYED, BUND, year, 700 + 10 * (year - 2020)),
            row(LABOUR, BUND, year, 10000),
        ]
    # a flow reported twice in 2023 (summed) and a stock reported twice (last value counts)
    rows += [
        row(COURSES, GEM_A, 2023, 1, order=20230630),
        row(COURSES, GEM_A, 2023, 1, order=20231231),
    ]
    rows += [row(COURSES, GEM_B, 2023, 10), row(COURSES, KREIS, 2023, 12)]
    rows += [row(UNEMPLOYED, GEM_A, 2023, 2), row(LABOUR, GEM_A, 2023, 100)]
    rows += [row(UNEMPLOYED, GEM_B, 2023, 9), row(LABOUR, GEM_B, 2023, 19)]
    values = pd.DataFrame(rows)
    indicators = pd.DataFrame(
        [
            {
                "id": RATE,
                "numerator": UNEMPLOYED,
                "denominator": float(LABOUR),
                "factor": 100.0,
                "direction": -1,
                "denominator_scope": "same",
                "additive": True,
            },
            {
                "id": COUNT,
                "numerator": COURSES,
                "denominator": np.nan,
                "factor": 1.0,
                "direction": 1,
                "denominator_scope": "same",
                "additive": True,
            },
        ]
    )
    aggregation = {UNEMPLOYED: "last", LABOUR: "last", COURSES: "sum"}
    territories = pd.DataFrame(
        [
            {"id": BUND, "parent": np.nan, "land": np.nan, "bund": np.nan},
            {"id": LAND, "parent": BUND, "land": np.nan, "bund": BUND},
            {"id": KREIS, "parent": LAND, "land": LAND, "bund": BUND},
            {"id": GEM_A, "parent": KREIS, "land": LAND, "bund": BUND},
            {"id": GEM_B, "parent": KREIS, "land": LAND, "bund": BUND},
        ]
    )
    return values, indicators, aggregation, territories


def pick(result, indicator, territory, year, tg=0):
    found = result[
        (result["indicator"] == indicator)
        & (result["territory"] == territory)
        & (result["year"] == year)
        & (result["target_group"] == tg)
    ]
    assert len(found) == 1
    return found.iloc[0]


def test_rates_changes_cagr_and_gaps(inputs):
    result = compute.compute(*inputs)
    r = pick(result, RATE, KREIS, 2023)
    assert r["numerator"] == 40 and r["denominator"] == 1000
    assert r["value"] == pytest.approx(4.0)
    assert r["change_previous"] == pytest.approx(-0.5)
    assert r["change_base"] == pytest.approx(-1.0)
    assert r["cagr"] == pytest.approx((4.0 / 5.0) ** (1 / 3) - 1)
    assert r["gap_land"] == pytest.approx(-2.0)
    assert r["gap_bund"] == pytest.approx(4.0 - 7.3)
    assert math.isnan(r["gap_total"])
    group = pick(result, RATE, KREIS, 2023, tg=7)
    assert group["value"] == pytest.approx(8.0)
    assert group["gap_total"] == pytest.approx(4.0)
    assert math.isnan(pick(result, RATE, KREIS, 2020)["change_previous"])


def test_trend_categories_without_target(inputs):
    result = compute.compute(*inputs)
    # falling unemployment is the desired direction: about −7 % a year → on track
    assert pick(result, RATE, KREIS, 2023)["trend"] == compute.ON_TRACK
    # fewer than three periods: no trend
    assert pick(result, RATE, KREIS, 2021)["trend"] == ""
    # rising unemployment in Germany: 7.0 → 7.3 over 3 years = +1.4 % a year → deterioration
    assert pick(result, RATE, BUND, 2023)["trend"] == compute.DETERIORATION
    # a series break since the base year: no trend
    assert pick(result, RATE, LAND, 2022)["trend"] == ""
    assert pick(result, RATE, LAND, 2023)["trend"] == ""


def test_trend_with_target(inputs):
    targets = pd.DataFrame(
        [{"indicator": RATE, "target_group": 7, "territory": KREIS, "value": 4.0, "year": 2030}]
    )
    result = compute.compute(*inputs, targets=targets)
    # required: (4/10)^(1/10)−1 = −8.8 %/year; achieved: (8/10)^(1/3)−1 = −7.2 %/year → 0.82
    assert pick(result, RATE, KREIS, 2023, tg=7)["trend"] == compute.ACCELERATE
    reached = targets.assign(value=9.0)
    result = compute.compute(*inputs, targets=reached)
    assert pick(result, RATE, KREIS, 2023, tg=7)["trend"] == compute.ON_TRACK


def test_trend_thresholds_in_between(inputs):
    values, indicators, aggregation, territories = inputs
    slow = values[(values["territory"] == BUND)].copy()
    # 7.0 → 6.9 → 6.85 → 6.8 (−0.96 %/year in the desired direction): progress, but slow
    slow.loc[slow["series"] == UNEMPLOYED, "value"] = [700, 690, 685, 680]
    result = compute.compute(slow, indicators, aggregation, territories)
    assert pick(result, RATE, BUND, 2023)["trend"] == compute.ACCELERATE
    slow.loc[slow["series"] == UNEMPLOYED, "value"] = [700, 701, 702, 703]
    result = compute.compute(slow, indicators, aggregation, territories)
    assert pick(result, RATE, BUND, 2023)["trend"] == compute.LIMITED


def test_base_year_setting(inputs):
    result = compute.compute(*inputs, settings=compute.Settings(base_year=2021))
    r = pick(result, RATE, KREIS, 2023)
    assert r["change_base"] == pytest.approx(4.0 - 4.8)
    assert r["cagr"] == pytest.approx((4.0 / 4.8) ** (1 / 2) - 1)


def test_flows_are_summed_and_stocks_take_the_last_value(inputs):
    values, *rest = inputs
    extra = pd.DataFrame([row(LABOUR, GEM_A, 2023, 80, order=20230630)])
    result = compute.compute(pd.concat([values, extra], ignore_index=True), *rest)
    assert pick(result, COUNT, GEM_A, 2023)["numerator"] == 2  # 1 + 1
    assert pick(result, RATE, GEM_A, 2023)["denominator"] == 100  # December, not June


def test_small_counts_primary_and_secondary(inputs):
    result = compute.compute(*inputs)
    assert pick(result, COUNT, GEM_A, 2023)["suppression"] == "primary"  # 2
    # county 12 = 2 + 10: publishing 10 would reveal the 2, so one more cell is withheld
    hidden = {pick(result, COUNT, t, 2023)["suppression"] for t in (GEM_B, KREIS)}
    assert "secondary" in hidden
    for t in (GEM_A, GEM_B, KREIS):
        r = pick(result, COUNT, t, 2023)
        assert (r["suppression"] == "") == (r["published_value"] == r["value"])


def test_rates_from_too_few_cases_are_withheld(inputs):
    result = compute.compute(*inputs)
    few_cases = pick(result, RATE, GEM_A, 2023)  # 2 of 100
    small_base = pick(result, RATE, GEM_B, 2023)  # 9 of 19
    assert few_cases["suppression"] == "rate" and math.isnan(few_cases["published_value"])
    assert small_base["suppression"] == "rate"
    assert pick(result, RATE, KREIS, 2023)["published_value"] == pytest.approx(4.0)
    strict = compute.compute(*inputs, settings=compute.Settings(min_denominator=2000))
    assert pick(strict, RATE, KREIS, 2023)["suppression"] == "rate"


def test_secret_at_source_stays_secret(inputs):
    values, *rest = inputs
    values = values.copy()
    mask = (
        (values["series"] == UNEMPLOYED)
        & (values["territory"] == KREIS)
        & (values["year"] == 2023)
        & (values["target_group"] == 0)
    )
    values.loc[mask, "value"] = np.nan
    values.loc[mask, "suppressed"] = True
    result = compute.compute(values, *rest)
    assert pick(result, RATE, KREIS, 2023)["suppression"] == "source"


def generated(seed: int):
    """A county of two districts with three municipalities each: quarterly counts of people
    (small ones included) by sex, a stock with its total, in random row order."""
    rng = np.random.default_rng(seed)
    bund, land, districts = 100, 101, [102, 103]
    municipalities = {102: [110, 111, 112], 103: [113, 114, 115]}
    territories = [
        {"id": bund, "parent": np.nan, "land": np.nan, "bund": np.nan},
        {"id": land, "parent": bund, "land": np.nan, "bund": bund},
    ]
    for district in districts:
        territories.append({"id": district, "parent": land, "land": land, "bund": bund})
        for m in municipalities[district]:
            territories.append({"id": m, "parent": district, "land": land, "bund": bund})
    rows = []

    def add(series, territory, year, order, sex, value):
        rows.append(
            {
                "series": series,
                "territory": territory,
                "year": year,
                "order": order,
                "target_group": 0,
                "cell": f"tg=|sex={sex}|age=",
                "sex": sex,
                "value": float(value),
                "suppressed": False,
                "provisional": False,
                "series_break": False,
                "limited_validity": False,
            }
        )

    for year in range(2019, 2024):
        for quarter in range(4):
            order = year * 10000 + (quarter + 1) * 300 + 31
            # municipalities by sex, then every total as the sum of its parts
            counts = {
                (m, sex): int(rng.poisson(1.5))
                for ms in municipalities.values()
                for m in ms
                for sex in ("f", "m")
            }
            for district, ms in municipalities.items():
                for sex in ("f", "m"):
                    counts[(district, sex)] = sum(counts[(m, sex)] for m in ms)
            for top in (land, bund):
                for sex in ("f", "m"):
                    counts[(top, sex)] = sum(counts[(d, sex)] for d in districts)
            for (territory, sex), value in list(counts.items()):
                add(COURSES, territory, year, order, sex, value)
            for territory in {t for t, _s in counts}:
                add(
                    COURSES,
                    territory,
                    year,
                    order,
                    "",
                    counts[(territory, "f")] + counts[(territory, "m")],
                )
        for territory in [t["id"] for t in territories]:
            add(LABOUR, territory, year, 99999999, "", int(rng.integers(50, 5000)))
    values = pd.DataFrame(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    indicators = pd.DataFrame(
        [
            {
                "id": COUNT,
                "numerator": COURSES,
                "denominator": np.nan,
                "factor": 1.0,
                "direction": 1,
                "denominator_scope": "same",
                "additive": True,
            },
            {
                "id": RATE,
                "numerator": COURSES,
                "denominator": float(LABOUR),
                "factor": 1000.0,
                "direction": 1,
                "denominator_scope": "same",
                "additive": True,
            },
        ]
    )
    aggregation = {COURSES: "sum", LABOUR: "last"}
    return values, indicators, aggregation, pd.DataFrame(territories), municipalities


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_data_against_plain_loops(seed):
    """The vectorised computation against the arithmetic written out row by row: annual sums,
    rates, changes; no withheld count recoverable from the published ones; and the row order
    of the input does not matter."""
    values, indicators, aggregation, territories, municipalities = generated(seed)
    result = compute.compute(values, indicators, aggregation, territories)
    again = compute.compute(values.iloc[::-1], indicators, aggregation, territories)
    key = ["indicator", "territory", "year", "cell"]
    pd.testing.assert_frame_equal(
        result.sort_values(key, ignore_index=True).astype({"cell": str, "sex": str}),
        again.sort_values(key, ignore_index=True).astype({"cell": str, "sex": str}),
    )

    annual = values.groupby(["series", "territory", "year", "sex"])["value"].sum()
    labour = values[values["series"] == LABOUR].set_index(["territory", "year"])["value"]
    rows = {(r.indicator, r.territory, r.year, r.sex): r for r in result.itertuples(index=False)}
    for (indicator, territory, year, sex), r in rows.items():
        count = annual[(COURSES, territory, year, sex)]
        assert r.numerator == count
        if indicator == RATE and sex:
            assert math.isnan(r.value)  # the labour force is not broken down by sex
        elif indicator == RATE:
            assert r.value == pytest.approx(count / labour[(territory, year)] * 1000.0)
        else:
            assert r.value == count
        before = rows.get((indicator, territory, year - 1, sex))
        if before is None or math.isnan(r.value):
            assert math.isnan(r.change_previous)
        else:
            assert r.change_previous == pytest.approx(r.value - before.value)
        first = rows[(indicator, territory, 2019, sex)]
        if not math.isnan(r.value):
            assert r.change_base == pytest.approx(r.value - first.value)
        if year > 2019 and r.value > 0 and first.value > 0:
            growth = (r.value / first.value) ** (1 / (year - 2019)) - 1
            assert r.cagr == pytest.approx(growth)
        else:
            assert math.isnan(r.cagr)

    # small-count protection, checked by linear algebra on every table of the count
    parents = territories.dropna(subset=["parent"]).groupby("parent")["id"].apply(list)
    for year in range(2019, 2024):
        cells = {
            (territory, sex): r
            for (indicator, territory, y, sex), r in rows.items()
            if indicator == COUNT and y == year
        }
        equations = [((t, ""), [(t, "f"), (t, "m")]) for t, _s in cells if _s == ""]
        for parent, kids in parents.items():
            for sex in ("", "f", "m"):
                equations.append(((int(parent), sex), [(int(k), sex) for k in kids]))
        hidden = {cell for cell, r in cells.items() if r.suppression}
        small = {cell for cell, r in cells.items() if 0 < r.numerator < 3}
        assert small <= hidden
        assert suppression.recoverable(list(cells), equations, hidden) == set()
        for r in cells.values():
            assert (r.suppression == "") == (r.published_value == r.value)
