"""Measures: creation, proposals from statements, the review workflow, locking and history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from measures import services
from measures.models import Measure, MeasureDecision, MeasureOrigin


def test_measure_save_numbers_and_records_proposal(make_measure, staff):
    first = make_measure(title="A")
    second = make_measure(title="B")
    assert (first.number, second.number) == (1, 2)
    assert first.code == "M-001"
    assert first.status == Measure.Status.PROPOSED
    decision = MeasureDecision.objects.get(measure=first)
    assert decision.actor == staff and decision.to_status == "proposed"


def test_measure_rejects_objects_of_another_process(make_measure, other_staff, proc):
    from measures.models import Finding
    from tests.factories import ProcessFactory

    other = ProcessFactory()
    finding = Finding.objects.create(
        process=other, field_of_action=other.fields_of_action.first(), title="fremd"
    )
    with pytest.raises(ValidationError) as error:
        make_measure(findings=[finding])
    assert "findings" in error.value.message_dict
    assert not Measure.objects.filter(process=proc).exists()


def test_propose_from_idea_statements_keeps_origin(proc, facilitator, ideas, language):
    measure = services.measure_propose_from_statements(
        user=facilitator, process=proc, statements=ideas
    )
    assert measure.status == "proposed"
    assert measure.field_of_action == language
    assert measure.title == "Sprachkurse mit Kinderbetreuung anbieten"
    assert set(
        MeasureOrigin.objects.filter(measure=measure).values_list("statement", flat=True)
    ) == {s.pk for s in ideas}
    assert "Mehr Abendkurse" in measure.description


def test_propose_refuses_other_process_member(proc, other_staff, ideas):
    with pytest.raises(PermissionDenied):
        services.measure_propose_from_statements(user=other_staff, process=proc, statements=ideas)


def test_propose_needs_statements(proc, staff):
    with pytest.raises(ValidationError):
        services.measure_propose_from_statements(user=staff, process=proc, statements=[])


def test_full_workflow_records_who_when_why(make_measure, staff):
    m = make_measure()
    for to in ("in_review", "adopted", "in_progress", "completed"):
        m = services.measure_transition(user=staff, measure=m, to=to, reason=f"weil {to}")
    assert m.status == "completed" and m.progress == 100
    decisions = list(MeasureDecision.objects.filter(measure=m).order_by("id"))
    assert [d.to_status for d in decisions] == [
        "proposed",
        "in_review",
        "adopted",
        "in_progress",
        "completed",
    ]
    assert all(d.actor == staff and d.created_at for d in decisions)
    assert decisions[2].reason == "weil adopted"


@pytest.mark.parametrize(
    "path,bad",
    [
        ((), "adopted"),
        ((), "completed"),
        (("in_review", "rejected"), "in_progress"),
        (("in_review", "adopted", "in_progress", "completed"), "in_progress"),
    ],
)
def test_invalid_transitions_are_refused_with_a_clear_message(make_measure, staff, path, bad):
    m = make_measure()
    for to in path:
        m = services.measure_transition(user=staff, measure=m, to=to, reason="x")
    before = m.status
    with pytest.raises(ValidationError) as error:
        services.measure_transition(user=staff, measure=m, to=bad, reason="x")
    assert "cannot become" in str(error.value) or "kann nicht" in str(error.value)
    m.refresh_from_db()
    assert m.status == before


def test_transition_needs_a_reason(make_measure, staff):
    m = make_measure()
    with pytest.raises(ValidationError) as error:
        services.measure_transition(user=staff, measure=m, to="in_review", reason="  ")
    assert "reason" in error.value.message_dict


def test_facilitator_may_propose_but_not_curate(make_measure, facilitator, proc, language):
    m = services.measure_save(
        user=facilitator, process=proc, title="Idee", field_of_action=language
    )
    with pytest.raises(PermissionDenied):
        services.measure_transition(user=facilitator, measure=m, to="in_review", reason="x")
    with pytest.raises(PermissionDenied):
        services.measure_save(
            user=facilitator, process=proc, measure=m, version=m.version, title="geändert"
        )


def test_other_process_staff_cannot_transition(make_measure, other_staff):
    m = make_measure()
    with pytest.raises(PermissionDenied):
        services.measure_transition(user=other_staff, measure=m, to="in_review", reason="x")


def test_comments_by_reviewers(make_measure, facilitator, other_staff):
    m = make_measure()
    services.measure_comment(user=facilitator, measure=m, text="Kosten prüfen")
    assert m.comments.get().text == "Kosten prüfen"
    with pytest.raises(PermissionDenied):
        services.measure_comment(user=other_staff, measure=m, text="x")
    with pytest.raises(ValidationError):
        services.measure_comment(user=facilitator, measure=m, text=" ")


def test_second_save_from_the_same_version_is_refused_and_shows_changes(make_measure, member, proc):
    alice, bob = member("staff", username="alice"), member("staff", username="bob")
    m = make_measure(funding_source="Kreis")
    start = m.version
    services.measure_save(
        user=alice,
        process=proc,
        measure=Measure.objects.get(pk=m.pk),
        version=start,
        title="Titel von Alice",
    )
    with pytest.raises(services.EditConflict) as error:
        services.measure_save(
            user=bob,
            process=proc,
            measure=Measure.objects.get(pk=m.pk),
            version=start,
            funding_source="Land",
        )
    conflict = error.value
    assert conflict.current_version == start + 1
    changes = [c for e in conflict.entries for c in e.changes]
    assert any(c.field == "title" and c.new == "Titel von Alice" for c in changes)
    assert conflict.entries[0].who == "alice"
    m.refresh_from_db()
    assert m.title == "Titel von Alice" and m.funding_source == "Kreis"
    # Bob read the changes and saves again from the current version: that is deliberate.
    services.measure_save(
        user=bob, process=proc, measure=m, version=conflict.current_version, funding_source="Land"
    )
    m.refresh_from_db()
    assert (m.title, m.funding_source) == ("Titel von Alice", "Land")


def test_history_shows_readable_diffs_including_links(make_measure, staff, proc, org):
    from participation.models import TargetGroup

    m = make_measure()
    services.measure_save(
        user=staff,
        process=proc,
        measure=m,
        version=m.version,
        priority="high",
        lead_organisation=org,
        target_groups=[TargetGroup.objects.get(code="ukraine")],
    )
    from django.utils import translation

    with translation.override("en"):
        entries = services.history_entries(Measure.objects.get(pk=m.pk))
    newest = {c.field: c for c in entries[0].changes}
    assert newest["priority"].old == "Medium" and newest["priority"].new == "High"
    assert newest["lead_organisation"].new == "VHS Gütersloh"
    assert "Ukraine" in newest["links_summary"].new
    assert entries[-1].version == 1 and not entries[-1].changes
