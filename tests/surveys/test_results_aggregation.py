"""Aggregation: incremental and rebuilt results are equal; idempotence; the completion hook;
the reconcile check; hand-computed statistics on a small fixture."""

import uuid
from collections import Counter

import pytest
from django.db import transaction

from surveys.models import Response
from surveys.results import aggregation
from surveys.results.models import ResultCell, ResultPending, ResultResponse
from surveys.results.reports import question_result, survey_overview
from surveys.services.responses import response_submit
from tests.surveys.results_helpers import submit_random


def snapshot(version_id):
    """The published content of the cells: the rows of each key added up."""
    totals = Counter()
    for *key, count in (
        ResultCell.objects.filter(version_id=version_id)
        .exclude(question="", metric__in=aggregation.FUNNEL_METRICS)
        .values_list("question", "breakdown", "group", "metric", "row", "key", "count")
    ):
        totals[tuple(key)] += count
    return sorted(totals.items())


@pytest.mark.django_db
def test_incremental_equals_rebuild_on_generated_data(survey):
    responses = submit_random(survey, 120, seed=7)
    version_id = survey.current_version_id
    for response in responses:
        assert aggregation.results_add_response(response_id=response.pk) is True
    incremental = snapshot(version_id)
    assert len(incremental) > 200
    assert aggregation.results_rebuild(version_id=version_id) == 120
    rebuilt = snapshot(version_id)
    assert rebuilt == incremental
    # The rebuild writes one row per key; compaction folds appended rows the same way.
    assert ResultCell.objects.filter(version_id=version_id).count() >= len(rebuilt)
    # Idempotent: a second rebuild and a repeated incremental call change nothing.
    aggregation.results_rebuild(version_id=version_id)
    assert aggregation.results_add_response(response_id=responses[0].pk) is False
    assert snapshot(version_id) == incremental
    assert ResultResponse.objects.filter(version_id=version_id).count() == 120


@pytest.mark.django_db
def test_rebuild_with_chunks_equals_incremental(survey, monkeypatch):
    monkeypatch.setattr(aggregation, "CHUNK", 7)
    responses = submit_random(survey, 40, seed=3)
    for response in responses:
        aggregation.results_add_response(response_id=response.pk)
    incremental = snapshot(survey.current_version_id)
    aggregation.results_rebuild(version_id=survey.current_version_id)
    assert snapshot(survey.current_version_id) == incremental


@pytest.mark.django_db
def test_test_and_incomplete_responses_are_not_counted(survey):
    test = response_submit(
        survey=survey,
        client_id=uuid.uuid4(),
        answers={"lang": "de", "satisfaction": 3},
        is_test=True,
    ).response
    partial = response_submit(
        survey=survey,
        client_id=uuid.uuid4(),
        answers={"lang": "de"},
        section="p1",
        complete=False,
    ).response
    assert partial.status == Response.Status.IN_PROGRESS
    # Neither waits in the results outbox (the whole-response insert writes it only for
    # counted responses).
    assert not ResultPending.objects.filter(response_id__in=[test.pk, partial.pk]).exists()
    assert aggregation.results_add_response(response_id=test.pk) is False
    assert aggregation.results_add_response(response_id=partial.pk) is False
    assert aggregation.results_add_response(response_id=999999) is False
    assert not ResultCell.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_completion_queues_the_incremental_update(survey):
    """The commit asks a worker to drain the outbox (eager here): results appear at once."""
    with transaction.atomic():
        response_submit(
            survey=survey, client_id=uuid.uuid4(), answers={"lang": "de", "satisfaction": 4}
        )
    assert ResultResponse.objects.count() == 1 and not ResultPending.objects.exists()
    cell = ResultCell.objects.get(question="satisfaction", breakdown="", metric="v", key="4")
    assert cell.count == 1


