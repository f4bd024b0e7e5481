"""Participants joining by code, votes (dots or impact/feasibility) and ballots."""

import secrets
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.services import audit_log

from ..models import (
    Ballot,
    BallotEntry,
    Card,
    Cluster,
    Column,
    Participant,
    Vote,
    VoteItem,
    Workshop,
)
from ..selectors import device_hash
from .workshops import normalise_join_code, require

SCALE = range(1, 6)


def new_device_key() -> str:
    return secrets.token_urlsafe(24)


def workshop_by_code(code: str) -> Workshop | None:
    code = normalise_join_code(code)
    if not code:
        return None
    return Workshop.objects.filter(join_code=code).first()


def participant_for(*, workshop: Workshop, device_key: str = "", user=None) -> Participant | None:
    """The participant of this device (or signed-in user) in the workshop, or None."""
    if getattr(user, "is_authenticated", False):
        found = Participant.objects.filter(workshop=workshop, user=user).first()
        if found is not None:
            return found
    hashed = device_hash(device_key)
    if hashed is None:
        return None
    return Participant.objects.filter(workshop=workshop, device_hash=hashed).first()


def participant_join(*, workshop: Workshop, device_key: str, user=None) -> tuple[Participant, bool]:
    """Join the workshop from a device (no account needed). A device, and a signed-in person,
    joins once: joining again returns the first participant and ``created=False``."""
    if workshop.status != Workshop.Status.RUNNING:
        raise ValidationError(_("This workshop is not running at the moment."))
    if device_hash(device_key) is None:
        raise ValidationError(_("Your browser must accept cookies to take part."))
    existing = participant_for(workshop=workshop, device_key=device_key, user=user)
    if existing is not None:
        return existing, False
    user = user if getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            # The workshop row hands out participant numbers one after another.
            Workshop.objects.select_for_update().filter(pk=workshop.pk).first()
            number = (
                Participant.objects.filter(workshop=workshop).aggregate(m=Max("number"))["m"] or 0
            ) + 1
            participant = Participant.objects.create(
                workshop=workshop, number=number, device_hash=device_hash(device_key), user=user
            )
            return participant, True
    except IntegrityError:
        # This device (or this person) joined in parallel: return that participant.
        existing = participant_for(workshop=workshop, device_key=device_key, user=user)
        if existing is not None:
            return existing, False
        raise


def _vote_items(workshop: Workshop, cards: Iterable, clusters: Iterable) -> list[VoteItem]:
    items = []
    card_ids = [getattr(c, "pk", c) for c in cards or ()]
    cluster_ids = [getattr(c, "pk", c) for c in clusters or ()]
    found_cards = {
        c.pk: c
        for c in Card.objects.filter(
            pk__in=card_ids, workshop=workshop, status=Card.Status.ACCEPTED, column=Column.IDEAS
        )
    }
    missing = [i for i in card_ids if i not in found_cards]
    if missing:
        raise ValidationError(
            {
                "cards": [
                    _("Only idea cards on this board can be voted on (card %(ids)s).")
                    % {"ids": ", ".join(str(i) for i in missing)}
                ]
            }
        )
    found_clusters = {
        c.pk: c
        for c in Cluster.objects.filter(pk__in=cluster_ids, workshop=workshop, column=Column.IDEAS)
    }
    missing = [i for i in cluster_ids if i not in found_clusters]
    if missing:
        raise ValidationError(
            {"clusters": [_("Only clusters of ideas on this board can be voted on.")]}
        )
    for cid in dict.fromkeys(cluster_ids):
        items.append(VoteItem(cluster=found_clusters[cid], label=found_clusters[cid].title[:300]))
    for cid in dict.fromkeys(card_ids):
        card = found_cards[cid]
        if card.cluster_id in found_clusters:
            raise ValidationError(
                {
                    "cards": [
                        _("Card %(n)s is already part of a chosen cluster.") % {"n": card.number}
                    ]
                }
            )
        items.append(VoteItem(card=card, label=card.text[:300]))
    if len(items) < 2:
        raise ValidationError({"cards": [_("Choose at least two ideas or clusters to vote on.")]})
    return items


