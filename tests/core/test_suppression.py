"""Small-count protection over any system of sums: primary and secondary suppression, proven
with hypothesis."""

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import suppression

PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def table_2d(cells: list[list[int]]):
    """An r×c table with row totals, column totals and the grand total, and its equations."""
    rows, cols = len(cells), len(cells[0])
    values = {}
    for i, j in itertools.product(range(rows), range(cols)):
        values[(i, j)] = cells[i][j]
    for i in range(rows):
        values[(i, "T")] = sum(cells[i])
    for j in range(cols):
        values[("T", j)] = sum(cells[i][j] for i in range(rows))
    values[("T", "T")] = sum(map(sum, cells))
    equations = [((i, "T"), [(i, j) for j in range(cols)]) for i in range(rows)]
    equations += [(("T", j), [(i, j) for i in range(rows)]) for j in range(cols)]
    equations.append((("T", "T"), [("T", j) for j in range(cols)]))
    equations.append((("T", "T"), [(i, "T") for i in range(rows)]))
    return values, equations


small_counts = st.integers(min_value=0, max_value=12)


@PROPERTY
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda r: st.integers(min_value=1, max_value=5).flatmap(
            lambda c: st.lists(
                st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r
            )
        )
    )
)
def test_no_suppressed_cell_of_a_2d_table_can_be_recovered(cells):
    values, equations = table_2d(cells)
    first, second = suppression.protect(values, equations, min_count=3)
    hidden = first | second
    # every small count (1 or 2) is hidden …
    assert {c for c, v in values.items() if 0 < v < 3} <= hidden
    # … and no hidden cell is determined by the published cells and the equations
    assert suppression.recoverable(list(values), equations, hidden) == set()
    assert not first & second


@PROPERTY
@given(st.lists(st.lists(small_counts, min_size=1, max_size=6), min_size=1, max_size=5))
def test_no_suppressed_cell_of_a_two_level_hierarchy_can_be_recovered(families):
    """County = sum of municipalities, each municipality = sum of its parts; Land = counties."""
    values, equations = {}, []
    counties = []
    for k, parts in enumerate(families):
        for p, value in enumerate(parts):
            values[("part", k, p)] = value
        values[("county", k)] = sum(parts)
        equations.append((("county", k), [("part", k, p) for p in range(len(parts))]))
        counties.append(("county", k))
    values[("land",)] = sum(map(sum, families))
    equations.append((("land",), counties))
    first, second = suppression.protect(values, equations)
    hidden = first | second
    assert {c for c, v in values.items() if 0 < v < 3} <= hidden
    assert suppression.recoverable(list(values), equations, hidden) == set()


