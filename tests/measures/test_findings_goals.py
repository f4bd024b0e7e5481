"""Findings with cited evidence (kept and compared, suppression holds), goals and roll-up."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from measures import rollup, selectors, services
from measures.models import Evidence, FieldOfActionArea, Finding
from monitoring import services as monitoring_services
from monitoring.models import Indicator, IndicatorValue, Target, Territory
from participation.models import FieldOfAction, TargetGroup
from tests.monitoring.conftest import official, run_import
from tests.monitoring.test_views import SMALL


@pytest.fixture
def figures(standard, proc):
    report = run_import(SMALL, process=proc)
    assert report.applied, report.rejected
    monitoring_services.indicators_compute()


@pytest.fixture
def finding(proc, staff, language):
    return services.finding_save(
        user=staff,
        process=proc,
        field_of_action=language,
        title="Sprachkurse",
        current_state="Wartelisten sind lang [1].",
        target_state="Kurse für alle [2].",
    )


def test_finding_without_evidence_is_allowed_but_flagged(finding, staff, proc):
    rows = list(selectors.finding_list(user=staff, process=proc, filters={"without_evidence": 1}))
    assert rows == [finding] and rows[0].evidence_count == 0


def test_cite_statement_numbers_references(finding, staff, ideas):
    first = services.evidence_cite_statement(user=staff, finding=finding, statement=ideas[0])
    second = services.evidence_cite_statement(user=staff, finding=finding, statement=ideas[1])
    assert (first.number, second.number) == (1, 2)
    assert "Konferenzkarte" in first.cited_label or "Conference card" in first.cited_label


def test_cite_statement_of_other_process_refused(finding, staff, other_staff):
    from participation.services import statement_create
    from tests.factories import ProcessFactory

    other = ProcessFactory()
    foreign = statement_create(process=other, text="fremd")
    with pytest.raises(ValidationError):
        services.evidence_cite_statement(user=staff, finding=finding, statement=foreign)
    with pytest.raises(PermissionDenied):
        services.evidence_cite_statement(user=other_staff, finding=finding, statement=foreign)
    assert not Evidence.objects.exists()


def test_indicator_value_is_kept_and_compared_with_today(figures, finding, staff, proc):
    w2 = Indicator.objects.get(code="W2")
    home = Territory.objects.get(key="05754")
    e = services.evidence_cite_indicator_value(
        user=staff, finding=finding, indicator=w2, territory=home, year=2023
    )
    assert e.cited_value == pytest.approx(4.6, abs=0.05) and not e.cited_suppressed
    # A newer delivery changes the figure: the citation keeps the old one, today shows the new.
    run_import(
        official(["2023;05754;;arbeitslose;9.000", "2023;05754;;erwerbspersonen;173.883"]),
        process=proc,
    )
    monitoring_services.indicators_compute()
    e.refresh_from_db()
    today = selectors.today_values([e])[e.pk]
    assert e.cited_value == pytest.approx(4.6, abs=0.05)
    assert today["value"] == pytest.approx(5.2, abs=0.05) and today["changed"]


def test_suppressed_indicator_value_stays_suppressed_when_cited(figures, finding, staff):
    w2 = Indicator.objects.get(code="W2")
    raw = IndicatorValue.objects.get(
        indicator=w2, territory__key="05754", year=2023, target_group__code="immigrants"
    )
    assert raw.value is not None and raw.published_value is None
    e = services.evidence_cite_indicator_value(
        user=staff,
        finding=finding,
        indicator=w2,
        territory=raw.territory,
        year=2023,
        target_group=TargetGroup.objects.get(code="immigrants"),
    )
    assert e.cited_suppressed and e.cited_value is None
    assert selectors.today_values([e])[e.pk]["value"] is None


def test_indicator_outside_the_process_territory_refused(figures, finding, staff):
    # every German territory is in the register (monitoring migration 0004)
    outside, _created = Territory.objects.get_or_create(
        key="09162", defaults={"name": "München", "level": "kreis"}
    )
    with pytest.raises(ValidationError) as error:
        services.evidence_cite_indicator_value(
            user=staff,
            finding=finding,
            indicator=Indicator.objects.get(code="W2"),
            territory=outside,
            year=2023,
        )
    assert "territory" in error.value.message_dict


def test_missing_indicator_value_refused(figures, finding, staff):
    with pytest.raises(ValidationError) as error:
        services.evidence_cite_indicator_value(
            user=staff,
            finding=finding,
            indicator=Indicator.objects.get(code="W2"),
            territory=Territory.objects.get(key="05754"),
            year=1999,
        )
    assert "year" in error.value.message_dict


def test_survey_figure_is_protected_and_kept(
    proc, staff, finding, django_capture_on_commit_callbacks
):
    from surveys.services import definition as defs
    from tests.surveys.conftest import all_types_definition
    from tests.surveys.results_helpers import submit_random

    survey = defs.survey_create_from_definition(
        user=None, process=proc, definition=all_types_definition(), status="open"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit_random(survey, 3)
    e = services.evidence_cite_survey_figure(
        user=staff, finding=finding, survey=survey, version_number=1, question_code="resident"
    )
    # three answers are below the minimum cell count: nothing is shown, also not when cited
    assert e.cited_suppressed and e.cited_value is None
    assert all(c.get("count") is None for c in e.cited_figure.get("choices", []))
    with django_capture_on_commit_callbacks(execute=True):
        submit_random(survey, 20, seed=2)
    today = selectors.today_values([e])[e.pk]
    assert today["value"] and not today["suppressed"] and today["changed"]
    with pytest.raises(ValidationError) as error:
        services.evidence_cite_survey_figure(
            user=staff, finding=finding, survey=survey, version_number=1, question_code="nope"
        )
    assert "question_code" in error.value.message_dict


def test_finding_edit_conflict(finding, member, proc):
    a, b = member("staff"), member("staff")
    v = finding.version
    services.finding_save(
        user=a, process=proc, finding=Finding.objects.get(pk=finding.pk), version=v, title="A"
    )
    with pytest.raises(services.EditConflict):
        services.finding_save(
            user=b, process=proc, finding=Finding.objects.get(pk=finding.pk), version=v, title="B"
        )
    assert Finding.objects.get(pk=finding.pk).title == "A"


def test_area_links_seeded_and_indicators_of_the_field_first(standard, language):
    services.field_of_action_areas_seed()
    assert set(
        FieldOfActionArea.objects.filter(field_of_action=language).values_list(
            "area__code", flat=True
        )
    ) == {"language"}
    first = selectors.indicators_for(language)[0]
    assert first.area.code == "language"


def test_area_links_editable_by_platform_administrators_only(
    standard, staff, facilitator, language
):
    from monitoring.models import Area
    from tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        services.field_of_action_areas_set(user=staff, field_of_action=language, areas=[])
    services.field_of_action_areas_set(
        user=UserFactory(is_superuser=True),
        field_of_action=language,
        areas=[Area.objects.get(code="education")],
    )
    assert list(
        FieldOfActionArea.objects.filter(field_of_action=language).values_list(
            "area__code", flat=True
        )
    ) == ["education"]
    with pytest.raises(PermissionDenied):
        services.field_of_action_areas_set(user=facilitator, field_of_action=language, areas=[])


def test_operational_goal_takes_target_and_baseline_from_data(figures, proc, staff, language):
    w2 = Indicator.objects.get(code="W2")
    target = Target.objects.create(process=proc, indicator=w2, value=4.0, year=2030)
    sg = services.strategic_goal_save(
        user=staff, process=proc, field_of_action=language, title="Arbeit für alle"
    )
    og = services.operational_goal_save(
        user=staff, strategic_goal=sg, title="Quote senken", target=target
    )
    assert og.indicator == w2
    assert og.baseline_year == 2023 and og.baseline_value == pytest.approx(4.6, abs=0.05)


def test_target_of_other_process_refused(figures, proc, staff, language):
    from tests.factories import ProcessFactory

    other = ProcessFactory()
    target = Target.objects.create(
        process=other, indicator=Indicator.objects.get(code="W2"), value=1, year=2030
    )
    sg = services.strategic_goal_save(user=staff, process=proc, field_of_action=language, title="x")
    with pytest.raises(ValidationError):
        services.operational_goal_save(user=staff, strategic_goal=sg, title="y", target=target)


def test_roll_up_weighted_through_goals_to_fields(proc, staff, language, make_measure):
    sg = services.strategic_goal_save(user=staff, process=proc, field_of_action=language, title="S")
    og1 = services.operational_goal_save(user=staff, strategic_goal=sg, title="O1", weight=3)
    og2 = services.operational_goal_save(user=staff, strategic_goal=sg, title="O2", weight=1)
    m1 = make_measure(title="m1", operational_goals=[og1])
    m2 = make_measure(title="m2", operational_goals=[og1], weight=3)
    m3 = make_measure(title="m3", operational_goals=[og2])
    proposed = make_measure(title="nur vorgeschlagen", operational_goals=[og2])
    for m, progress in ((m1, 100), (m2, 20), (m3, 60)):
        for to in ("in_review", "adopted"):
            m = services.measure_transition(user=staff, measure=m, to=to, reason="x")
        services.progress_report_record(user=staff, measure=m, progress=progress)
    assert proposed.status == "proposed"
    tree = selectors.goal_tree(process=proc)
    block = next(b for b in tree if b["field"] == language)
    goal = block["goals"][0]
    ops = {o.title: o.rolled_up for o in goal.children}
    assert ops == {"O1": 40.0, "O2": 60.0}  # (100·1 + 20·3)/4 and the proposed one left out
    assert goal.rolled_up == 45.0  # (40·3 + 60·1)/4
    assert block["progress"] == 45.0
    # weights are editable: O2 counts alone now
    services.weights_update(user=staff, process=proc, weights={("operational", og1.pk): 0})
    goal = next(b for b in selectors.goal_tree(process=proc) if b["field"] == language)["goals"][0]
    assert goal.rolled_up == 60.0
    with pytest.raises(ValidationError):
        services.weights_update(user=staff, process=proc, weights={("measure", m1.pk): 101})


def test_roll_up_pure():
    r = rollup.roll_up(
        measures=[(1, 50, 1, [10]), (2, 100, 0, [10]), (3, 0, 1, [])],
        operational=[(10, 100, 1), (11, 100, 5)],
        strategic=[(100, 7, 1)],
    )
    assert r.operational == {10: 50.0, 11: None}
    assert r.strategic == {100: 50.0} and r.fields == {7: 50.0}
    assert rollup.weighted([]) is None
    # a measure under no goal counts directly in its field of action
    r = rollup.roll_up(
        measures=[],
        operational=[],
        strategic=[(100, 7, 1)],
        ungrouped=[(5, 7, 80, 1), (6, 8, 30, 2)],
    )
    assert r.fields == {7: 80.0, 8: 30.0}


def test_field_of_action_not_in_process_refused(proc, staff):
    from tests.factories import ProcessFactory

    foa = FieldOfAction.objects.create(code="sport", name="Sport")
    with pytest.raises(ValidationError):
        services.finding_save(user=staff, process=proc, field_of_action=foa, title="x")
    assert ProcessFactory  # the factory adds only active catalogue entries at creation