@transaction.atomic
def vote_open(
    *,
    workshop: Workshop,
    user,
    title: str,
    mode: str = Vote.Mode.DOTS,
    cards: Iterable = (),
    clusters: Iterable = (),
    dots_per_participant: int = 3,
    max_per_item: int = 2,
) -> Vote:
    """Open a vote on chosen idea cards or clusters. One vote per workshop is open at a time."""
    require(user, "workshops.change_workshop", workshop)
    if workshop.status != Workshop.Status.RUNNING:
        raise ValidationError(_("Votes take place while the workshop is running."))
    if mode not in Vote.Mode.values:
        raise ValidationError({"mode": [_("Unknown mode.")]})
    if workshop.votes.filter(status=Vote.Status.OPEN).exists():
        raise ValidationError(_("Another vote of this workshop is still open."))
    items = _vote_items(workshop, cards, clusters)
    vote = Vote(
        workshop=workshop,
        title=(title or "").strip() or _("Prioritisation"),
        mode=mode,
        dots_per_participant=dots_per_participant or 1,
        max_per_item=max_per_item or 1,
        opened_by=user,
    )
    if mode == Vote.Mode.RATING:
        vote.dots_per_participant = vote.max_per_item = 1
    vote.full_clean(exclude=["opened_by", "workshop"])
    vote.save()
    for position, item in enumerate(items):
        item.vote = vote
        item.position = position
    VoteItem.objects.bulk_create(items)
    audit_log(
        actor=user,
        action="workshop.vote_open",
        obj=vote,
        process=workshop.process,
        items=len(items),
    )
    return vote


def _check_dots(vote: Vote, dots: Mapping, item_ids: set[int]) -> dict[int, int]:
    clean: dict[int, int] = {}
    for key, value in dots.items():
        try:
            item_id, count = int(key), int(value or 0)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Dots must be whole numbers.")) from exc
        if item_id not in item_ids:
            raise ValidationError(_("You voted on a card that is not part of this vote."))
        if count < 0:
            raise ValidationError(_("Dots cannot be negative."))
        if count > vote.max_per_item:
            raise ValidationError(_("At most %(n)s dots per card.") % {"n": vote.max_per_item})
        if count:
            clean[item_id] = count
    total = sum(clean.values())
    if total == 0:
        raise ValidationError(_("Place at least one dot."))
    if total > vote.dots_per_participant:
        raise ValidationError(
            _("You have %(n)s dots; you placed %(total)s.")
            % {"n": vote.dots_per_participant, "total": total}
        )
    return clean


def _check_ratings(ratings: Mapping, item_ids: set[int]) -> dict[int, tuple[int, int]]:
    clean: dict[int, tuple[int, int]] = {}
    for key, pair in ratings.items():
        try:
            item_id = int(key)
            impact, feasibility = (int(v) for v in pair)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Ratings are whole numbers from 1 to 5.")) from exc
        if item_id not in item_ids:
            raise ValidationError(_("You rated an idea that is not part of this vote."))
        if impact not in SCALE or feasibility not in SCALE:
            raise ValidationError(_("Ratings are whole numbers from 1 to 5."))
        clean[item_id] = (impact, feasibility)
    if not clean:
        raise ValidationError(_("Rate at least one idea."))
    return clean


def ballot_cast(
    *,
    vote: Vote,
    participant: Participant,
    dots: Mapping | None = None,
    ratings: Mapping | None = None,
) -> Ballot:
    """Store one participant's ballot: ``dots`` {item id: dots} in a dot vote, ``ratings``
    {item id: (impact, feasibility)} in a rating. Refused (``ValidationError``) after the
    vote closed, a second time, with more dots than allowed (in total or per card) or on an
    item that is not in the vote; nothing is stored then.
    """
    if participant.workshop_id != vote.workshop_id:
        raise PermissionDenied(_("You did not join this workshop."))
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("This vote is closed."))
    item_ids = getattr(vote, "ballot_item_ids", None)  # selectors.vote_for_ballot
    if item_ids is None:
        item_ids = VoteItem.objects.filter(vote_id=vote.pk).order_by().values_list("pk", flat=True)
    item_ids = set(item_ids)
    if vote.mode == Vote.Mode.DOTS:
        clean_dots = _check_dots(vote, dots or {}, item_ids)
        entries = [BallotEntry(item_id=i, dots=n) for i, n in clean_dots.items()]
    else:
        clean_ratings = _check_ratings(ratings or {}, item_ids)
        entries = [
            BallotEntry(item_id=i, impact=a, feasibility=b) for i, (a, b) in clean_ratings.items()
        ]
    try:
        if connection.vendor == "postgresql":
            if not connection.in_atomic_block:
                return _store_ballot_postgresql(vote, participant, entries)
            with transaction.atomic():  # a savepoint: a refused ballot keeps the caller's work
                return _store_ballot_postgresql(vote, participant, entries)
        with transaction.atomic():
            if _vote_status_shared(vote.pk) != Vote.Status.OPEN:
                raise ValidationError(_("This vote is closed."))
            ballot = Ballot.objects.create(vote=vote, participant=participant)
            for entry in entries:
                entry.ballot = ballot
            BallotEntry.objects.bulk_create(entries)
    except IntegrityError as exc:
        raise ValidationError(_("You have already voted.")) from exc
    return ballot


