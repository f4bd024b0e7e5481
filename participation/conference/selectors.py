"""Reads for the conference: visible conferences, attendance figures, documentation."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import Conference, ConferenceCard, Registration, Statement, TopicTable
from ..selectors import process_list


def conference_list(*, user) -> QuerySet[Conference]:
    """Conferences of the processes ``user`` may open (staff and facilitators)."""
    return (
        Conference.objects.filter(process__in=process_list(user=user).values("pk"))
        .select_related("process")
        .order_by("-date")
    )


@dataclass
class Attendance:
    registered: int
    waitlisted: int
    checked_in: int
    capacity: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.registered)


def attendance(*, conference: Conference) -> Attendance:
    figures = conference.registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.REGISTERED)),
        waitlisted=Count("id", filter=Q(status=Registration.Status.WAITLISTED)),
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    return Attendance(capacity=conference.capacity, **figures)


def registration_search(*, conference: Conference, search: str = "") -> QuerySet[Registration]:
    qs = conference.registrations.exclude(status=Registration.Status.CANCELLED)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(organisation__icontains=search))
    return qs.order_by("name", "id")


def tables_with_cards(*, conference: Conference) -> QuerySet[TopicTable]:
    return (
        conference.tables.select_related("field_of_action", "facilitator")
        .prefetch_related(
            Prefetch("cards", queryset=ConferenceCard.objects.select_related("author"))
        )
        .annotate(card_count=Count("cards"))
    )


def card_kinds(*, conference: Conference) -> dict[int, str]:
    """Card id -> statement kind label, read in one query."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(ConferenceCard)
    kinds = dict(Statement.Kind.choices)
    return {
        source_id: str(kinds.get(kind, kind))
        for source_id, kind in Statement.objects.filter(
            source_type=ct,
            source_id__in=ConferenceCard.objects.filter(table__conference=conference).values("pk"),
        ).values_list("source_id", "kind")
    }


def next_on_waiting_list(*, conference: Conference) -> Registration | None:
    """The registration that moves up when a place becomes free."""
    return (
        conference.registrations.filter(status=Registration.Status.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
