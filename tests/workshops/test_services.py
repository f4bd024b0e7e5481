"""Workshop services: status transitions, board, merge, concurrency, statements, votes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from participation.models import Statement, TargetGroup
from workshops import services
from workshops.models import Card, Vote, Workshop

pytestmark = pytest.mark.django_db


def test_transitions_follow_the_lifecycle_and_refuse_the_rest(
    make_workshop, staff_user, facilitator
):
    workshop = make_workshop(status=Workshop.Status.PLANNED)
    assert len(workshop.join_code) == 6
    with pytest.raises(ValidationError, match="cannot become"):
        services.workshop_transition(workshop=workshop, user=staff_user, to="documented")
    services.workshop_transition(workshop=workshop, user=facilitator, to="running")
    services.workshop_transition(workshop=workshop, user=facilitator, to="documented")
    with pytest.raises(PermissionDenied):
        services.workshop_transition(workshop=workshop, user=facilitator, to="closed")
    services.workshop_transition(workshop=workshop, user=staff_user, to="closed")
    with pytest.raises(ValidationError, match="cannot become"):
        services.workshop_transition(workshop=workshop, user=staff_user, to="running")
    with pytest.raises(ValidationError, match="closed"):
        services.workshop_save(
            process=workshop.process, user=staff_user, workshop=workshop, title="x"
        )


def test_workshop_needs_fields_facilitators_of_the_process_and_a_place(
    process, staff_user, outsider
):
    from participation.models import FieldOfAction

    with pytest.raises(ValidationError) as info:
        services.workshop_save(
            process=process,
            user=staff_user,
            title="W",
            fields_of_action=[FieldOfAction.objects.first()],
            starts_at="2025-10-07T14:00Z",
            place="R",
            facilitators=[outsider],
        )
    assert "facilitators" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.workshop_save(
            process=process,
            user=staff_user,
            title="W",
            fields_of_action=[FieldOfAction.objects.first()],
            starts_at="2025-10-07T14:00Z",
            facilitators=[staff_user],
        )
    assert "Enter a place or an online link." in str(info.value)
    assert not Workshop.objects.exists()


def test_cards_become_statements_with_kind_field_groups_and_pseudonymous_label(
    workshop, facilitator
):
    group = TargetGroup.objects.get(code="ukraine")
    card, created = services.card_create(
        workshop=workshop,
        user=facilitator,
        text="Zu wenige Kita-Plätze",
        column="ist",
        target_groups=[group],
    )
    assert created and card.kind == "problem" and card.number == 1
    statement = Statement.objects.get(source_id=card.pk, source_type__model="card")
    assert statement.kind == "problem"
    assert list(statement.fields_of_action.values_list("code", flat=True)) == ["education"]
    assert list(statement.target_groups.all()) == [group]
    assert (
        statement.source_label
        == "Workshop Frühkindliche und schulische Bildung, 07.10.2025, Karte 1"
        or ("07.10.2025" in statement.source_label and "1" in statement.source_label)
    )
    assert "Mia" not in statement.source_label
    soll, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Mehr Plätze", column="soll"
    )
    idea, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Sprachkita", column="ideas"
    )
    assert (soll.kind, idea.kind) == ("need", "idea")
    with pytest.raises(ValidationError, match="IST|one of"):
        services.card_create(
            workshop=workshop, user=facilitator, text="x", column="ist", kind="idea"
        )
    with pytest.raises(ValidationError):
        services.card_create(workshop=workshop, user=facilitator, text="  ", column="ist")


def test_retry_with_the_same_client_key_stores_one_card(workshop, facilitator):
    first, created = services.card_create(
        workshop=workshop, user=facilitator, text="A", column="ideas", client_key="k1"
    )
    again, created_again = services.card_create(
        workshop=workshop, user=facilitator, text="A", column="ideas", client_key="k1"
    )
    assert created and not created_again and first.pk == again.pk
    assert Card.objects.count() == 1 and Statement.objects.count() == 1


def test_editing_updates_the_statement_and_an_old_version_is_refused(
    workshop, facilitator, staff_user
):
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="Alt", column="ist")
    services.card_update(card=card, user=staff_user, version=1, text="Neu", kind="strength")
    statement = Statement.objects.get(source_id=card.pk, source_type__model="card")
    assert (statement.text, statement.kind) == ("Neu", "strength")
    with pytest.raises(services.CardConflict) as info:
        services.card_update(card=card, user=facilitator, version=1, text="Meins")
    assert info.value.card.text == "Neu"
    card.refresh_from_db()
    assert card.text == "Neu" and card.version == 2


def test_move_changes_column_kind_and_statement(workshop, facilitator):
    card, _ = services.card_create(workshop=workshop, user=facilitator, text="Idee", column="ist")
    other, _ = services.card_create(workshop=workshop, user=facilitator, text="B", column="ideas")
    moved = services.card_move(card=card, user=facilitator, version=1, column="ideas", position=0)
    assert (moved.column, moved.kind, moved.position) == ("ideas", "idea", 0)
    other.refresh_from_db()
    assert other.position == 1
    assert Statement.objects.get(source_id=card.pk, source_type__model="card").kind == "idea"


def test_merge_keeps_links_and_leaves_one_statement(workshop, facilitator):
    a, _ = services.card_create(
        workshop=workshop,
        user=facilitator,
        text="Sprachcafé",
        column="ideas",
        target_groups=[TargetGroup.objects.get(code="ukraine")],
    )
    b, _ = services.card_create(
        workshop=workshop, user=facilitator, text="Sprachtreff", column="ideas"
    )
    merged = services.cards_merge(workshop=workshop, user=facilitator, cards=[a, b])
    b.refresh_from_db()
    assert merged.pk == a.pk and b.merged_into_id == a.pk and b.status == "merged"
    assert merged.text == "Sprachcafé\nSprachtreff"
    assert list(a.merged_from.all()) == [b]
    pool = Statement.objects.filter(source_type__model="card")
    assert [s.text for s in pool] == ["Sprachcafé\nSprachtreff"]
    c, _ = services.card_create(workshop=workshop, user=facilitator, text="x", column="ist")
    with pytest.raises(ValidationError, match="one column"):
        services.cards_merge(workshop=workshop, user=facilitator, cards=[a, c])


def test_participant_cards_wait_in_the_queue_until_accepted(workshop, facilitator, join):
    participant = join()
    card, _ = services.card_create(
        workshop=workshop, participant=participant, text="Mehr Elternabende", column="ideas"
    )
    assert card.status == "queued" and not Statement.objects.exists()
    services.card_accept(card=card, user=facilitator, text="Mehr mehrsprachige Elternabende")
    statement = Statement.objects.get()
    assert statement.text == "Mehr mehrsprachige Elternabende" and statement.author == facilitator
    queued, _ = services.card_create(
        workshop=workshop, participant=participant, text="Nein", column="ist"
    )
    services.card_reject(card=queued, user=facilitator)
    assert Statement.objects.count() == 1


def test_participants_write_only_to_their_workshop_while_running(workshop, make_workshop, join):
    participant = join()
    other = make_workshop(title="Workshop Arbeit")
    with pytest.raises(PermissionDenied):
        services.card_create(workshop=other, participant=participant, text="x", column="ideas")
    services.workshop_transition(
        workshop=workshop, user=workshop.facilitators.first(), to="documented"
    )
    with pytest.raises(ValidationError, match="running"):
        services.card_create(workshop=workshop, participant=participant, text="x", column="ideas")


def test_others_may_not_write(workshop, other_facilitator, foreign_staff, expert_user, outsider):
    for user in (other_facilitator, foreign_staff, expert_user, outsider):
        with pytest.raises(PermissionDenied):
            services.card_create(workshop=workshop, user=user, text="x", column="ideas")
    assert not Card.objects.exists()


def test_join_is_once_per_device_and_per_person(workshop, facilitator):
    p1, created = services.participant_join(workshop=workshop, device_key="a" * 20)
    p2, created2 = services.participant_join(workshop=workshop, device_key="a" * 20)
    assert created and not created2 and p1 == p2
    p3, _ = services.participant_join(workshop=workshop, device_key="b" * 20, user=facilitator)
    p4, created4 = services.participant_join(
        workshop=workshop, device_key="c" * 20, user=facilitator
    )
    assert p3 == p4 and not created4 and p3.number == 2


def _ideas(workshop, user, n=3):
    return [
        services.card_create(workshop=workshop, user=user, text=f"Idee {i}", column="ideas")[0]
        for i in range(n)
    ]


def test_dot_vote_refusals_and_ranking(workshop, facilitator, join):
    ideas = _ideas(workshop, facilitator)
    vote = services.vote_open(
        workshop=workshop,
        user=facilitator,
        title="Prio",
        cards=ideas,
        dots_per_participant=3,
        max_per_item=2,
    )
    items = {i.card_id: i.pk for i in vote.items.all()}
    a, b, c = (items[i.pk] for i in ideas)
    p1, p2, p3 = join(), join(), join()
    services.ballot_cast(vote=vote, participant=p1, dots={a: 2, b: 1})
    services.ballot_cast(vote=vote, participant=p2, dots={b: 2, c: 1})
    refusals = [
        (p1, {a: 1}, "already voted"),
        (p3, {a: 2, b: 2}, "you placed 4"),
        (p3, {a: 3}, "At most 2"),
        (p3, {999999: 1}, "not part of this vote"),
        (p3, {a: -1}, "negative"),
        (p3, {}, "at least one dot"),
    ]
    for participant, dots, message in refusals:
        with pytest.raises(ValidationError, match=message):
            services.ballot_cast(vote=vote, participant=participant, dots=dots)
    other_card = services.card_create(
        workshop=workshop, user=facilitator, text="Nicht dabei", column="ideas"
    )[0]
    assert not vote.items.filter(card=other_card).exists()
    services.vote_close(vote=vote, user=facilitator)
    with pytest.raises(ValidationError, match="closed"):
        services.ballot_cast(vote=Vote.objects.get(pk=vote.pk), participant=p3, dots={a: 1})
    ranked = {i.card_id: (i.rank, i.dots) for i in vote.items.all()}
    assert ranked[ideas[1].pk] == (1, 3)
    assert ranked[ideas[0].pk] == (2, 2)
    assert ranked[ideas[2].pk] == (3, 1)
    assert vote.ballots.count() == 2


def test_vote_only_on_idea_cards_and_clusters_one_open_at_a_time(workshop, facilitator):
    ideas = _ideas(workshop, facilitator)
    problem = services.card_create(workshop=workshop, user=facilitator, text="P", column="ist")[0]
    with pytest.raises(ValidationError, match="idea cards"):
        services.vote_open(
            workshop=workshop, user=facilitator, title="x", cards=[ideas[0], problem]
        )
    cluster = services.cluster_save(
        workshop=workshop, user=facilitator, title="Sprache", column="ideas", cards=ideas[:2]
    )
    vote = services.vote_open(
        workshop=workshop, user=facilitator, title="x", clusters=[cluster], cards=[ideas[2]]
    )
    assert [i.label for i in vote.items.all()] == ["Sprache", "Idee 2"]
    with pytest.raises(ValidationError, match="still open"):
        services.vote_open(workshop=workshop, user=facilitator, title="y", cards=ideas[2:])


def test_rating_vote_stores_means_and_checks_the_scale(workshop, facilitator, join):
    ideas = _ideas(workshop, facilitator, 2)
    vote = services.vote_open(
        workshop=workshop, user=facilitator, title="Matrix", mode="rating", cards=ideas
    )
    a, b = (i.pk for i in vote.items.order_by("position"))
    services.ballot_cast(vote=vote, participant=join(), ratings={a: (5, 2), b: (2, 4)})
    services.ballot_cast(vote=vote, participant=join(), ratings={a: (4, 3)})
    with pytest.raises(ValidationError, match="1 to 5"):
        services.ballot_cast(vote=vote, participant=join(), ratings={a: (6, 1)})
    services.vote_close(vote=vote, user=facilitator)
    item = vote.items.get(pk=a)
    assert (item.impact, item.feasibility, item.ratings) == (4.5, 2.5, 2)


def test_invitations_accept_decline_reminders_and_check_in(
    workshop, make_workshop, staff_user, person, mailoutbox, django_capture_on_commit_callbacks
):
    planned = make_workshop(status="planned", title="Workshop Sprache", starts_at=_next_week())
    report = services.invitations_create(workshop=planned, user=staff_user, people=[person])
    assert report.created == 1
    again = services.invitations_create(workshop=planned, user=staff_user, people=[person])
    assert again.created == 0 and again.skipped
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_send(workshop=planned, user=staff_user) == 1
    assert len(mailoutbox) == 1 and "Invitation" in mailoutbox[0].subject  # English speaker
    link = [line for line in mailoutbox[0].body.splitlines() if "/invitation/" in line][0]
    token = link.rsplit("/invitation/", 1)[1].strip("/")
    invitation = services.invitation_by_token(token)
    assert invitation is not None and token not in invitation.token_hash
    # A second run of the task sends nothing.
    assert services.invitation_send(invitation_id=invitation.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_send(workshop=planned, user=staff_user, reminder=True) == 1
    assert "Reminder" in mailoutbox[1].subject
    services.invitation_answer(invitation=invitation, accept=True)
    assert services.invitations_send(workshop=planned, user=staff_user, reminder=True) == 0
    invitation = services.invitation_check_in(invitation=invitation, user=staff_user)
    assert invitation.checked_in_at is not None
    first = invitation.checked_in_at
    assert (
        services.invitation_check_in(invitation=invitation, user=staff_user).checked_in_at == first
    )
    services.workshop_transition(workshop=planned, user=staff_user, to="running")
    with pytest.raises(ValidationError, match="started"):
        services.invitation_answer(invitation=invitation, accept=False)


def test_accepting_beyond_capacity_is_refused(make_workshop, staff_user, process):
    from participation.models import Person

    planned = make_workshop(status="planned", capacity=1, starts_at=_next_week())
    people = []
    for n in range(2):
        p = Person.objects.create(first_name=f"P{n}", email=f"p{n}@example.org")
        p.processes.add(process)
        people.append(p)
    services.invitations_create(workshop=planned, user=staff_user, people=people)
    first, second = planned.invitations.order_by("pk")
    services.invitation_answer(invitation=first, accept=True)
    with pytest.raises(ValidationError, match="fully booked"):
        services.invitation_answer(invitation=second, accept=True)


def test_participants_cannot_flood_the_queue(workshop, join, settings):
    settings.WORKSHOP_PARTICIPANT_CARDS_PER_MINUTE = 2
    participant = join()
    for n in range(2):
        services.card_create(
            workshop=workshop, participant=participant, text=f"K{n}", column="ideas"
        )
    with pytest.raises(ValidationError, match="many cards"):
        services.card_create(workshop=workshop, participant=participant, text="K3", column="ideas")
    assert Card.objects.count() == 2


def _next_week():
    """Answers to an invitation are taken until the workshop begins."""
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=7)