@PROPERTY
@given(
    st.lists(
        st.lists(st.tuples(small_counts, small_counts), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_no_suppressed_cell_of_a_territory_tree_by_sex_can_be_recovered(counties):
    """The monitoring's tables: Land = counties = municipalities, each territory's total =
    women + men, every level by sex as well as in total."""
    values, equations = {}, []

    def territory(key, women, men):
        values[(key, "f")], values[(key, "m")] = women, men
        values[(key, "")] = women + men
        equations.append(((key, ""), [(key, "f"), (key, "m")]))

    land = {"f": 0, "m": 0}
    for k, municipalities in enumerate(counties):
        county = {"f": 0, "m": 0}
        for g, (women, men) in enumerate(municipalities):
            territory(("gem", k, g), women, men)
            county["f"] += women
            county["m"] += men
        territory(("kreis", k), county["f"], county["m"])
        for sex in ("", "f", "m"):
            equations.append(
                ((("kreis", k), sex), [(("gem", k, g), sex) for g in range(len(municipalities))])
            )
        land["f"] += county["f"]
        land["m"] += county["m"]
    territory(("land",), land["f"], land["m"])
    for sex in ("", "f", "m"):
        equations.append(((("land",), sex), [(("kreis", k), sex) for k in range(len(counties))]))
    first, second = suppression.protect(values, equations)
    hidden = first | second
    assert {c for c, v in values.items() if 0 < v < 3} <= hidden
    assert suppression.recoverable(list(values), equations, hidden) == set()


def test_every_equation_with_one_hidden_cell_gets_its_cheapest_partner():
    # a is alone in both equations; each gets its own cheapest published part
    values = {"T1": 10, "a": 1, "b": 4, "c": 5, "T2": 8, "d": 7}
    equations = [("T1", ["a", "b", "c"]), ("T2", ["a", "d"])]
    first, second = suppression.protect(values, equations)
    assert first == {"a"} and second == {"b", "d"}
    assert suppression.recoverable(list(values), equations, first | second) == set()


def test_cells_given_away_only_by_a_combination_of_equations_get_more_partners(monkeypatch):
    # x + y, x + z and y + z published: after the partners y and z every equation has two
    # hidden cells, yet x = (A + B - C) / 2; the step-by-step check must find and fix it
    values = {"x": 1, "y": 5, "z": 6, "A": 6, "B": 7, "C": 11}
    equations = [("A", ["x", "y"]), ("B", ["x", "z"]), ("C", ["y", "z"])]
    settled = []
    original = suppression._settle_step_by_step
    monkeypatch.setattr(
        suppression,
        "_settle_step_by_step",
        lambda *args: (settled.append(True), original(*args))[1],
    )
    first, second = suppression.protect(values, equations)
    assert settled
    assert first == {"x"} and {"y", "z"} < second
    assert suppression.recoverable(list(values), equations, first | second) == set()


def test_independent_tables_in_one_system_keep_their_own_results():
    one = {"T": 10, "a": 1, "b": 4, "c": 5}
    alone = suppression.protect(one, [("T", ["a", "b", "c"])])
    both = {**one, **{(k, 2): v for k, v in one.items()}}
    equations = [("T", ["a", "b", "c"]), (("T", 2), [("a", 2), ("b", 2), ("c", 2)])]
    first, second = suppression.protect(both, equations)
    assert {c for c in first if isinstance(c, str)} == alone[0]
    assert {c for c in second if isinstance(c, str)} == alone[1]
    assert {c[0] for c in second if isinstance(c, tuple)} == alone[1]


def test_a_large_block_of_hidden_cells_is_checked_at_its_own_size():
    # 12 × 12 small counts: one block of 144 hidden cells linked by rows and columns
    values, equations = table_2d([[1] * 12 for _ in range(12)])
    first, second = suppression.protect(values, equations)
    assert len(first) == 144 and not second
    assert suppression.recoverable(list(values), equations, first) == set()


def test_a_lone_small_cell_gets_a_partner():
    values = {"T": 10, "a": 1, "b": 4, "c": 5}
    first, second = suppression.protect(values, [("T", ["a", "b", "c"])])
    assert first == {"a"}
    assert second == {"b"}  # the smallest other positive part, not the total


def test_recovery_through_combined_equations_is_detected():
    # rows: a+b=R1, c+d=R2; columns: a+c=C1, b+d=C2. Hiding a and b only lets C1 - c reveal a.
    values = {"a": 1, "b": 5, "c": 6, "d": 7, "R1": 6, "R2": 13, "C1": 7, "C2": 12}
    equations = [("R1", ["a", "b"]), ("R2", ["c", "d"]), ("C1", ["a", "c"]), ("C2", ["b", "d"])]
    assert suppression.recoverable(list(values), equations, {"a", "b"}) == {"a", "b"}
    first, second = suppression.protect(values, equations)
    assert suppression.recoverable(list(values), equations, first | second) == set()
    assert {"a", "b", "c", "d"} <= first | second  # greedy: safe, not always minimal


def test_zero_and_large_counts_are_published():
    first, second = suppression.protect({"T": 30, "a": 0, "b": 30}, [("T", ["a", "b"])])
    assert first == set() and second == set()


def test_threshold_is_a_parameter():
    first, _second = suppression.protect({"a": 4, "b": 10}, [], min_count=5)
    assert first == {"a"}


def test_rate_rules():
    assert suppression.rate_publishable(3, 20)
    assert not suppression.rate_publishable(2, 100)
    assert not suppression.rate_publishable(10, 19)
    assert not suppression.rate_publishable(None, 100)
    assert suppression.rate_publishable(5, 40, min_numerator=5, min_denominator=40)


def test_thresholds_one_settings_family(settings):
    assert suppression.thresholds() == suppression.Thresholds(3, 5, 3, 20)
    settings.SUPPRESSION_MIN_COUNT = 4
    settings.SUPPRESSION_SURVEY_MIN_COUNT = 10
    settings.SUPPRESSION_MIN_NUMERATOR = 6
    settings.SUPPRESSION_MIN_DENOMINATOR = 50
    assert suppression.thresholds() == suppression.Thresholds(4, 10, 6, 50)


def test_small_counts():
    assert [suppression.is_small(v, 3) for v in (0, 1, 2, 3, None, float("nan"))] == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
