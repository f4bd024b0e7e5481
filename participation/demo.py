"""Demo data of the participation core. Idempotent: natural keys and get_or_create throughout.
The process, accounts, phases, organisations and people are data (``data/demo_process.yaml``)."""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
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

DATA = Path(__file__).with_name("data") / "demo_process.yaml"


@cache
def _data() -> dict:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


DEMO_PASSWORD: str = _data()["password"]
# username, role, first name, last name
DEMO_USERS = [
    (user["username"], ProcessMembership.Role(user["role"]), user["first_name"], user["last_name"])
    for user in _data()["users"]
]
PROCESS_TITLE: str = _data()["process"]["title"]
STAFF_GROUP: str = _data()["staff_group"]["name"]


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
        Permission.objects.filter(content_type__app_label__in=_data()["staff_group"]["apps"])
    )
    return group


def seed() -> DemoContext:
    User = get_user_model()
    ensure_catalogues(TargetGroup, FieldOfAction)
    values = dict(_data()["process"])
    values["status"] = Process.Status(values["status"])
    process, _ = Process.objects.get_or_create(title=values.pop("title"), defaults=values)
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

    for order, row in enumerate(_data()["phases"], start=1):
        phase, _ = Phase.objects.get_or_create(
            process=process,
            order=order,
            defaults={
                "kind": Phase.Kind(row["kind"]),
                "title": row["title"],
                "start_date": row["start"],
                "end_date": row["end"],
            },
        )
        ctx.phases[row["key"]] = phase

    by_name = {}
    for row in _data()["organisations"]:
        org, _ = Organisation.objects.get_or_create(
            name=row["name"], defaults={"kind": Organisation.Kind(row["kind"])}
        )
        org.processes.add(process)
        ctx.organisations.append(org)
        by_name[row["name"]] = org

    consent = _data()["consent"]
    for row in _data()["people"]:
        first, last = row["first_name"], row["last_name"]
        person, created = Person.objects.get_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "email": f"{first.lower()}.{last.lower()}@example.org".replace("ı", "i"),
                "function": row["function"],
                "organisation": by_name[row["organisation"]],
                "consent_to_contact": True,
                "consent_date": consent["date"],
                "consent_purpose": consent["purpose"],
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
