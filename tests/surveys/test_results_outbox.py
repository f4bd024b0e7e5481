"""The results outbox: a stored response is never reported as an error, even when the broker is
unreachable; its count is delayed, never lost; a retry is harmless; workers drain a version's
pending responses in one batch; at most one compaction per version is queued."""

import uuid

import pytest
from kombu.exceptions import OperationalError

from surveys.models import Response
from surveys.results import aggregation, tasks
from surveys.results.models import ResultPending, ResultResponse, ResultState
from tests.surveys.results_helpers import submit_random
from tests.surveys.test_api import WHOLE, submit
from tests.surveys.test_respond import P1, P2, page_url, start

from .test_results_aggregation import snapshot


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails the way kombu fails when Redis does not answer."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for task in (tasks.drain_results, tasks.compact_results):
        monkeypatch.setattr(task, "apply_async", refuse)
        monkeypatch.setattr(task, "delay", lambda *a: refuse(a))
    return attempts


def _rebuilt_equals_incremental(version_id: int) -> None:
    incremental = snapshot(version_id)
    aggregation.results_rebuild(version_id=version_id)
    assert snapshot(version_id) == incremental


@pytest.mark.django_db(transaction=True)
def test_api_submit_with_the_broker_down_is_stored_and_counted_later(
    api_client, survey, broker_down
):
    client_id = str(uuid.uuid4())
    first = submit(api_client, survey, WHOLE, client_id=client_id)
    assert first.status_code == 201, first.content
    assert broker_down, "the commit tried to publish the count"
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE
    assert list(ResultPending.objects.values_list("response_id", flat=True)) == [response.pk]
    assert not ResultResponse.objects.exists()
    # The respondent's client retries (it saw a timeout, say): harmless, nothing doubled.
    retry = submit(api_client, survey, WHOLE, client_id=client_id)
    assert retry.status_code == 200, retry.content
    assert Response.objects.count() == 1 and ResultPending.objects.count() == 1
    # The broker is back: the relay (beat) drains the outbox.
    aggregation_done = tasks.drain_results.run(survey.current_version_id)
    assert aggregation_done == 1
    assert ResultResponse.objects.filter(response=response).exists()
    assert not ResultPending.objects.exists()
    assert aggregation.versions_out_of_step() == []
    _rebuilt_equals_incremental(survey.current_version_id)


@pytest.mark.django_db(transaction=True)
def test_page_completion_with_the_broker_down_thanks_the_respondent(client, survey, broker_down):
    start(client, survey)
    client.post(page_url(survey, "p1"), P1)
    client.post(page_url(survey, "p2"), P2)
    last = client.post(page_url(survey, "p3"), {"uk_help": "yes"}, follow=True)
    assert last.status_code == 200
    assert "Fehler" not in last.content.decode()
    response = Response.objects.get()
    assert response.status == Response.Status.COMPLETE
    assert ResultPending.objects.filter(response=response).exists()


@pytest.mark.django_db
def test_relay_asks_for_every_version_with_pending_responses(survey, monkeypatch):
    submit_random(survey, 3, seed=2)  # the test transaction never commits: all pending
    asked = []
    monkeypatch.setattr(tasks.drain_results, "delay", asked.append)
    assert tasks.relay_results() == [survey.current_version_id]
    assert asked == [survey.current_version_id]


@pytest.mark.django_db
def test_drain_counts_all_pending_responses_of_a_version_in_one_batch(survey):
    responses = submit_random(survey, 30, seed=4)
    version_id = survey.current_version_id
    assert ResultPending.objects.filter(version_id=version_id).count() == 30
    assert aggregation.results_drain(version_id=version_id) == 30
    assert ResultResponse.objects.filter(version_id=version_id).count() == 30
    assert not ResultPending.objects.exists()
    assert aggregation.results_drain(version_id=version_id) == 0  # a repeated drain: nothing
    # One batch appends one row per key, however many responses it holds.
    assert ResultState.objects.get(version_id=version_id).pending_rows == len(snapshot(version_id))
    assert aggregation.results_add_response(response_id=responses[0].pk) is False
    _rebuilt_equals_incremental(version_id)


