"""Stored results: one row per counted figure, read by the results pages, API and exports.

``ResultCell`` holds integer counts only (respondents per choice, value histograms, ranks,
months, days), keyed by survey version, question code, breakdown and group. Means, medians,
quartiles and standard deviations are derived from the value counts when read, so the
incremental path (one response adds 1 to its cells) and the full rebuild (pandas group-bys)
produce exactly the same rows.

Rows are appended by the incremental update and folded together by compaction; readers sum
the rows of a key.

``ResultResponse`` marks a response as counted: the incremental update inserts it in the same
transaction as its increments, so a retried task never counts a response twice, and the
reconcile task finds responses whose update was lost.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResultCell(models.Model):
    # Figures derived from the answers, written in bulk (hundreds of rows per counted batch,
    # all again at each compaction) by writers that hold the version's state row: a database
    # foreign key would check every row at commit, which costs more than writing it. Deleting
    # a survey or version deletes its figures (Django's cascade), and a rebuild recreates them.
    # Readers go by version through ``result_cell_read_idx``.
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    version = models.ForeignKey(
        "surveys.SurveyVersion",
        on_delete=models.CASCADE,
        related_name="result_cells",
        db_constraint=False,
        db_index=False,
    )
    # Question code; "" for survey-level figures (responses, days, funnel).
    question = models.CharField(max_length=64, blank=True, default="")
    # "" = all respondents; "tg" = target group; "q:<code>" = answer to a single-choice question.
    breakdown = models.CharField(max_length=80, blank=True, default="")
    group = models.CharField(max_length=80, blank=True, default="")
    metric = models.CharField(max_length=8)
    row = models.CharField(max_length=64, blank=True, default="")
    key = models.CharField(max_length=64, blank=True, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("result figure")
        verbose_name_plural = _("result figures")
        # Not unique on purpose: the incremental update appends rows (an insert costs the
        # same at any size; updating hot counter rows does not), readers add them up, and
        # compaction (``aggregation.results_compact``) folds them into one row per key.
        indexes = [
            models.Index(fields=["version", "question", "breakdown"], name="result_cell_read_idx")
        ]

    def __str__(self) -> str:
        return f"{self.question}/{self.breakdown}:{self.group}/{self.metric}/{self.row}/{self.key}"


class ResultResponse(models.Model):
    """A complete response whose answers are counted in the result cells."""

    response = models.OneToOneField(
        "surveys.Response", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Indexed once, by the named index below.
    version = models.ForeignKey(
        "surveys.SurveyVersion", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        indexes = [models.Index(fields=["version"], name="result_response_version_idx")]

    def __str__(self) -> str:
        return str(self.response_id)


class ResultPending(models.Model):
    """The outbox of the results: a complete response still to be counted.

    Written in the same transaction as the completion, so a stored response is never lost to
    counting even when the broker is unreachable; a worker drains all pending rows of a version
    in one batch (``aggregation.results_drain``) and deletes them with the count.
    """

    response = models.OneToOneField(
        "surveys.Response", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Indexed once, by the named index below.
    version = models.ForeignKey(
        "surveys.SurveyVersion", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["version"], name="result_pending_version_idx")]

    def __str__(self) -> str:
        return str(self.response_id)


class ResultState(models.Model):
    """Per survey version: the lock row that serialises updates, and when results were built."""

    version = models.OneToOneField(
        "surveys.SurveyVersion", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    funnel_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    # Rows appended since the last rebuild or compaction.
    pending_rows = models.PositiveIntegerField(default=0)
    # Set when a compaction is queued, cleared when it finishes: at most one compaction per
    # version is queued or running. A lease, not a flag: a compaction lost with its worker
    # frees the version after ``aggregation.COMPACTION_LEASE``.
    compaction_queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.version_id)


class ExportJob(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", _("Responses as CSV")
        XLSX = "xlsx", _("Responses as Excel (XLSX)")
        SAV = "sav", _("Responses as SPSS (.sav)")
        CODEBOOK = "codebook", _("Codebook (XLSX)")
        PDF = "pdf", _("Results report (PDF)")
        DOCX = "docx", _("Results report (Word)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.CASCADE, related_name="export_jobs"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    labels = models.BooleanField(_("labels instead of codes"), default=False)
    suppressed = models.BooleanField(_("with small-count protection"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="survey_exports/", blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["survey", "-created_at"], name="export_job_survey_idx")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.format}:{self.status}"


class FreeTextTag(models.Model):
    """Staff's tagging of one free-text answer; ``statement`` is the Statement made of it."""

    answer = models.OneToOneField(
        "surveys.Answer", on_delete=models.CASCADE, related_name="free_text_tag"
    )
    fields_of_action = models.ManyToManyField(
        "participation.FieldOfAction",
        blank=True,
        related_name="+",
        verbose_name=_("fields of action"),
    )
    target_groups = models.ManyToManyField(
        "participation.TargetGroup", blank=True, related_name="+", verbose_name=_("target groups")
    )
    statement = models.ForeignKey(
        "participation.Statement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statement"),
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    tagged_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("free-text tag")
        verbose_name_plural = _("free-text tags")

    def __str__(self) -> str:
        return f"tag:{self.answer_id}"


class ResultsPublication(models.Model):
    """Whether a survey's results are on its public results page (small counts suppressed)."""

    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.CASCADE, primary_key=True, related_name="publication"
    )
    public = models.BooleanField(_("results public"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.public}"


class QuestionTopic(models.Model):
    """The fields of action a survey question speaks to (by its stable code, so the tag
    survives new versions). Workshop briefing packs show the figures of these questions."""

    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.CASCADE, related_name="question_topics"
    )
    question = models.CharField(_("question code"), max_length=64)
    fields_of_action = models.ManyToManyField(
        "participation.FieldOfAction", related_name="+", verbose_name=_("fields of action")
    )

    class Meta:
        verbose_name = _("question topic")
        verbose_name_plural = _("question topics")
        constraints = [
            models.UniqueConstraint(fields=["survey", "question"], name="question_topic_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.question}"
