"""Reads of the workshops app shared by pages, API, exports and the process dashboard."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from participation.models import Organisation, Process, ProcessMembership, Statement
from participation.permissions import roles_of

from .models import Card, Cluster, Column, Photo, Vote, VoteItem, Workshop, WorkshopInvitation


def phase_figures(phase) -> list[tuple[str, int]]:
    """Dashboard figures of the workshops phase."""
    workshops = Workshop.objects.filter(process_id=phase.process_id).aggregate(
        total=Count("id"),
        documented=Count(
            "id", filter=Q(status__in=[Workshop.Status.DOCUMENTED, Workshop.Status.CLOSED])
        ),
    )
    cards = Card.objects.filter(
        workshop__process_id=phase.process_id, status=Card.Status.ACCEPTED
    ).count()
    attended = WorkshopInvitation.objects.filter(
        workshop__process_id=phase.process_id, checked_in_at__isnull=False
    ).count()
    votes = Vote.objects.filter(
        workshop__process_id=phase.process_id, status=Vote.Status.CLOSED
    ).count()
    return [
        (_("Workshops"), workshops["total"]),
        (_("Documented workshops"), workshops["documented"]),
        (_("Workshop attendance"), attended),
        (_("Workshop cards"), cards),
        (_("Finished votes"), votes),
    ]


def workshop_list(*, user, process: Process | None = None) -> QuerySet[Workshop]:
    """The workshops ``user`` may see: all of their processes as staff or facilitator; as an
    expert only those they are invited to."""
    qs = Workshop.objects.select_related("process").prefetch_related(
        "fields_of_action", "facilitators"
    )
    if process is not None:
        qs = qs.filter(process=process)
    if not getattr(user, "is_authenticated", False):
        return qs.none().annotate(card_count=Count("cards"))
    if not getattr(user, "is_superuser", False):
        roles = roles_of(user)
        working = [
            pid
            for pid, role in roles.items()
            if role in (ProcessMembership.Role.STAFF, ProcessMembership.Role.FACILITATOR)
        ]
        expert = [pid for pid, role in roles.items() if role == ProcessMembership.Role.EXPERT]
        qs = qs.filter(
            Q(process_id__in=working) | Q(process_id__in=expert, invitations__person__user=user)
        ).distinct()
    return qs.annotate(card_count=Count("cards", filter=Q(cards__status="accepted"), distinct=True))


@dataclass
class ColumnBlock:
    column: Column
    clusters: list[tuple[Cluster, list[Card]]]
    loose: list[Card]

    @property
    def count(self) -> int:
        return len(self.loose) + sum(len(cards) for _c, cards in self.clusters)


def board(*, workshop: Workshop) -> list[ColumnBlock]:
    """The accepted cards by column, clusters first (in their order), then unclustered cards."""
    cards = list(
        Card.objects.filter(workshop=workshop, status=Card.Status.ACCEPTED)
        .select_related("cluster")
        .prefetch_related("target_groups", "merged_from")
        .order_by("position", "id")
    )
    clusters = list(Cluster.objects.filter(workshop=workshop).order_by("position", "id"))
    blocks = []
    for column in Column:
        in_column = [c for c in cards if c.column == column]
        blocks.append(
            ColumnBlock(
                column=column,
                clusters=[
                    (cl, [c for c in in_column if c.cluster_id == cl.pk])
                    for cl in clusters
                    if cl.column == column
                ],
                loose=[c for c in in_column if c.cluster_id is None],
            )
        )
    return blocks


def queue(*, workshop: Workshop) -> QuerySet[Card]:
    return (
        Card.objects.filter(workshop=workshop, status=Card.Status.QUEUED)
        .select_related("participant")
        .order_by("created_at", "id")
    )


def board_state(*, workshop: Workshop) -> dict:
    """Everything a board refresh needs, as plain data (JSON for the polling script and API)."""
    cards = (
        Card.objects.filter(
            workshop=workshop, status__in=[Card.Status.ACCEPTED, Card.Status.QUEUED]
        )
        .order_by("column", "position", "id")
        .values(
            "id",
            "number",
            "column",
            "kind",
            "text",
            "note",
            "cluster_id",
            "position",
            "status",
            "version",
        )
    )
    clusters = Cluster.objects.filter(workshop=workshop).values("id", "column", "title", "position")
    vote = workshop.votes.filter(status=Vote.Status.OPEN).first()
    return {
        "workshop": workshop.pk,
        "status": workshop.status,
        "cards": list(cards),
        "clusters": list(clusters),
        "vote": vote_state(vote) if vote else None,
    }


def vote_state(vote: Vote) -> dict:
    from .services.votes import live_counts

    counts = live_counts(vote)
    return {
        "id": vote.pk,
        "title": vote.title,
        "mode": vote.mode,
        "status": vote.status,
        "ballots": vote.ballots.count(),
        "dots_per_participant": vote.dots_per_participant,
        "max_per_item": vote.max_per_item,
        "items": [
            {
                "id": item.pk,
                "label": item.label,
                "dots": item.dots
                if vote.status == Vote.Status.CLOSED
                else (counts.get(item.pk, {}).get("dots") or 0),
                "rank": item.rank,
                "impact": item.impact
                if vote.status == Vote.Status.CLOSED
                else counts.get(item.pk, {}).get("impact"),
                "feasibility": item.feasibility
                if vote.status == Vote.Status.CLOSED
                else counts.get(item.pk, {}).get("feasibility"),
            }
            for item in vote.items.all()
        ],
    }


def vote_results(*, workshop: Workshop) -> list[tuple[Vote, list[VoteItem]]]:
    """Closed votes with their items by rank."""
    votes = workshop.votes.filter(status=Vote.Status.CLOSED).prefetch_related(
        Prefetch("items", queryset=VoteItem.objects.order_by("rank", "position"))
    )
    return [(v, list(v.items.all())) for v in votes]


@dataclass
class Attendance:
    invited: int
    accepted: int
    declined: int
    present: int
    capacity: int
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    participants: int = 0


def attendance(*, workshop: Workshop) -> Attendance:
    """Invitation answers and presence; presence counted by kind of organisation (no names)."""
    figures = workshop.invitations.aggregate(
        invited=Count("id"),
        accepted=Count("id", filter=Q(response=WorkshopInvitation.Response.ACCEPTED)),
        declined=Count("id", filter=Q(response=WorkshopInvitation.Response.DECLINED)),
        present=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    kinds = Counter(
        workshop.invitations.filter(checked_in_at__isnull=False).values_list(
            "person__organisation__kind", flat=True
        )
    )
    labels = dict(Organisation.Kind.choices)
    by_kind = sorted(
        ((str(labels.get(k, _("No organisation"))), n) for k, n in kinds.items()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return Attendance(
        capacity=workshop.capacity,
        by_kind=by_kind,
        participants=workshop.participants.count(),
        **figures,
    )


def invitation_search(*, workshop: Workshop, search: str = "") -> QuerySet[WorkshopInvitation]:
    qs = workshop.invitations.select_related("person__organisation").exclude(
        response=WorkshopInvitation.Response.DECLINED
    )
    if search:
        qs = qs.filter(
            Q(person__first_name__icontains=search)
            | Q(person__last_name__icontains=search)
            | Q(person__organisation__name__icontains=search)
        )
    return qs.order_by("person__last_name", "person__first_name", "id")


def photos(*, workshop: Workshop) -> QuerySet[Photo]:
    return workshop.photos.all()


# --- briefing pack ------------------------------------------------------------------------


@dataclass
class StatementGroup:
    kind: str
    label: str
    by_group: list[tuple[str, list[Statement]]]
    count: int


def briefing_statements(*, workshop: Workshop, limit: int = 40) -> list[StatementGroup]:
    """The pool's statements for the workshop's fields of action, by kind and target group.

    Only text, kind and the pseudonymised source label are read: never a name.
    """
    fields = list(workshop.fields_of_action.values_list("pk", flat=True))
    statements = (
        Statement.objects.filter(process=workshop.process, fields_of_action__in=fields)
        .exclude(
            source_type__model="card",
            source_type__app_label="workshops",
            source_id__in=workshop.cards.values("pk"),
        )
        .distinct()
        .prefetch_related("target_groups")
        .only("id", "text", "kind", "source_label", "created_at")
        .order_by("kind", "-created_at", "-id")
    )
    grouped: dict[str, dict[str, list[Statement]]] = defaultdict(lambda: defaultdict(list))
    counts: Counter = Counter()
    for statement in statements:
        counts[statement.kind] += 1
        groups = [g.label for g in statement.target_groups.all()] or [_("All target groups")]
        for label in groups:
            if len(grouped[statement.kind][label]) < limit:
                grouped[statement.kind][label].append(statement)
    order = [
        Statement.Kind.STRENGTH,
        Statement.Kind.PROBLEM,
        Statement.Kind.NEED,
        Statement.Kind.IDEA,
        Statement.Kind.OTHER,
    ]
    return [
        StatementGroup(
            kind=kind,
            label=str(Statement.Kind(kind).label),
            by_group=sorted(grouped[kind].items()),
            count=counts[kind],
        )
        for kind in order
        if kind in grouped
    ]


def briefing_survey_figures(*, workshop: Workshop) -> list[dict]:
    """Figures of survey questions tagged with the workshop's fields of action, broken down by
    target group where the survey allows it, always with small counts suppressed."""
    from surveys.models import QuestionTopic
    from surveys.results import reports
    from surveys.results.cells import TARGET_GROUP
    from surveys.views.results import question_chart

    topics = (
        QuestionTopic.objects.filter(
            survey__process=workshop.process,
            fields_of_action__in=workshop.fields_of_action.all(),
            survey__current_version__isnull=False,
        )
        .select_related("survey__current_version")
        .distinct()
        .order_by("survey_id", "question")
    )
    out = []
    for topic in topics:
        version = topic.survey.current_version
        names = {b.name for b in reports.breakdowns(version)}
        try:
            result = reports.question_result(
                version,
                topic.question,
                breakdown=TARGET_GROUP if TARGET_GROUP in names else "",
                suppress=True,
            )
        except KeyError:  # the question is gone from the current version
            continue
        result["survey_title"] = str(topic.survey)
        result["chart"] = question_chart(result)
        out.append(result)
    return out


def briefing_indicators(*, workshop: Workshop) -> list[dict]:
    """Monitoring tiles of the areas related to the workshop's fields of action (same code),
    with latest value, trend and the gap to NRW and Bund in the same year."""
    from monitoring.models import IndicatorValue
    from monitoring.selectors import dashboard
    from monitoring.services.catalogue import territory_scope

    codes = set(workshop.fields_of_action.values_list("code", flat=True))
    blocks = [b for b in dashboard(process=workshop.process) if b.area.code in codes]
    refs = {t.pk: t for t in territory_scope(workshop.process) if t.level in ("land", "bund")}
    out = []
    for block in blocks:
        tiles = []
        for tile in block.tiles:
            if tile.year is None:
                continue
            gaps = []
            if tile.value is not None and refs:
                for value in IndicatorValue.objects.filter(
                    indicator=tile.indicator,
                    territory_id__in=refs,
                    year=tile.year,
                    target_group__isnull=True,
                    sex="",
                    age_group="",
                    cell="tg=|sex=|age=",
                ):
                    if value.published_value is not None:
                        gaps.append(
                            (
                                refs[value.territory_id].name,
                                value.published_value,
                                tile.value - value.published_value,
                            )
                        )
            tiles.append({"tile": tile, "gaps": gaps})
        if tiles:
            out.append({"area": block.area, "tiles": tiles})
    return out


def invitations_to_send(*, workshop: Workshop, reminder: bool = False) -> QuerySet:
    """The invitations that "send" reaches: not yet sent, or (``reminder``) sent and unanswered.

    Erased people get nothing.
    """
    qs = workshop.invitations.exclude(person__erased_at__isnull=False)
    if reminder:
        return qs.filter(sent_at__isnull=False, response=WorkshopInvitation.Response.PENDING)
    return qs.filter(sent_at__isnull=True)


# A device key is handed out by the server (``new_device_key``); anything longer is not one.
DEVICE_KEY_MAX_LENGTH = 100


def device_hash(device_key: str) -> str | None:
    """How a device key is stored on its participant; None for a missing or impossible key,
    which belongs to no participant."""
    from core.tokens import hash_token

    if not device_key or len(device_key) > DEVICE_KEY_MAX_LENGTH:
        return None
    return hash_token(device_key)


def vote_for_ballot(vote_id: int, device_key: str) -> Vote | None:
    """The vote a device casts its ballot in, with its item ids (``ballot_item_ids``) and the
    device's participant in its workshop (``device_participant_id``, None if it has not
    joined): one query on PostgreSQL, where a crowd of phones votes at once."""
    from .models import Participant

    hashed = device_hash(device_key)
    if connection.vendor == "postgresql":
        found = list(
            Vote.objects.raw(
                f"""
                SELECT v.*,
                    (SELECT p.id FROM {Participant._meta.db_table} p
                     WHERE p.workshop_id = v.workshop_id AND p.device_hash = %s
                     LIMIT 1) AS device_participant_id,
                    ARRAY(SELECT i.id FROM {VoteItem._meta.db_table} i
                          WHERE i.vote_id = v.id) AS ballot_item_ids
                FROM {Vote._meta.db_table} v WHERE v.id = %s
                """,
                [hashed, vote_id],
            )
        )
        return found[0] if found else None
    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is not None:
        vote.ballot_item_ids = list(vote.items.values_list("pk", flat=True))
        vote.device_participant_id = (
            Participant.objects.filter(workshop_id=vote.workshop_id, device_hash=hashed)
            .values_list("pk", flat=True)
            .first()
            if hashed
            else None
        )
    return vote