@pytest.mark.django_db
def test_reconcile_finds_lost_updates_and_repairs_them(survey):
    from surveys.results.tasks import reconcile_results

    responses = submit_random(survey, 12, seed=5)
    for response in responses[:10]:
        aggregation.results_add_response(response_id=response.pk)
    # Waiting in the outbox is late, not lost.
    assert aggregation.versions_out_of_step() == []
    # Two updates were lost (say, responses stored before the outbox existed): reconcile sees
    # the difference...
    ResultPending.objects.all().delete()
    assert aggregation.versions_out_of_step() == [survey.current_version_id]
    assert reconcile_results() == [survey.current_version_id]  # eager: rebuilt right away
    assert aggregation.versions_out_of_step() == []
    assert ResultCell.objects.get(question="", breakdown="", metric="resp").count == 12


@pytest.mark.django_db
def test_compaction_keeps_the_figures(survey):
    responses = submit_random(survey, 20, seed=8)
    for response in responses:
        aggregation.results_add_response(response_id=response.pk)
    before = snapshot(survey.current_version_id)
    rows_before = ResultCell.objects.count()
    kept = aggregation.results_compact(version_id=survey.current_version_id)
    assert kept == ResultCell.objects.count() < rows_before
    assert snapshot(survey.current_version_id) == before
    aggregation.results_rebuild(version_id=survey.current_version_id)
    assert ResultCell.objects.count() == kept


def _submit(survey, answers):
    return response_submit(survey=survey, client_id=uuid.uuid4(), answers=answers).response


@pytest.fixture
def small(survey):
    """Five hand-written responses."""
    rows = [
        {
            "lang": "de",
            "topics": ["work", "school"],
            "resident": "yes",
            "satisfaction": 1,
            "grid": {"r1": "good", "r2": "bad"},
            "rank": ["a", "b"],
            "share": 10,
            "arrived": "2020-01-05",
            "comment": "Mehr Kurse",
        },
        {
            "lang": "de",
            "topics": ["work"],
            "resident": "yes",
            "satisfaction": 2,
            "grid": {"r1": "good"},
            "rank": ["b", "a"],
            "share": 20,
            "arrived": "2020-01-20",
        },
        {
            "lang": "uk",
            "uk_since": 2022,
            "topics": ["housing"],
            "resident": "no",
            "satisfaction": 4,
            "grid": {"r1": "bad"},
            "rank": ["a", "b"],
            "share": 30,
            "arrived": "2022-03-01",
        },
        {
            "lang": "other",
            "lang_other": "Polnisch",
            "topics": ["work", "housing"],
            "satisfaction": 5,
            "share": 45.5,
        },
        {"lang": "de", "satisfaction": "dont_know", "resident": "no"},
    ]
    for answers in rows:
        aggregation.results_add_response(response_id=_submit(survey, answers).pk)
    return survey


@pytest.mark.django_db
def test_statistics_by_hand(small):
    version = small.current_version
    lang = question_result(version, "lang", suppress=False)
    assert lang["n"] == 5
    by = {r["code"]: r for r in lang["choices"]}
    assert by["de"]["count"] == 3 and by["de"]["pct_respondents"] == 60.0
    assert by["other"]["count"] == 1 and by["uk"]["pct_answers"] == 20.0

    topics = question_result(version, "topics", suppress=False)
    by = {r["code"]: r for r in topics["choices"]}
    assert topics["n"] == 4
    assert by["work"]["count"] == 3
    assert by["work"]["pct_respondents"] == 75.0  # 3 of 4 respondents
    assert by["work"]["pct_answers"] == 50.0  # 3 of 6 answers

    sat = question_result(version, "satisfaction", suppress=False)
    s = sat["summary"]  # values 1, 2, 4, 5 (one "don't know")
    assert s["n"] == 4 and s["mean"] == 3.0 and s["median"] == 3.0
    assert s["q1"] == 1.75 and s["q3"] == 4.25
    assert s["min"] == 1 and s["max"] == 5
    assert s["sd"] == pytest.approx(1.8257418583505538)  # sqrt(10/3)
    assert {r["code"]: r["count"] for r in sat["choices"]}["dont_know"] == 1

    share = question_result(version, "share", suppress=False)["summary"]
    assert share["n"] == 4 and share["mean"] == pytest.approx(26.375)
    assert share["median"] == 25.0

    grid = question_result(version, "grid", suppress=False)
    r1 = grid["rows"][0]
    assert r1["n"] == 3
    assert {c["code"]: c["count"] for c in r1["choices"]} == {"good": 2, "bad": 1}
    assert grid["rows"][1]["n"] == 1

    rank = {r["code"]: r for r in question_result(version, "rank", suppress=False)["ranking"]}
    assert rank["a"]["mean_rank"] == pytest.approx(4 / 3)
    assert rank["a"]["first_place"] == 2
    assert rank["a"]["first_place_share"] == pytest.approx(66.7)

    resident = question_result(version, "resident", suppress=False)
    assert {r["code"]: r["count"] for r in resident["choices"]} == {"yes": 2, "no": 2}

    months = question_result(version, "arrived", suppress=False)["months"]
    assert [(m["key"], m["count"]) for m in months] == [("2020-01", 2), ("2022-03", 1)]

    overview = survey_overview(version, suppress=False)
    assert overview["responses"] == 5
    assert sum(d["count"] for d in overview["days"]) == 5