@pytest.mark.django_db
def test_drain_in_small_batches_and_counted_rows_are_skipped(survey):
    responses = submit_random(survey, 10, seed=6)
    version_id = survey.current_version_id
    # One response was counted by hand meanwhile (its outbox row is gone with it) ...
    assert aggregation.results_add_response(response_id=responses[3].pk) is True
    assert ResultPending.objects.count() == 9
    # ... and a stale outbox row of a counted response is dropped without a second count.
    ResultPending.objects.create(response_id=responses[3].pk, version_id=version_id)
    claimed = [aggregation.results_drain(version_id=version_id, batch=4) for _ in range(4)]
    assert claimed == [4, 4, 2, 0]
    assert ResultResponse.objects.filter(version_id=version_id).count() == 10
    _rebuilt_equals_incremental(version_id)


@pytest.mark.django_db
def test_rebuild_takes_the_responses_it_counts_out_of_the_outbox(survey):
    submit_random(survey, 5, seed=9)
    assert aggregation.results_rebuild(version_id=survey.current_version_id) == 5
    assert not ResultPending.objects.exists()
    assert aggregation.results_drain(version_id=survey.current_version_id) == 0


@pytest.mark.django_db
def test_at_most_one_compaction_per_version_is_queued(
    survey, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(aggregation, "COMPACT_AFTER_ROWS", 1)
    sent = []
    monkeypatch.setattr(tasks.compact_results, "apply_async", lambda args, **kw: sent.append(args))
    version_id = survey.current_version_id
    with django_capture_on_commit_callbacks(execute=True):
        submit_random(survey, 6, seed=1)
        for _ in range(6):
            aggregation.results_drain(version_id=version_id, batch=1)
        # The reconcile job asks too: the queued compaction covers it.
        tasks.reconcile_results()
    assert sent == [(version_id,)]
    assert ResultState.objects.get(version_id=version_id).compaction_queued_at is not None
    # The compaction runs and frees the version for the next one.
    aggregation.results_compact(version_id=version_id)
    assert ResultState.objects.get(version_id=version_id).compaction_queued_at is None
    with django_capture_on_commit_callbacks(execute=True):
        submit_random(survey, 1, seed=2)
        aggregation.results_drain(version_id=version_id)
    assert sent == [(version_id,), (version_id,)]


@pytest.mark.django_db
def test_a_compaction_the_broker_refused_frees_the_version(
    survey, monkeypatch, broker_down, django_capture_on_commit_callbacks
):
    version_id = survey.current_version_id
    submit_random(survey, 1, seed=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert aggregation.results_compaction_request(version_id=version_id) is True
    assert ResultState.objects.get(version_id=version_id).compaction_queued_at is None


def test_drain_requests_are_coalesced_per_version(monkeypatch):
    """With a broker, the completions of one process ask for a drain of their version in a
    background thread, at most once per interval however many complete meanwhile, and every
    version noted is asked for after its last completion."""
    import time

    from surveys.results import services

    sent = []

    def publish(*, version_id):
        sent.append(version_id)
        return True

    def settle(count):
        deadline = time.monotonic() + 5
        while len(set(sent)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # longer than the interval: a request still due would be sent now

    monkeypatch.setattr(services, "results_drain_request", publish)
    monkeypatch.setitem(tasks.drain_results.app.conf, "task_always_eager", False)
    requests = services.DrainRequests(interval=0.2)
    for _ in range(50):
        requests.add(7)
    requests.add(8)
    settle(2)
    # The first round may leave before the other completions are noted: then a second one
    # takes all of them. Never one request per completion.
    assert sorted(set(sent)) == [7, 8]
    assert sent.count(7) <= 2 and sent.count(8) == 1
    before = len(sent)
    for _ in range(50):
        requests.add(7)
    settle(2)
    assert set(sent[before:]) == {7} and 1 <= len(sent[before:]) <= 2


def test_drain_requests_run_at_once_in_process(monkeypatch):
    """Without a broker (eager) the drain runs inside the completion: counted at once."""
    from surveys.results import services

    sent = []
    monkeypatch.setattr(services, "results_drain_request", lambda *, version_id: sent.append(1))
    services.DrainRequests(interval=10).add(7)
    assert sent == [1]
