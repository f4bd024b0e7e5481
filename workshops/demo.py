"""Demo workshops (data in ``data/demo.yaml``), created through the services. Idempotent: a
workshop whose title exists is left as it is."""

from datetime import datetime, time
from pathlib import Path

import yaml
from django.utils import timezone

from participation.models import FieldOfAction, TargetGroup

from . import services
from .models import Card, Workshop, WorkshopAgendaItem

DATA = Path(__file__).parent / "data" / "demo.yaml"


def _when(text: str | None):
    if not text:
        return None
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def _tag_questions(ctx, topics) -> None:
    from surveys.demo import RESIDENT_TITLE
    from surveys.models import QuestionTopic, Survey

    survey = Survey.objects.filter(process=ctx.process, title__de=RESIDENT_TITLE).first()
    if survey is None or survey.current_version is None:
        return
    codes = set(survey.current_version.questions.values_list("code", flat=True))
    for item in topics:
        if item["question"] not in codes:
            continue
        topic, _ = QuestionTopic.objects.get_or_create(survey=survey, question=item["question"])
        topic.fields_of_action.set(FieldOfAction.objects.filter(code__in=item["fields"]))


def seed(ctx) -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    _tag_questions(ctx, data.get("question_topics", []))
    staff = ctx.users["staff"]
    for spec in data["workshops"]:
        if Workshop.objects.filter(process=ctx.process, title=spec["title"]).exists():
            continue
        _workshop(ctx, staff, spec)


def _workshop(ctx, staff, spec: dict) -> None:
    facilitators = [ctx.users[name] for name in spec["facilitators"]]
    workshop = services.workshop_save(
        process=ctx.process,
        user=staff,
        title=spec["title"],
        fields_of_action=[FieldOfAction.objects.get(code=spec["field"])],
        starts_at=_when(spec["starts_at"]),
        ends_at=_when(spec.get("ends_at")),
        place=spec.get("place", ""),
        online_link=spec.get("online_link", ""),
        capacity=spec.get("capacity", 20),
        facilitators=facilitators,
        description=spec.get("description", ""),
    )
    for order, item in enumerate(spec.get("agenda", []), start=1):
        WorkshopAgendaItem.objects.create(
            workshop=workshop,
            order=order,
            starts_at=time.fromisoformat(item["time"]),
            title=item["title"],
        )
    people = [ctx.people[i] for i in spec.get("invite", []) if i < len(ctx.people)]
    services.invitations_create(workshop=workshop, user=staff, people=people)
    invitations = {i.person_id: i for i in workshop.invitations.all()}
    for index in spec.get("invite", []):
        invitation = invitations.get(ctx.people[index].pk)
        if invitation is None:
            continue
        invitation.sent_at = timezone.now()
        invitation.response = "accepted" if index in spec.get("present", []) else "pending"
        invitation.save(update_fields=["sent_at", "response"])
    if spec["status"] == "planned":
        return
    workshop = services.workshop_transition(workshop=workshop, user=staff, to="running")
    facilitator = facilitators[0]
    for index in spec.get("present", []):
        services.invitation_check_in(invitation=invitations[ctx.people[index].pk], user=staff)
    clusters = {}
    for item in spec.get("clusters", []):
        cluster = services.cluster_save(
            workshop=workshop, user=facilitator, title=item["title"], column=item["column"]
        )
        clusters[item["title"]] = cluster
    for item in spec.get("cards", []):
        services.card_create(
            workshop=workshop,
            user=facilitator,
            text=item["text"],
            column=item["column"],
            kind=item.get("kind"),
            cluster=clusters.get(item.get("cluster")),
            target_groups=list(TargetGroup.objects.filter(code__in=item.get("groups", []))),
        )
    ballots = max(
        len(spec.get("vote", {}).get("ballots", [])), len(spec.get("rating", {}).get("ballots", []))
    )
    participants = [
        services.participant_join(workshop=workshop, device_key=f"demo-{workshop.pk}-{n}")[0]
        for n in range(max(ballots, 1))
    ]
    for item in spec.get("participant_cards", []):
        card, _ = services.card_create(
            workshop=workshop,
            participant=participants[0],
            text=item["text"],
            column=item["column"],
        )
        if item.get("accept"):
            services.card_accept(card=card, user=facilitator)
        else:
            services.card_reject(card=card, user=facilitator)
    for key, mode in (("vote", "dots"), ("rating", "rating")):
        if key not in spec:
            continue
        _vote(workshop, facilitator, spec[key], mode, clusters, participants)
    if spec["status"] in ("documented", "closed"):
        workshop = services.workshop_transition(
            workshop=workshop, user=facilitator, to="documented"
        )


def _vote(workshop, facilitator, spec, mode, clusters, participants) -> None:
    cards, chosen_clusters, order = [], [], []
    for label in spec["items"]:
        if label in clusters:
            chosen_clusters.append(clusters[label])
            order.append(("cluster", clusters[label].pk))
        else:
            card = Card.objects.get(workshop=workshop, text=label, status="accepted")
            cards.append(card)
            order.append(("card", card.pk))
    vote = services.vote_open(
        workshop=workshop,
        user=facilitator,
        title=spec["title"],
        mode=mode,
        cards=cards,
        clusters=chosen_clusters,
        dots_per_participant=spec.get("dots", 3),
        max_per_item=spec.get("max_per_item", 2),
    )
    items = {
        ("cluster", i.cluster_id) if i.cluster_id else ("card", i.card_id): i.pk
        for i in vote.items.all()
    }
    ids = [items[key] for key in order]
    for participant, row in zip(participants, spec["ballots"], strict=False):
        if mode == "dots":
            services.ballot_cast(
                vote=vote,
                participant=participant,
                dots={i: n for i, n in zip(ids, row, strict=True) if n},
            )
        else:
            services.ballot_cast(
                vote=vote,
                participant=participant,
                ratings={i: tuple(pair) for i, pair in zip(ids, row, strict=True)},
            )
    services.vote_close(vote=vote, user=facilitator)
