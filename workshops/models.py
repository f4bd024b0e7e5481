"""Workshops per field of action: invitations, the result board (cards, clusters), participants
joining by code, votes and ballots, and photos of flip charts.

Names of people appear only in ``WorkshopInvitation`` (through ``Person``); cards, ballots and the
protocol refer to participants by pseudonym.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models import FieldOfAction, Person, Process, Statement, TargetGroup


class Workshop(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DOCUMENTED = "documented", _("Documented")
        CLOSED = "closed", _("Closed")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, related_name="workshops", verbose_name=_("fields of action")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=20)
    description = models.TextField(_("description"), blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="workshops", verbose_name=_("facilitators")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    join_code = models.CharField(_("join code"), max_length=8, unique=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    protocol_sent_at = models.DateTimeField(_("protocol sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="workshop_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(online_link=""),
                name="workshop_place_or_link",
                violation_error_message=_("Enter a place or an online link."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="workshop_ends_after_start",
                violation_error_message=_("The workshop must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["process", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:detail", args=[self.pk])

    @property
    def accepts_answers(self) -> bool:
        """Invitees may still accept or decline: planned and not begun yet."""
        return self.status == self.Status.PLANNED and timezone.now() < self.starts_at

    @property
    def field_label(self) -> str:
        return ", ".join(f.label for f in self.fields_of_action.all())


class WorkshopAgendaItem(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("workshop")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["workshop", "order", "starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class WorkshopInvitation(models.Model):
    """An invited person. The personal link's token is never stored (salt and hash only)."""

    class Response(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("workshop")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="workshop_invitations",
        verbose_name=_("person"),
    )
    token_salt = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    response = models.CharField(
        _("answer"), max_length=20, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    reminded_at = models.DateTimeField(_("last reminder at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    protocol_sent_at = models.DateTimeField(_("protocol sent at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("workshop invitation")
        verbose_name_plural = _("workshop invitations")
        ordering = ["workshop", "person__last_name", "person__first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "person"],
                name="workshop_invitation_once",
                violation_error_message=_("This person is already invited."),
            ),
        ]
        indexes = [models.Index(fields=["workshop", "response"])]

    def __str__(self) -> str:
        return f"{self.person.pseudonym} – {self.workshop}"

    @property
    def name(self) -> str:
        return self.person.display_name


class Participant(models.Model):
    """Someone who joined the workshop on a device by its code (no account needed).

    The device keeps a random key in a cookie; only its hash is stored. A signed-in user joins
    once per workshop whatever the device.
    """

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="participants", verbose_name=_("workshop")
    )
    number = models.PositiveIntegerField(_("number"))
    device_hash = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_participations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "device_hash"], name="participant_device_once"
            ),
            models.UniqueConstraint(fields=["workshop", "number"], name="participant_number_once"),
            models.UniqueConstraint(
                fields=["workshop", "user"],
                condition=Q(user__isnull=False),
                name="participant_user_once",
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def pseudonym(self) -> str:
        return _("Participant %(n)s") % {"n": self.number}


class Column(models.TextChoices):
    IST = "ist", _("Current state (IST)")
    SOLL = "soll", _("Target state (SOLL)")
    IDEAS = "ideas", _("Ideas for measures")


# The kinds of cards each column holds (Statement kinds), the first is the default.
COLUMN_KINDS = {
    Column.IST: [Statement.Kind.PROBLEM, Statement.Kind.STRENGTH],
    Column.SOLL: [Statement.Kind.NEED],
    Column.IDEAS: [Statement.Kind.IDEA],
}


class Cluster(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="clusters", verbose_name=_("workshop")
    )
    column = models.CharField(_("column"), max_length=10, choices=Column.choices)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["workshop", "column", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Card(models.Model):
    """One card of the result board. Accepted cards are Statements of the pool."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the facilitator")
        ACCEPTED = "accepted", _("On the board")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged into another card")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="cards", verbose_name=_("workshop")
    )
    number = models.PositiveIntegerField(_("number"))
    column = models.CharField(_("column"), max_length=10, choices=Column.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Statement.Kind.choices)
    text = models.TextField(_("text"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="workshop_cards", verbose_name=_("target groups")
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cards",
        verbose_name=_("cluster"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_cards",
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    # A key the browser chose for the card; a retried submit with it stores nothing twice.
    client_key = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["workshop", "column", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="card_number_once"),
            models.UniqueConstraint(
                fields=["workshop", "client_key"],
                condition=~Q(client_key=""),
                name="card_client_key_once",
            ),
            models.CheckConstraint(
                condition=Q(column="ist", kind__in=["strength", "problem"])
                | Q(column="soll", kind="need")
                | Q(column="ideas", kind="idea"),
                name="card_kind_fits_column",
                violation_error_message=_(
                    "IST cards are strengths or problems, SOLL cards needs, idea cards ideas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status="merged"),
                name="card_merged_has_status",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "status", "column"])]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_label(self) -> str:
        workshop = self.workshop
        return _("Workshop %(field)s, %(date)s, card %(n)s") % {
            "field": workshop.field_label or workshop.title,
            "date": workshop.starts_at.strftime("%d.%m.%Y"),
            "n": self.number,
        }


class Vote(models.Model):
    class Mode(models.TextChoices):
        DOTS = "dots", _("Dot voting")
        RATING = "rating", _("Impact and feasibility")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="votes", verbose_name=_("workshop")
    )
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.DOTS)
    dots_per_participant = models.PositiveSmallIntegerField(_("dots per participant"), default=3)
    max_per_item = models.PositiveSmallIntegerField(_("at most per card"), default=2)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["workshop", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop"],
                condition=Q(status="open"),
                name="vote_one_open_per_workshop",
                violation_error_message=_("Another vote of this workshop is still open."),
            ),
            models.CheckConstraint(
                condition=Q(dots_per_participant__gte=1)
                & Q(max_per_item__gte=1)
                & Q(max_per_item__lte=F("dots_per_participant")),
                name="vote_dots_sensible",
                violation_error_message=_(
                    "Give at least one dot, and no more per card than per participant."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VoteItem(models.Model):
    """A card or a cluster that is voted on; closing the vote stores its result here."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="items")
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, null=True, blank=True, related_name="vote_items"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, null=True, blank=True, related_name="vote_items"
    )
    label = models.CharField(_("label"), max_length=300)
    position = models.PositiveIntegerField(default=0)
    dots = models.PositiveIntegerField(_("dots"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    impact = models.FloatField(_("impact (mean)"), null=True, blank=True)
    feasibility = models.FloatField(_("feasibility (mean)"), null=True, blank=True)
    ratings = models.PositiveIntegerField(_("ratings"), null=True, blank=True)

    class Meta:
        ordering = ["vote", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(card__isnull=False, cluster__isnull=True)
                | Q(card__isnull=True, cluster__isnull=False),
                name="vote_item_card_or_cluster",
            ),
            models.UniqueConstraint(
                fields=["vote", "card"], condition=Q(card__isnull=False), name="vote_item_card_once"
            ),
            models.UniqueConstraint(
                fields=["vote", "cluster"],
                condition=Q(cluster__isnull=False),
                name="vote_item_cluster_once",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """One participant's ballot in a vote (one per device and per signed-in person)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="ballots")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "participant"],
                name="ballot_once_per_participant",
                violation_error_message=_("You have already voted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}:{self.participant_id}"


class BallotEntry(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(VoteItem, on_delete=models.CASCADE, related_name="entries")
    dots = models.PositiveSmallIntegerField(default=0)
    impact = models.PositiveSmallIntegerField(null=True, blank=True)
    feasibility = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "item"], name="ballot_entry_once"),
            models.CheckConstraint(
                condition=(Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5))
                & (Q(feasibility__isnull=True) | Q(feasibility__gte=1, feasibility__lte=5)),
                name="ballot_entry_scale_1_5",
            ),
        ]
        indexes = [models.Index(fields=["item"])]

    def __str__(self) -> str:
        return f"{self.ballot_id}:{self.item_id}"


def photo_path(instance, filename: str) -> str:
    return f"workshops/{instance.workshop_id}/{filename}"


class Photo(models.Model):
    """A photo of a flip chart (or a PDF scan), stored without image metadata."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="photos", verbose_name=_("workshop")
    )
    file = models.FileField(_("file"), upload_to=photo_path)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["workshop", "created_at", "id"]

    def __str__(self) -> str:
        return self.caption or self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def document_path(instance, filename: str) -> str:
    from core.files import secret_name

    return f"workshops/{instance.workshop_id}/documents/{secret_name(filename)}"


class DocumentJob(models.Model):
    """A briefing pack or protocol PDF built in the background (it takes seconds to render):
    its progress is shown while it runs, the file is downloaded when it is ready."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", _("Briefing pack")
        PROTOCOL = "protocol", _("Protocol")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="documents", verbose_name=_("workshop")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=document_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document job")
        verbose_name_plural = _("document jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="workshop_document_progress_max_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""),
                name="workshop_document_done_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.workshop}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