def _store_ballot_postgresql(vote: Vote, participant: Participant, entries) -> Ballot:
    """The ballot and its entries in one statement (one round trip, atomic on its own, or
    inside the caller's transaction). The vote's row is read FOR KEY SHARE as in
    ``_vote_status_shared``: a ballot either commits before ``vote_close`` counts, or finds the
    vote closed and stores nothing. A second ballot of the participant violates the unique
    constraint and stores nothing either."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH open_vote AS (
                SELECT id FROM {Vote._meta.db_table}
                WHERE id = %s AND status = %s FOR KEY SHARE
            ), ballot AS (
                INSERT INTO {Ballot._meta.db_table} (vote_id, participant_id, created_at)
                SELECT id, %s, %s FROM open_vote
                RETURNING id
            ), stored AS (
                INSERT INTO {BallotEntry._meta.db_table}
                    (ballot_id, item_id, dots, impact, feasibility)
                SELECT ballot.id, e.item_id, e.dots, e.impact, e.feasibility
                FROM ballot, unnest(%s::bigint[], %s::smallint[], %s::smallint[], %s::smallint[])
                    AS e (item_id, dots, impact, feasibility)
                RETURNING ballot_id
            )
            SELECT id, (SELECT count(*) FROM stored) FROM ballot
            """,
            [
                vote.pk,
                Vote.Status.OPEN,
                participant.pk,
                now,
                [e.item_id for e in entries],
                [e.dots for e in entries],
                [e.impact for e in entries],
                [e.feasibility for e in entries],
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise ValidationError(_("This vote is closed."))
    ballot = Ballot(pk=row[0], vote=vote, participant=participant, created_at=now)
    ballot._state.adding = False
    return ballot


def _vote_status_shared(vote_id: int) -> str | None:
    """The vote's status, read under a lock that ballots share with each other but that
    ``vote_close`` (FOR UPDATE) waits for: a ballot either commits before the close counts, or
    reads the closed status. (The foreign key alone does not do this: Django's constraints are
    checked at commit.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Vote._meta.db_table} WHERE id = %s FOR KEY SHARE",
                [vote_id],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    # SQLite writes one transaction at a time; a plain read is enough there.
    return Vote.objects.filter(pk=vote_id).order_by().values_list("status", flat=True).first()


def live_counts(vote: Vote) -> dict[int, dict]:
    """Item id -> {dots, ratings, impact, feasibility} from the ballots so far."""
    rows = (
        BallotEntry.objects.filter(item__vote=vote)
        .values("item_id")
        .annotate(
            dots=Sum("dots"),
            ratings=Count("impact"),
            impact=Avg("impact"),
            feasibility=Avg("feasibility"),
        )
    )
    return {r["item_id"]: r for r in rows}


def ranking(counts: list[tuple[int, int]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of (item id, dots) by dots, highest first."""
    ordered = sorted(counts, key=lambda pair: -pair[1])
    ranks: dict[int, int] = {}
    previous = None
    for index, (item_id, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = index
            previous = value
        ranks[item_id] = rank
    return ranks


@transaction.atomic
def vote_close(*, vote: Vote, user) -> Vote:
    """Close the vote and store each item's count (or mean ratings) and rank."""
    require(user, "workshops.change_workshop", vote.workshop)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != Vote.Status.OPEN:
        raise ValidationError(_("This vote is closed already."))
    vote.status = Vote.Status.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["status", "closed_at"])
    counts = live_counts(vote)
    items = list(vote.items.all())
    for item in items:
        row = counts.get(item.pk, {})
        item.dots = row.get("dots") or 0
        item.ratings = row.get("ratings") or 0
        item.impact = round(row["impact"], 2) if row.get("impact") is not None else None
        item.feasibility = (
            round(row["feasibility"], 2) if row.get("feasibility") is not None else None
        )
    if vote.mode == Vote.Mode.DOTS:
        ranks = ranking([(i.pk, i.dots) for i in items])
    else:
        ranks = ranking(
            [(i.pk, round((i.impact or 0) * (i.feasibility or 0) * 100)) for i in items]
        )
    for item in items:
        item.rank = ranks[item.pk]
    VoteItem.objects.bulk_update(items, ["dots", "ratings", "impact", "feasibility", "rank"])
    audit_log(
        actor=user,
        action="workshop.vote_close",
        obj=vote,
        process=vote.workshop.process,
        ballots=vote.ballots.count(),
    )
    return vote