@pytest.mark.django_db
def test_cross_table_by_hand(small):
    version = small.current_version
    result = question_result(version, "resident", breakdown="q:lang", suppress=False)
    cross = result["cross"]
    rows = {g["code"]: g for g in cross["groups"]}
    de = {c["code"]: c for c in rows["de"]["cells"]}
    assert de["yes"]["count"] == 2 and de["no"]["count"] == 1
    assert de["yes"]["row_pct"] == pytest.approx(66.7)
    assert de["yes"]["col_pct"] == 100.0
    assert rows["uk"]["total"] == 1
    assert cross["chi2_applicable"] is False  # expected counts below 5


@pytest.mark.django_db
def test_funnel_and_response_days(small):
    version = small.current_version
    response_submit(
        survey=small,
        client_id=uuid.uuid4(),
        answers={"lang": "de"},
        section="p1",
        complete=False,
    )
    aggregation.results_refresh_funnel(version_id=version.pk)
    overview = survey_overview(version, suppress=False)
    assert overview["started"] == 6 and overview["complete"] == 5
    funnel = {s["code"]: s["count"] for s in overview["funnel"]}
    assert funnel["p1"] == 6
    assert funnel["p2"] == 6  # the partial response is on page 2 now


@pytest.mark.django_db
def test_rebuild_counts_outside_the_lock_and_keeps_responses_completed_meanwhile(
    survey, monkeypatch
):
    version_id = survey.current_version_id
    for response in submit_random(survey, 30, seed=5)[:10]:
        aggregation.results_add_response(response_id=response.pk)
    events = []
    real_frame, real_lock = aggregation.rebuild_frame, aggregation._lock
    late = []

    def frame_while_responses_arrive(version, spec=None, response_ids=None):
        events.append("count")
        if not late:
            # Responses completed while the rebuild counts; three are counted by their tasks
            # at once, two tasks come only after the rebuild.
            late.extend(submit_random(survey, 5, seed=11))
            for response in late[:3]:
                assert aggregation.results_add_response(response_id=response.pk) is True
        return real_frame(version, spec, response_ids)

    def lock(version):
        events.append("lock")
        return real_lock(version)

    monkeypatch.setattr(aggregation, "rebuild_frame", frame_while_responses_arrive)
    monkeypatch.setattr(aggregation, "_lock", lock)
    assert aggregation.results_rebuild(version_id=version_id) == 35
    # The rebuild counted before it took the version's lock: the incremental updates in the
    # middle took (and released) the lock themselves.
    assert events[:4] == ["count", "lock", "lock", "lock"] and events.count("count") == 1
    for response in late[3:]:
        assert aggregation.results_add_response(response_id=response.pk) is False
    monkeypatch.undo()
    counted = snapshot(version_id)
    assert aggregation.results_rebuild(version_id=version_id) == 35
    assert snapshot(version_id) == counted
