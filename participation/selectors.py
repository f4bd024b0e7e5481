"""Reads for the participation core that more than one caller needs."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from .dashboard import phase_counts, phase_links
from .models import Organisation, Person, Phase, Process, ProcessMembership
from .permissions import roles_of, staff_process_ids


def process_list(*, user) -> QuerySet[Process]:
    """The processes ``user`` may open (staff and facilitators; experts see none here)."""
    qs = Process.objects.all()
    if not getattr(user, "is_superuser", False):
        visible = [
            pid
            for pid, role in roles_of(user).items()
            if role in (ProcessMembership.Role.STAFF, ProcessMembership.Role.FACILITATOR)
        ]
        qs = qs.filter(pk__in=visible)
    return qs.annotate(phase_count=Count("phases", distinct=True)).order_by("-period_start")


def memberships_without_access(*, user) -> QuerySet[ProcessMembership]:
    """The processes ``user`` takes part in without opening them (experts): shown on their home
    page with their role, so a member never reads that they take part in nothing."""
    visible = process_list(user=user).values("pk")
    return (
        ProcessMembership.objects.filter(user=user)
        .exclude(process__in=visible)
        .select_related("process")
        .order_by("-process__period_start")
    )


@dataclass
class PhaseSummary:
    phase: Phase
    figures: list[tuple[str, int]] = field(default_factory=list)
    # planned, running, done (over, with results) or empty (over, nothing recorded in it)
    state: str = "planned"
    links: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ProcessDashboard:
    process: Process
    phases: list[PhaseSummary]
    members_by_role: dict[str, int]
    people: int
    organisations: int
    target_groups: list
    fields_of_action: list


def process_dashboard(*, process: Process, today, user=None) -> ProcessDashboard:
    phases = []
    all_phases = list(process.phases.all())
    links = phase_links(all_phases, user) if user is not None else {}
    for phase in all_phases:
        figures = phase_counts(phase)
        if phase.end_date < today:
            # A phase is only "completed" when something was recorded in it.
            state = "done" if any(count for _label, count in figures) else "empty"
        else:
            state = "running" if phase.start_date <= today else "planned"
        phases.append(
            PhaseSummary(phase=phase, figures=figures, state=state, links=links.get(phase.pk, []))
        )
    members = dict(
        process.memberships.values_list("role").annotate(n=Count("id")).values_list("role", "n")
    )
    return ProcessDashboard(
        process=process,
        phases=phases,
        members_by_role={
            label: members.get(value, 0) for value, label in ProcessMembership.Role.choices
        },
        people=process.people.filter(erased_at__isnull=True).count(),
        organisations=Organisation.objects.filter(people__processes=process).distinct().count(),
        target_groups=list(process.target_groups.all()),
        fields_of_action=list(process.fields_of_action.all()),
    )


def directory_processes(*, user) -> QuerySet[Process]:
    """The processes whose directory entries ``user`` keeps (project staff; superusers all)."""
    if getattr(user, "is_superuser", False):
        return Process.objects.all()
    return Process.objects.filter(pk__in=staff_process_ids(user))


def _in_directory_of(qs: QuerySet, user) -> QuerySet:
    """People or organisations of the processes whose directory ``user`` keeps."""
    if getattr(user, "is_superuser", False):
        return qs
    ids = staff_process_ids(user)
    return qs.filter(pk__in=qs.model.objects.filter(processes__in=ids).values("pk"))


def person_list(
    *,
    user,
    search: str = "",
    process: Process | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[Person]:
    """People in the directory of ``user``'s processes (a person belongs to the processes that
    work with them; a person in no process is seen by platform administrators only)."""
    qs = _in_directory_of(Person.objects.select_related("organisation"), user)
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__name__icontains=search)
        )
    if process is not None:
        qs = qs.filter(processes=process)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs


def organisation_list(*, user, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = _in_directory_of(Organisation.objects.all(), user).annotate(people_count=Count("people"))
    qs = qs.order_by("name")
    if search:
        qs = qs.filter(name__icontains=search)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
