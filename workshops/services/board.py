"""The result board: cards, clusters, the participants' queue, merging, and the Statements.

Every accepted card is one Statement of the pool, written only through
``participation.services.statement_create/statement_update/statement_delete_for_source``.
Edits carry the card's ``version``; a write based on an older version is refused with
``CardConflict`` so that two facilitators never overwrite each other.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.ratelimit import exceeded
from participation import services as pool
from participation.models import TargetGroup
from participation.services import _catalogue_ids, audit_log

from ..models import COLUMN_KINDS, Card, Cluster, Column, Participant, Workshop
from .workshops import require

EDITABLE = (Workshop.Status.PLANNED, Workshop.Status.RUNNING, Workshop.Status.DOCUMENTED)
MAX_TEXT = 2000


class CardConflict(ValidationError):
    """The card was changed by someone else since the editor loaded it."""

    def __init__(self, card: Card):
        self.card = card
        super().__init__(
            _(
                "Someone else changed this card in the meantime. Their version is shown; your "
                "text is kept in the form, so you can apply your change again."
            ),
            code="conflict",
        )


def _check_editable(workshop: Workshop) -> None:
    if workshop.status not in EDITABLE:
        raise ValidationError(_("The workshop is closed; its board can no longer be changed."))


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("A card needs a text.")]})
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": [_("A card holds at most %(n)s characters.") % {"n": MAX_TEXT}]}
        )
    return text


def _kind_for(column: str, kind: str | None) -> str:
    if column not in Column.values:
        raise ValidationError({"column": [_("Unknown column %(c)s.") % {"c": column}]})
    allowed = COLUMN_KINDS[Column(column)]
    if not kind:
        return allowed[0]
    if kind not in allowed:
        raise ValidationError(
            {
                "kind": [
                    _("A card in %(column)s is one of: %(kinds)s.")
                    % {
                        "column": Column(column).label,
                        "kinds": ", ".join(str(k.label) for k in allowed),
                    }
                ]
            }
        )
    return kind


def _group_ids(workshop: Workshop, groups) -> list[int]:
    return _catalogue_ids(workshop.process, groups, TargetGroup, "target_groups")


def _cluster_for(workshop: Workshop, column: str, cluster) -> Cluster | None:
    if cluster in (None, ""):
        return None
    cluster_id = getattr(cluster, "pk", cluster)
    found = Cluster.objects.filter(pk=cluster_id, workshop=workshop).first()
    if found is None:
        raise ValidationError({"cluster": [_("This cluster does not belong to the workshop.")]})
    if found.column != column:
        raise ValidationError({"cluster": [_("The cluster is in another column.")]})
    return found


def _next_position(workshop: Workshop, column: str) -> int:
    last = Card.objects.filter(workshop=workshop, column=column).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def _write_statement(card: Card, user=None) -> None:
    """Create or update the card's Statement (accepted cards only)."""
    statement = pool.statement_for_source(card)
    values = {
        "text": card.text,
        "kind": card.kind,
        "fields_of_action": list(card.workshop.fields_of_action.values_list("pk", flat=True)),
        "target_groups": list(card.target_groups.values_list("pk", flat=True)),
    }
    if statement is None:
        pool.statement_create(
            process=card.workshop.process,
            source=card,
            source_label=card.source_label,
            author=user,
            **values,
        )
    else:
        pool.statement_update(statement=statement, **values)


@transaction.atomic
def card_create(
    *,
    workshop: Workshop,
    text: str,
    column: str,
    user=None,
    participant: Participant | None = None,
    kind: str | None = None,
    note: str = "",
    target_groups: Iterable = (),
    cluster=None,
    client_key: str = "",
) -> tuple[Card, bool]:
    """Add a card. Facilitators and staff (``user``) put it on the board at once and it becomes
    a Statement; a participant's card (``participant``) waits in the queue for the facilitator.

    ``client_key`` (chosen by the browser) makes retries safe: a second submit with the same
    key returns the first card and ``created=False``.
    """
    # The workshop row is the lock that hands out card numbers one after another; reading it
    # locked also gives the current status.
    workshop = Workshop.objects.select_for_update().select_related("process").get(pk=workshop.pk)
    if participant is not None:
        if participant.workshop_id != workshop.pk:
            raise PermissionDenied(_("You did not join this workshop."))
        if workshop.status != Workshop.Status.RUNNING:
            raise ValidationError(_("Cards can be added while the workshop is running."))
        limit = getattr(settings, "WORKSHOP_PARTICIPANT_CARDS_PER_MINUTE", 20)
        if exceeded("workshop-card", str(participant.pk), limit, 60):
            raise ValidationError(
                _("You sent many cards in a short time. Please wait a minute and send it again.")
            )
    else:
        require(user, "workshops.change_workshop", workshop)
        _check_editable(workshop)
    client_key = (client_key or "")[:64]
    if client_key:
        existing = Card.objects.filter(workshop=workshop, client_key=client_key).first()
        if existing is not None:
            return existing, False
    text = _clean_text(text)
    kind = _kind_for(column, kind)
    groups = _group_ids(workshop, target_groups)
    found_cluster = _cluster_for(workshop, column, cluster) if participant is None else None
    number = (Card.objects.filter(workshop=workshop).aggregate(m=Max("number"))["m"] or 0) + 1
    card = Card.objects.create(
        workshop=workshop,
        number=number,
        column=column,
        kind=kind,
        text=text,
        note=(note or "").strip()[:500],
        cluster=found_cluster,
        position=_next_position(workshop, column),
        status=Card.Status.QUEUED if participant is not None else Card.Status.ACCEPTED,
        author=user if getattr(user, "is_authenticated", False) else None,
        participant=participant,
        client_key=client_key,
    )
    if groups:
        card.target_groups.set(groups)
    card.workshop = workshop
    if card.status == Card.Status.ACCEPTED:
        _write_statement(card, user)
    return card, True


