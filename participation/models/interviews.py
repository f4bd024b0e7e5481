"""Qualitative interviews, their guide, the code system and coded passages."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .core import FieldOfAction, Person, Process, TargetGroup


class GuideQuestion(models.Model):
    """One question of a process's interview guide, in the order they are asked."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="guide_questions", verbose_name=_("process")
    )
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("question"))
    note = models.CharField(_("note for the interviewer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("guide question")
        verbose_name_plural = _("interview guide")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "order"],
                name="guide_question_order_unique",
                violation_error_message=_("Another question of the guide has this position."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class Interview(models.Model):
    """A qualitative interview. The interviewee is a Person or only a pseudonym.

    A transcript (or summary) may only be stored once consent is recorded (date and scope);
    the database enforces it.
    """

    class TextKind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Transcript")
        SUMMARY = "summary", _("Summary")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="interviews", verbose_name=_("process")
    )
    held_on = models.DateField(_("date"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("facilitator"),
    )
    interviewee = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("interviewee (person)"),
    )
    interviewee_pseudonym = models.CharField(
        _("interviewee pseudonym"),
        max_length=50,
        blank=True,
        help_text=_("Use instead of a person, e.g. I-07. Never a real name."),
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("target group"),
    )
    fields_of_action = models.ManyToManyField(
        FieldOfAction, blank=True, related_name="interviews", verbose_name=_("fields of action")
    )
    consent_given_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_scope = models.CharField(
        _("scope of consent"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the interviewee agreed to, e.g. recording, transcript, anonymised quotes."
        ),
    )
    text_kind = models.CharField(
        _("text is a"), max_length=20, choices=TextKind.choices, default=TextKind.TRANSCRIPT
    )
    transcript = models.TextField(_("transcript or summary"), blank=True)
    transcript_filename = models.CharField(_("uploaded file"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(transcript="") | Q(consent_given_on__isnull=False),
                name="interview_transcript_needs_consent",
                violation_error_message=_(
                    "A transcript can only be stored once the interviewee's consent is recorded."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consent_given_on__isnull=True) | ~Q(consent_scope=""),
                name="interview_consent_has_scope",
                violation_error_message=_("Recorded consent needs its scope."),
            ),
            models.CheckConstraint(
                condition=(Q(interviewee__isnull=False) & Q(interviewee_pseudonym=""))
                | (Q(interviewee__isnull=True) & ~Q(interviewee_pseudonym="")),
                name="interview_person_or_pseudonym",
                violation_error_message=_(
                    "Choose either a person or a pseudonym for the interviewee (not both)."
                ),
            ),
        ]
        indexes = [models.Index(fields=["process", "facilitator"])]

    def __str__(self) -> str:
        return _("Interview %(who)s, %(date)s") % {
            "who": self.interviewee_label,
            "date": self.held_on.strftime("%d.%m.%Y") if self.held_on else "",
        }

    @property
    def interviewee_label(self) -> str:
        """The pseudonym only: never a name (used in quotes, labels and exports)."""
        if self.interviewee_id:
            return f"P-{self.interviewee_id:04d}"
        return self.interviewee_pseudonym

    @property
    def has_consent(self) -> bool:
        return self.consent_given_on is not None

    def get_absolute_url(self) -> str:
        return reverse("participation:interview_detail", args=[self.process_id, self.pk])


class Code(models.Model):
    """A code of the process's hierarchical code system (qualitative content analysis)."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="codes", verbose_name=_("process")
    )
    parent = models.ForeignKey(
        "self",
        # RESTRICT: a parent with sub-codes cannot be deleted alone, but goes with its process.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent code"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name=_("field of action"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["process", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "parent", "name"],
                name="code_name_unique_per_parent",
                violation_error_message=_("A code with this name exists at this place already."),
            ),
            models.UniqueConstraint(
                fields=["process", "name"],
                condition=Q(parent__isnull=True),
                name="code_name_unique_at_top",
                violation_error_message=_("A code with this name exists at this place already."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodedPassage(models.Model):
    """A passage of a transcript (character offsets) with one or more codes.

    ``text`` is the passage as it was coded; the transcript cannot change while passages
    exist, so the offsets stay valid. Each passage has exactly one Statement (its source link).
    """

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="passages", verbose_name=_("interview")
    )
    start = models.PositiveIntegerField(_("start (character)"))
    end = models.PositiveIntegerField(_("end (character)"))
    text = models.TextField(_("passage"))
    codes = models.ManyToManyField(Code, related_name="passages", verbose_name=_("codes"))
    memo = models.TextField(_("memo"), blank=True)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="coded_passages",
        verbose_name=_("coded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coded passage")
        verbose_name_plural = _("coded passages")
        ordering = ["interview", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="passage_end_after_start",
                violation_error_message=_("The passage must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def source_label(self) -> str:
        return _("Interview %(who)s (%(date)s), characters %(start)s–%(end)s") % {
            "who": self.interview.interviewee_label,
            "date": self.interview.held_on.strftime("%d.%m.%Y"),
            "start": self.start,
            "end": self.end,
        }
