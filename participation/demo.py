"""Demo data of the participation core. Idempotent: natural keys and get_or_create throughout."""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from .catalogue_data import ensure_catalogues
from .models import (
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
)

DEMO_PASSWORD = "teilhabe-demo"
DEMO_USERS = [
    # username, role, first name, last name
    ("staff", ProcessMembership.Role.STAFF, "Petra", "Projektleitung"),
    ("facilitator", ProcessMembership.Role.FACILITATOR, "Mehmet", "Moderation"),
    ("facilitator2", ProcessMembership.Role.FACILITATOR, "Anna", "Nowak"),
    ("expert", ProcessMembership.Role.EXPERT, "Eva", "Expertin"),
]
PROCESS_TITLE = "Integrationskonzept Kreis Gütersloh 2025"
STAFF_GROUP = "Projektteam"


@dataclass
class DemoContext:
    process: Process
    users: dict = field(default_factory=dict)
    phases: dict = field(default_factory=dict)
    people: list = field(default_factory=list)
    organisations: list = field(default_factory=list)


def _staff_group() -> Group:
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "participation",
                "surveys",
                "workshops",
                "measures",
                "monitoring",
            ]
        )
    )
    return group


def seed() -> DemoContext:
    User = get_user_model()
    ensure_catalogues(TargetGroup, FieldOfAction)
    process, _ = Process.objects.get_or_create(
        title=PROCESS_TITLE,
        defaults={
            "territory": "Kreis Gütersloh",
            "territory_key": "05754",
            "period_start": date(2025, 1, 1),
            "period_end": date(2026, 12, 31),
            "status": Process.Status.ACTIVE,
            "description": (
                "Beteiligungsprozess zur Fortschreibung des Integrationskonzepts: Interviews, "
                "zwei Online-Befragungen, Auftaktkonferenz, Workshops je Handlungsfeld und ein "
                "jährliches Integrationsmonitoring. (Demodaten)"
            ),
        },
    )
    if not process.target_groups.exists():
        process.target_groups.set(TargetGroup.objects.filter(active=True))
    if not process.fields_of_action.exists():
        process.fields_of_action.set(FieldOfAction.objects.filter(active=True))

    ctx = DemoContext(process=process)
    group = _staff_group()
    for username, role, first, last in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == ProcessMembership.Role.STAFF:
                user.is_staff = True
            user.save()
        if role == ProcessMembership.Role.STAFF:
            user.groups.add(group)
        ProcessMembership.objects.get_or_create(process=process, user=user, defaults={"role": role})
        ctx.users[username] = user

    phases = [
        (
            "interviews",
            Phase.Kind.INTERVIEWS,
            "Qualitative Interviews",
            date(2025, 2, 1),
            date(2025, 4, 30),
        ),
        (
            "survey-experts",
            Phase.Kind.SURVEY,
            "Online-Befragung der Fachkräfte",
            date(2025, 4, 1),
            date(2025, 5, 31),
        ),
        (
            "survey-residents",
            Phase.Kind.SURVEY,
            "Online-Befragung der Bevölkerung",
            date(2025, 5, 1),
            date(2025, 7, 15),
        ),
        (
            "conference",
            Phase.Kind.CONFERENCE,
            "Auftaktkonferenz",
            date(2025, 9, 18),
            date(2025, 9, 18),
        ),
        (
            "workshops",
            Phase.Kind.WORKSHOPS,
            "Workshops je Handlungsfeld",
            date(2025, 10, 1),
            date(2026, 1, 31),
        ),
        (
            "drafting",
            Phase.Kind.DRAFTING,
            "Erstellung des Konzepts",
            date(2026, 2, 1),
            date(2026, 6, 30),
        ),
        (
            "monitoring",
            Phase.Kind.MONITORING,
            "Integrationsmonitoring",
            date(2026, 7, 1),
            date(2026, 12, 31),
        ),
    ]
    for order, (key, kind, title, start, end) in enumerate(phases, start=1):
        phase, _ = Phase.objects.get_or_create(
            process=process,
            order=order,
            defaults={"kind": kind, "title": title, "start_date": start, "end_date": end},
        )
        ctx.phases[key] = phase

    organisations = [
        ("Kreis Gütersloh – Kommunales Integrationszentrum", Organisation.Kind.ADMINISTRATION),
        ("Jobcenter Kreis Gütersloh", Organisation.Kind.JOB_CENTRE),
        ("Caritasverband für den Kreis Gütersloh", Organisation.Kind.WELFARE),
        ("Diakonie Gütersloh", Organisation.Kind.WELFARE),
        ("Gesamtschule Musterstadt", Organisation.Kind.SCHOOL),
        ("Ukrainischer Verein OWL e. V.", Organisation.Kind.MIGRANT),
        ("Türkisch-Deutscher Elternverein", Organisation.Kind.MIGRANT),
        ("IHK Ostwestfalen", Organisation.Kind.EMPLOYER),
    ]
    for name, kind in organisations:
        org, _ = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        ctx.organisations.append(org)

    people = [
        ("Sabine", "Krüger", "Leitung Kommunales Integrationszentrum", 0),
        ("Jonas", "Becker", "Teamleitung Markt und Integration", 1),
        ("Aylin", "Demir", "Migrationsberatung", 2),
        ("Thomas", "Wagner", "Flüchtlingsberatung", 3),
        ("Maria", "Schulz", "Schulleitung", 4),
        ("Olena", "Koval", "Vorsitzende", 5),
        ("Hasan", "Yıldız", "Elternvertreter", 6),
        ("Frank", "Meier", "Ausbildungsberatung", 7),
    ]
    for first, last, function, org_index in people:
        person, created = Person.objects.get_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "email": f"{first.lower()}.{last.lower()}@example.org".replace("ı", "i"),
                "function": function,
                "organisation": ctx.organisations[org_index],
                "consent_to_contact": True,
                "consent_date": date(2025, 1, 15),
                "consent_purpose": "Einladungen zum Beteiligungsprozess",
            },
        )
        if created:
            person.processes.add(process)
        ctx.people.append(person)

    # Interviews with coding and the kick-off conference (they feed the Statement pool).
    from .conference import demo as conference_demo
    from .interviews import demo as interview_demo

    interview_demo.seed(ctx)
    conference_demo.seed(ctx)
    return ctx