def _locked(card: Card, version: int | None) -> Card:
    current = Card.objects.select_for_update().select_related("workshop").get(pk=card.pk)
    if version is not None and int(version) != current.version:
        raise CardConflict(current)
    return current


@transaction.atomic
def card_update(
    *,
    card: Card,
    user,
    version: int | None,
    text: str | None = None,
    kind: str | None = None,
    note: str | None = None,
    target_groups: Iterable | None = None,
) -> Card:
    """Edit a card's text, kind, note or target groups; its Statement follows.

    ``version`` is the version the editor started from; an older one raises ``CardConflict``.
    """
    require(user, "workshops.change_workshop", card.workshop)
    _check_editable(card.workshop)
    card = _locked(card, version)
    if card.status in (Card.Status.MERGED, Card.Status.REJECTED):
        raise ValidationError(_("This card is no longer on the board."))
    if text is not None:
        card.text = _clean_text(text)
    if kind not in (None, ""):
        card.kind = _kind_for(card.column, kind)
    if note is not None:
        card.note = note.strip()[:500]
    card.version += 1
    card.save()
    if target_groups is not None:
        card.target_groups.set(_group_ids(card.workshop, target_groups))
    if card.status == Card.Status.ACCEPTED:
        _write_statement(card, user)
    return card


@transaction.atomic
def card_move(
    *,
    card: Card,
    user,
    version: int | None,
    column: str | None = None,
    position: int | None = None,
    cluster=None,
    kind: str | None = None,
) -> Card:
    """Move a card to another column, cluster (``cluster=""`` takes it out) or position.

    Moving to another column changes the kind to the new column's first kind unless ``kind``
    names one that fits; the Statement follows. The other cards of the column are renumbered.
    """
    require(user, "workshops.change_workshop", card.workshop)
    _check_editable(card.workshop)
    card = _locked(card, version)
    if card.status != Card.Status.ACCEPTED:
        raise ValidationError(_("Only cards on the board can be moved."))
    workshop = card.workshop
    target_column = column or card.column
    if target_column != card.column:
        card.kind = _kind_for(
            target_column, kind if kind in COLUMN_KINDS.get(target_column, []) else None
        )
        card.column = target_column
        if cluster is None:
            cluster = ""
    elif kind:
        card.kind = _kind_for(target_column, kind)
    if cluster is not None:
        card.cluster = _cluster_for(workshop, target_column, cluster)
    siblings = list(
        Card.objects.filter(workshop=workshop, column=target_column, status=Card.Status.ACCEPTED)
        .exclude(pk=card.pk)
        .order_by("position", "id")
    )
    index = len(siblings) if position is None else max(0, min(int(position), len(siblings)))
    siblings.insert(index, card)
    for pos, sibling in enumerate(siblings):
        if sibling.pk != card.pk and sibling.position != pos:
            Card.objects.filter(pk=sibling.pk).update(position=pos)
    card.position = index
    card.version += 1
    card.save()
    _write_statement(card, user)
    return card


@transaction.atomic
def card_accept(
    *, card: Card, user, text: str | None = None, kind: str | None = None, column: str | None = None
) -> Card:
    """Take a participant's card from the queue onto the board (optionally edited first);
    it becomes a Statement."""
    require(user, "workshops.change_workshop", card.workshop)
    _check_editable(card.workshop)
    card = _locked(card, None)
    if card.status != Card.Status.QUEUED:
        raise ValidationError(_("This card is not waiting in the queue."))
    if column and column != card.column:
        card.column = column
        card.kind = _kind_for(column, kind)
        card.position = _next_position(card.workshop, column)
    elif kind:
        card.kind = _kind_for(card.column, kind)
    if text is not None:
        card.text = _clean_text(text)
    card.status = Card.Status.ACCEPTED
    card.version += 1
    card.save()
    _write_statement(card, user)
    audit_log(actor=user, action="workshop.card_accept", obj=card, process=card.workshop.process)
    return card


