"""The kick-off conference: event, agenda, registrations, topic tables and their cards."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .core import FieldOfAction, Process


class Conference(models.Model):
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="conferences", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), help_text=_("Registrations beyond this number go on the waiting list.")
    )
    registration_open = models.BooleanField(_("registration open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="conference_capacity_positive",
                violation_error_message=_("The capacity must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:conference_detail", args=[self.pk])

    def starts_at(self) -> datetime.datetime:
        """When the event begins: its day at the first agenda item's time (midnight without)."""
        first = min((item.starts_at for item in self.agenda.all()), default=datetime.time.min)
        return timezone.make_aware(datetime.datetime.combine(self.date, first))

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at()

    @property
    def accepts_registrations(self) -> bool:
        """Open for registrations: switched on by staff and the event has not begun yet."""
        return self.registration_open and not self.has_started()


class AgendaItem(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("conference")
    )
    starts_at = models.TimeField(_("time"))
    title = models.CharField(_("title"), max_length=200)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["conference", "starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} {self.title}"


class Registration(models.Model):
    """A registration for the conference. Holds personal data (name, email, needs)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("Waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("conference"),
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        blank=True,
        help_text=_("E.g. step-free access, sign language interpreting, induction loop."),
    )
    consent = models.BooleanField(_("consent to data processing"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    language = models.CharField(_("language"), max_length=10, default="de")
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["conference", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "conference",
                Lower("email"),
                name="registration_email_once",
                violation_error_message=_("This email address is registered already."),
            ),
            models.CheckConstraint(
                condition=Q(consent=True),
                name="registration_needs_consent",
                violation_error_message=_("Registration needs consent to data processing."),
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status"]),
            models.Index(fields=["conference", "name"]),
        ]

    def __str__(self) -> str:
        return self.name


class TopicTable(models.Model):
    """A table of the conference on one field of action, run by a facilitator."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="tables", verbose_name=_("conference")
    )
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="conference_tables",
        verbose_name=_("field of action"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conference_tables",
        verbose_name=_("facilitator"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("topic table")
        verbose_name_plural = _("topic tables")
        ordering = ["conference", "field_of_action__order", "id"]

    def __str__(self) -> str:
        return self.title or self.field_of_action.label

    @property
    def process_id(self):
        return self.conference.process_id

    def get_absolute_url(self) -> str:
        return reverse("participation:table_detail", args=[self.pk])


class ConferenceCard(models.Model):
    """What was said at a table, typed in by its facilitator. Each card is one Statement."""

    table = models.ForeignKey(
        TopicTable, on_delete=models.CASCADE, related_name="cards", verbose_name=_("table")
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="conference_cards",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conference card")
        verbose_name_plural = _("conference cards")
        ordering = ["table", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_label(self) -> str:
        return _("Conference card, table %(table)s") % {"table": self.table}
