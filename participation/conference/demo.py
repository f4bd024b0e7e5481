"""Demo kick-off conference with agenda, registrations, check-ins and table cards. Idempotent.
The texts are data (``participation/data/demo_conference.yaml``)."""

from datetime import datetime, time
from functools import cache
from pathlib import Path

import yaml
from django.utils import timezone

from participation.demo import ascii_address

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

DATA = Path(__file__).resolve().parents[1] / "data" / "demo_conference.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


TITLE: str = _data()["conference"]["title"]


def seed(ctx) -> None:
    process = ctx.process
    staff = ctx.users["staff"]
    conference = Conference.objects.filter(process=process, title=TITLE).first()
    if conference is None:
        conference = services.conference_save(
            process=process, user=staff, registration_open=True, **_data()["conference"]
        )
    if not conference.agenda.exists():
        for item in _data()["agenda"]:
            AgendaItem.objects.create(
                conference=conference,
                starts_at=time.fromisoformat(item["starts_at"]),
                title=item["title"],
                speaker=item["speaker"],
                room=item["room"],
            )
    if not conference.registrations.exists():
        arrival = timezone.make_aware(datetime(2025, 9, 18, 9, 40))
        for index, guest in enumerate(_data()["guests"]):
            name = guest["name"]
            email = ascii_address(name.replace(" ", ".") + "@example.org")
            Registration.objects.create(
                conference=conference,
                name=name,
                organisation=guest["organisation"],
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
    for row in _data()["tables"]:
        field_code, username = row["field_of_action"], row["facilitator"]
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
            for card in row["cards"]:
                services.card_create(
                    table=table,
                    user=ctx.users[username],
                    text=card["text"],
                    kind=Statement.Kind(card["kind"]),
                    target_groups=list(
                        TargetGroup.objects.filter(code="ukraine") if field_code == "work" else []
                    ),
                )
