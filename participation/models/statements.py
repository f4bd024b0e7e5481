"""The input pool: every statement that later analysis, goals and measures cite."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .core import FieldOfAction, Process, TargetGroup


class Statement(models.Model):
    """What someone said, with a stored link to where it was said.

    ``source`` is a generic link (content type + id) to the interview passage, conference card,
    workshop card or survey answer it came from; ``source_label`` keeps a human-readable,
    pseudonymised description of that source so lists need no join and the label survives the
    source's deletion. Created only through ``participation.services.statement_create``.
    """

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        PROBLEM = "problem", _("Problem")
        NEED = "need", _("Need")
        IDEA = "idea", _("Idea")
        OTHER = "other", _("Other")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="statements", verbose_name=_("process")
    )
    text = models.TextField(_("text"))
    # The words as they were first recorded; corrections change ``text`` only, and every
    # version of ``text`` is kept in ``history``, so nobody's words are rewritten silently.
    original_text = models.TextField(_("original words"), editable=False, default="")
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True
    )
    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="statements", verbose_name=_("fields of action")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="statements", verbose_name=_("target groups")
    )
    source_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source type"),
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source"), max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("author or facilitator"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("edited"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "original_text", "source_type", "source_id"]
    )

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                name="statement_one_per_source",
                violation_error_message=_("This source already has a statement."),
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="statement_source_complete",
                violation_error_message=_("A source needs both its type and its id."),
            ),
        ]
        indexes = [
            models.Index(fields=["process", "kind"]),
            models.Index(fields=["process", "source_type"]),
            models.Index(fields=["process", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def was_reworded(self) -> bool:
        return bool(self.original_text) and self.text != self.original_text
