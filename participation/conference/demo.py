"""Demo kick-off conference with agenda, registrations, check-ins and table cards. Idempotent."""

from datetime import date, datetime, time

from django.utils import timezone

from ..models import (
    AgendaItem,
    Conference,
    FieldOfAction,
    Registration,
    Statement,
    TargetGroup,
    TopicTable,
)
from . import services

TITLE = "Auftaktkonferenz Integrationskonzept"
AGENDA = [
    (time(9, 30), "Ankommen und Anmeldung", "", "Foyer"),
    (time(10, 0), "Begrüßung durch den Landrat", "Landrat", "Großer Saal"),
    (time(10, 20), "Ergebnisse der Interviews und Befragungen", "Institut", "Großer Saal"),
    (time(11, 0), "Thementische je Handlungsfeld", "Moderation", "Räume 1–3"),
    (time(12, 30), "Ergebnisse im Plenum und Ausblick", "Projektleitung", "Großer Saal"),
]
GUESTS = [
    ("Sabine Krüger", "Kommunales Integrationszentrum"),
    ("Jonas Becker", "Jobcenter Kreis Gütersloh"),
    ("Aylin Demir", "Caritasverband"),
    ("Thomas Wagner", "Diakonie Gütersloh"),
    ("Maria Schulz", "Gesamtschule Musterstadt"),
    ("Olena Koval", "Ukrainischer Verein OWL e. V."),
    ("Hasan Yıldız", "Türkisch-Deutscher Elternverein"),
    ("Frank Meier", "IHK Ostwestfalen"),
    ("Lena Hoffmann", "Volkshochschule"),
    ("Dariusz Nowak", ""),
    ("Ioana Popescu", "Migrationsberatung"),
    ("Peter Schmidt", "Ehrenamtskreis Asyl"),
]
TABLES = [
    (
        "language",
        "facilitator",
        [
            ("Sprachcafés in jeder Stadt, auch abends", Statement.Kind.IDEA),
            ("Wartelisten für Integrationskurse sind zu lang", Statement.Kind.PROBLEM),
            ("Die VHS bietet schon Kurse mit Kinderbetreuung an", Statement.Kind.STRENGTH),
        ],
    ),
    (
        "work",
        "facilitator2",
        [
            ("Anerkennungsberatung in mehreren Sprachen", Statement.Kind.NEED),
            ("Betriebe wünschen feste Ansprechpersonen im Jobcenter", Statement.Kind.NEED),
        ],
    ),
    (
        "housing",
        "facilitator",
        [("Zu wenige bezahlbare Wohnungen für große Familien", Statement.Kind.PROBLEM)],
    ),
]


def seed(ctx) -> None:
    process = ctx.process
    staff = ctx.users["staff"]
    conference = Conference.objects.filter(process=process, title=TITLE).first()
    if conference is None:
        conference = services.conference_save(
            process=process,
            user=staff,
            title=TITLE,
            date=date(2025, 9, 18),
            venue="Kreishaus Gütersloh, Herzebrocker Str. 140",
            description=(
                "Wir stellen die Ergebnisse der Interviews und Befragungen vor und sammeln an "
                "Thementischen Ihre Erfahrungen und Ideen für das Integrationskonzept."
            ),
            capacity=10,
            registration_open=True,
        )
    if not conference.agenda.exists():
        for starts_at, title, speaker, room in AGENDA:
            AgendaItem.objects.create(
                conference=conference, starts_at=starts_at, title=title, speaker=speaker, room=room
            )
    if not conference.registrations.exists():
        arrival = timezone.make_aware(datetime(2025, 9, 18, 9, 40))
        for index, (name, organisation) in enumerate(GUESTS):
            email = name.lower().replace(" ", ".").replace("ı", "i") + "@example.org"
            Registration.objects.create(
                conference=conference,
                name=name,
                organisation=organisation,
                email=email,
                consent=True,
                accessibility_needs="Stufenloser Zugang" if index == 3 else "",
                status=(
                    Registration.Status.REGISTERED
                    if index < conference.capacity
                    else Registration.Status.WAITLISTED
                ),
                checked_in_at=arrival if index < 8 else None,
                confirmation_sent_at=arrival,
            )
    for field_code, username, cards in TABLES:
        field = FieldOfAction.objects.get(code=field_code)
        table = TopicTable.objects.filter(conference=conference, field_of_action=field).first()
        if table is None:
            table = services.table_save(
                conference=conference,
                user=staff,
                field_of_action=field,
                facilitator=ctx.users[username],
                title=f"Thementisch {field.name}",
            )
        if not table.cards.exists():
            for text, kind in cards:
                services.card_create(
                    table=table,
                    user=ctx.users[username],
                    text=text,
                    kind=kind,
                    target_groups=list(
                        TargetGroup.objects.filter(code="ukraine") if field_code == "work" else []
                    ),
                )
