"""Online surveys: definitions (versioned structure), invitations, responses and answers.

Structure: a ``Survey`` has numbered ``SurveyVersion``s; sections, questions and choices belong
to one version. Responses point to the version they were given in, so a change after real
responses exist (which creates a new version, see ``surveys.services.definition``) never
re-labels or loses what was answered.

Texts shown to respondents are stored per language in JSON objects ``{"de": "…", "en": "…"}``
(``surveys.i18n.pick`` chooses the right one with fallbacks).

Answers are stored one row per answer value with typed columns so that the aggregation (pandas
in Celery) reads them with a single indexed query per question or per survey version.

Personal data: ``Invitation`` (name and email of invitees not in the Person directory) is the
only model here holding any. In an anonymised survey, ``Response`` has no column that refers to
an invitation (``invitation`` stays NULL, enforced by a check constraint against the survey's
flag copied onto the response), and the invitation records only that it was completed, to
the day.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participation.models import Person, Phase, Process, TargetGroup

from .i18n import SURVEY_LANGUAGES, pick

STARTS_PER_HOUR_MAX = 2000


def _new_public_id() -> str:
    import secrets

    return secrets.token_urlsafe(9)


class Survey(models.Model):
    class AccessMode(models.TextChoices):
        INVITATION = "invitation", _("Personal invitations")
        PUBLIC = "public", _("Public link")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="surveys", verbose_name=_("process")
    )
    phase = models.ForeignKey(
        Phase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("phase"),
        limit_choices_to={"kind": Phase.Kind.SURVEY},
    )
    # Per-language texts: {"de": "...", "en": "..."}.
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("introduction"), default=dict, blank=True)
    privacy_notice = models.JSONField(_("privacy notice"), default=dict, blank=True)
    thank_you = models.JSONField(_("thank-you text"), default=dict, blank=True)
    invitation_text = models.JSONField(
        _("invitation email text"),
        default=dict,
        blank=True,
        help_text=_("Per language; the personal link and opt-out link are added below it."),
    )
    languages = models.JSONField(_("languages offered"), default=list)
    default_language = models.CharField(_("default language"), max_length=10, default="de")
    access_mode = models.CharField(
        _("access"), max_length=20, choices=AccessMode.choices, default=AccessMode.INVITATION
    )
    anonymised = models.BooleanField(
        _("anonymised"),
        default=False,
        help_text=_("Responses keep no link to the invitation or any person."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    # Tablets on one shared network all count under one address: staff raise this for a
    # session in a language café or a shelter (empty: the installation's default).
    starts_per_hour = models.PositiveIntegerField(
        _("starts per hour from one network address"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(STARTS_PER_HOUR_MAX)],
        help_text=_(
            "Empty: the installation's default. Raise it (up to 2000) when many people "
            "answer on devices sharing one Wi-Fi network."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    public_id = models.CharField(
        _("public key"), max_length=32, unique=True, default=_new_public_id, editable=False
    )
    current_version = models.ForeignKey(
        "SurveyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["process", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_open_before_close",
                violation_error_message=_("The survey must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(starts_per_hour__isnull=True)
                | Q(starts_per_hour__gte=1, starts_per_hour__lte=STARTS_PER_HOUR_MAX),
                name="survey_starts_per_hour_range",
            ),
        ]
        indexes = [models.Index(fields=["process", "status"])]

    def __str__(self) -> str:
        return pick(self.title, None, self.default_language) or f"#{self.pk}"

    @property
    def is_rtl_language(self) -> bool:  # pragma: no cover - convenience for templates
        return SURVEY_LANGUAGES.get(self.default_language, ("", False))[1]


class SurveyVersion(models.Model):
    """One version of a survey's structure. ``revision`` grows with every change (cache key)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="versions", verbose_name=_("survey")
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class Section(models.Model):
    """A page of the survey."""

    version = models.ForeignKey(
        SurveyVersion, on_delete=models.CASCADE, related_name="sections", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=64)
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.JSONField(_("title"), default=dict, blank=True)
    description = models.JSONField(_("description"), default=dict, blank=True)
    relevant = models.TextField(
        _("show only if"), blank=True, help_text=_("A condition, e.g. ${age} >= 18.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="section_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes/no")
        RATING = "rating", _("Rating scale")
        MATRIX = "matrix", _("Matrix")
        MATRIX_NUMBER = "matrix_number", _("Matrix of numbers")
        MATRIX_TEXT = "matrix_text", _("Matrix of short texts")
        RANKING = "ranking", _("Ranking")
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        DATE = "date", _("Date")
        DISPLAY = "display", _("Display text only")

    class Widget(models.TextChoices):
        RADIO = "radio", _("Radio buttons")
        DROPDOWN = "dropdown", _("Dropdown list")

    version = models.ForeignKey(
        SurveyVersion, on_delete=models.CASCADE, related_name="questions", verbose_name=_("version")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    code = models.CharField(
        _("code"),
        max_length=64,
        help_text=_("Stable name used in conditions and exports, e.g. age or q12."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    text = models.JSONField(_("question text"), default=dict)
    hint = models.JSONField(_("hint"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    relevant = models.TextField(
        _("show only if"), blank=True, help_text=_("A condition, e.g. selected(${lang}, 'de').")
    )
    widget = models.CharField(
        _("display as"), max_length=20, choices=Widget.choices, default=Widget.RADIO
    )
    allow_other = models.BooleanField(_('"other, please specify"'), default=False)
    allow_dont_know = models.BooleanField(_('"don\'t know" option'), default=False)
    randomize_choices = models.BooleanField(_("randomise choice order"), default=False)
    scale_min = models.IntegerField(_("scale from"), null=True, blank=True)
    scale_max = models.IntegerField(_("scale to"), null=True, blank=True)
    scale_min_label = models.JSONField(_("label of the lowest value"), default=dict, blank=True)
    scale_max_label = models.JSONField(_("label of the highest value"), default=dict, blank=True)
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    pattern = models.CharField(_("pattern (regular expression)"), max_length=300, blank=True)
    constraint = models.TextField(
        _("constraint"),
        blank=True,
        help_text=_("A condition on the answer itself, written with a dot: . >= 18"),
    )
    choice_filter = models.CharField(
        _("choice filter"),
        max_length=500,
        blank=True,
        default="",
        help_text=_(
            "Cascading select: offer only the choices whose filter column matches an earlier "
            "answer, e.g. district=${district}."
        ),
    )
    validation_message = models.JSONField(_("validation message"), default=dict, blank=True)
    is_target_group_question = models.BooleanField(
        _("target-group question"),
        default=False,
        help_text=_("Its choices map respondents to the process's target groups."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_code_unique"),
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True)
                | Q(scale_max__isnull=True)
                | Q(scale_max__gt=models.F("scale_min")),
                name="question_scale_ordered",
                violation_error_message=_("The scale must end above where it starts."),
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_range_ordered",
                violation_error_message=_("The maximum must not be below the minimum."),
            ),
            models.CheckConstraint(
                condition=Q(min_length__isnull=True)
                | Q(max_length__isnull=True)
                | Q(max_length__gte=models.F("min_length")),
                name="question_length_ordered",
                violation_error_message=_(
                    "The maximum length must not be below the minimum length."
                ),
            ),
        ]
        indexes = [models.Index(fields=["section", "order"])]

    def __str__(self) -> str:
        return self.code


class Choice(models.Model):
    """An answer option, or (``kind=row``) a row of a matrix question."""

    class Kind(models.TextChoices):
        OPTION = "option", _("Answer option")
        ROW = "row", _("Matrix row")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPTION)
    code = models.CharField(_("code"), max_length=64)
    order = models.PositiveIntegerField(_("order"), default=0)
    label = models.JSONField(_("label"), default=dict)
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target group"),
    )
    # Cascading selects: the values of the filter columns ([{"county": "king"}, …]); one answer
    # code may belong to several (the same municipality name in two districts).
    filter_values = models.JSONField(_("filter values"), default=list, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "kind", "code"], name="choice_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Invitation(models.Model):
    """A personal invitation. The token itself is never stored, only its SHA-256 hash."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="de")
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target group"),
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminder_count = models.PositiveIntegerField(_("reminders"), default=0)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    last_error = models.CharField(_("last sending error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "email"], name="invitation_email_unique"),
        ]
        indexes = [
            models.Index(fields=["survey", "sent_at"]),
            models.Index(fields=["survey", "completed_at"]),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.person_id and self.person.is_erased:
            return self.person.display_name
        return self.name or self.email


class Response(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETE = "complete", _("Complete")

    # Indexed through the composite indexes below (fewer indexes to write per response).
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("survey"),
        db_index=False,
    )
    version = models.ForeignKey(
        SurveyVersion,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("version"),
        db_index=False,
    )
    client_id = models.UUIDField(_("client id"), unique=True, default=uuid.uuid4)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    is_test = models.BooleanField(_("test response"), default=False)
    anonymised = models.BooleanField(default=False, editable=False)
    # Started through a personal link of an anonymised survey: which one is not kept, but the
    # response completes only when that link is presented again, so that one link gives at
    # most one complete response.
    via_invitation = models.BooleanField(default=False, db_default=False, editable=False)
    # Only for surveys that are not anonymised (the check constraint below).
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target group"),
        db_index=False,
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    # Unique among responses in progress (partial index below); completed ones hold NULL.
    resume_code_hash = models.CharField(max_length=64, null=True, blank=True)
    current_section = models.CharField(max_length=64, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    updated_at = models.DateTimeField(_("updated"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymised=False)
                | (Q(invitation__isnull=True) & Q(target_group__isnull=True) & Q(attributes={})),
                name="response_anonymised_has_no_invitation",
                violation_error_message=_(
                    "A response to an anonymised survey must not refer to an invitation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(completed_at__isnull=False),
                name="response_complete_has_time",
            ),
            models.UniqueConstraint(
                fields=["resume_code_hash"],
                condition=Q(resume_code_hash__isnull=False),
                name="response_resume_code_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "status", "is_test"]),
            models.Index(fields=["version", "status"]),
        ]

    def __str__(self) -> str:
        return str(self.client_id)


class Answer(models.Model):
    """One answer value. Which columns are filled depends on the question type:

    single/yes-no: ``choice`` (yes-no also ``value_number`` 1/0); "other": choice ``other`` and
    ``value_text``; multiple: one row per selected choice; rating: ``value_number`` (or choice
    ``dont_know``); matrix: one row per row (``row``, ``choice``); matrix of numbers/texts: one
    row per filled cell (``row``, ``choice`` = column, ``value_number``/``value_text``); ranking:
    one row per item (``choice``, ``value_number`` = rank, 1 = first); integer/decimal:
    ``value_number``; text: ``value_text``; date: ``value_date``.
    """

    # Indexed by the unique constraint (response first) and answer_question_idx below; the
    # foreign keys' own indexes would only duplicate them and slow down ingest.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    row = models.CharField(max_length=64, blank=True, default="")
    choice = models.CharField(max_length=64, blank=True, default="")
    value_text = models.TextField(blank=True, default="")
    value_number = models.FloatField(null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "row", "choice"], name="answer_unique_value"
            ),
        ]
        indexes = [models.Index(fields=["question"], name="answer_question_idx")]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.row}:{self.choice}"


# Results: stored result cells, export jobs, free-text tags.
from .results.models import (  # noqa: E402,F401
    ExportJob,
    FreeTextTag,
    QuestionTopic,
    ResultCell,
    ResultPending,
    ResultResponse,
    ResultsPublication,
    ResultState,
)


class InvitationImport(models.Model):
    """An invitee list being imported by a worker: the uploaded file waits in the storage
    (``storage_name``) until the task has read it, and its progress is shown to staff."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Nothing imported")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitation_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=300)
    storage_name = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    messages = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitee import")
        verbose_name_plural = _("invitee imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.filename