@transaction.atomic
def card_reject(*, card: Card, user, version: int | None = None) -> Card:
    """Reject a queued card or take a card off the board; its Statement is removed."""
    require(user, "workshops.change_workshop", card.workshop)
    _check_editable(card.workshop)
    card = _locked(card, version)
    if card.status not in (Card.Status.QUEUED, Card.Status.ACCEPTED):
        raise ValidationError(_("This card is no longer on the board."))
    if card.vote_items.filter(vote__status="open").exists():
        raise ValidationError(_("The card is part of an open vote; close the vote first."))
    card.status = Card.Status.REJECTED
    card.cluster = None
    card.version += 1
    card.save()
    pool.statement_delete_for_source(source=card)
    audit_log(actor=user, action="workshop.card_reject", obj=card, process=card.workshop.process)
    return card


@transaction.atomic
def cards_merge(*, workshop: Workshop, user, cards: Iterable[Card], text: str = "") -> Card:
    """Merge two or more cards of one column into the first: it takes ``text`` (or all texts
    joined), the union of the target groups, and keeps links to its originals
    (``merged_into``); the originals leave the board and the pool, the merged card's Statement
    is updated."""
    require(user, "workshops.change_workshop", workshop)
    _check_editable(workshop)
    cards = list(cards)
    if len({c.pk for c in cards}) < 2:
        raise ValidationError({"cards": [_("Choose at least two cards to merge.")]})
    locked = {
        c.pk: c for c in Card.objects.select_for_update().filter(pk__in=[c.pk for c in cards])
    }
    ordered = [locked[c.pk] for c in cards if c.pk in locked]
    if len(ordered) != len(cards) or any(c.workshop_id != workshop.pk for c in ordered):
        raise ValidationError({"cards": [_("The cards must belong to this workshop.")]})
    if any(c.status != Card.Status.ACCEPTED for c in ordered):
        raise ValidationError({"cards": [_("Only cards on the board can be merged.")]})
    if len({c.column for c in ordered}) > 1:
        raise ValidationError({"cards": [_("Only cards of one column can be merged.")]})
    target, others = ordered[0], ordered[1:]
    if any(c.vote_items.filter(vote__status="open").exists() for c in others):
        raise ValidationError(_("A card is part of an open vote; close the vote first."))
    groups = set(target.target_groups.values_list("pk", flat=True))
    for other in others:
        groups |= set(other.target_groups.values_list("pk", flat=True))
        other.status = Card.Status.MERGED
        other.merged_into = target
        other.cluster = None
        other.version += 1
        other.save()
        pool.statement_delete_for_source(source=other)
    target.workshop = workshop
    target.text = (
        _clean_text(text)
        if text and text.strip()
        else _clean_text("\n".join(c.text for c in ordered))
    )
    target.version += 1
    target.save()
    target.target_groups.set(groups)
    _write_statement(target, user)
    audit_log(
        actor=user,
        action="workshop.cards_merge",
        obj=target,
        process=workshop.process,
        merged=[c.pk for c in others],
    )
    return target


@transaction.atomic
def cluster_save(
    *,
    workshop: Workshop,
    user,
    title: str,
    column: str,
    cluster: Cluster | None = None,
    cards: Iterable[Card] = (),
) -> Cluster:
    """Create or rename a titled cluster of a column and (optionally) put ``cards`` into it."""
    require(user, "workshops.change_workshop", workshop)
    _check_editable(workshop)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("A cluster needs a title.")]})
    if column not in Column.values:
        raise ValidationError({"column": [_("Unknown column %(c)s.") % {"c": column}]})
    if cluster is None:
        last = Cluster.objects.filter(workshop=workshop, column=column).aggregate(
            m=Max("position")
        )["m"]
        cluster = Cluster(
            workshop=workshop, column=column, position=0 if last is None else last + 1
        )
    elif cluster.workshop_id != workshop.pk:
        raise ValidationError(_("The cluster belongs to another workshop."))
    cluster.title = title[:200]
    cluster.save()
    cards = list(cards)
    for card in cards:
        if card.workshop_id != workshop.pk or card.status != Card.Status.ACCEPTED:
            raise ValidationError({"cards": [_("Only cards on this board can be clustered.")]})
        if card.column != cluster.column:
            raise ValidationError({"cards": [_("The cards must be in the cluster's column.")]})
    if cards:
        for card in Card.objects.filter(pk__in=[c.pk for c in cards]):
            card.cluster = cluster
            card.version += 1
            card.save(update_fields=["cluster", "version", "updated_at"])
    audit_log(actor=user, action="workshop.cluster_save", obj=cluster, process=workshop.process)
    return cluster


@transaction.atomic
def cluster_delete(*, cluster: Cluster, user) -> None:
    """Dissolve a cluster; its cards stay on the board."""
    workshop = cluster.workshop
    require(user, "workshops.change_workshop", workshop)
    _check_editable(workshop)
    if cluster.vote_items.filter(vote__status="open").exists():
        raise ValidationError(_("The cluster is part of an open vote; close the vote first."))
    for card in cluster.cards.all():
        card.cluster = None
        card.version += 1
        card.save(update_fields=["cluster", "version", "updated_at"])
    audit_log(actor=user, action="workshop.cluster_delete", obj=cluster, process=workshop.process)
    cluster.delete()
