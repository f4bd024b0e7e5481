"""The concept document: its chapters (staff's texts and order), generation jobs and the
versions they produce.

A ``Concept`` belongs to one process. Its ``Chapter`` rows hold what staff write (Markdown) and
where each chapter stands; everything else in the document is generated from the data when a
``GenerationJob`` runs. A successful job stores a ``ConceptVersion`` with its files, the
fingerprint of the data it was built from and a snapshot used to compare versions. A failed job
stores only its error: earlier versions stay as they were.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participation.models import FieldOfAction, Process

LANGUAGES = [("de", _("German")), ("en", _("English"))]


class Variant(models.TextChoices):
    FULL = "full", _("Full concept")
    SUMMARY = "summary", _("Management summary")
    REPORT = "report", _("Integration report")


class Concept(models.Model):
    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, related_name="concept", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    publisher = models.CharField(
        _("publisher"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown on the title page, e.g. Kreis Gütersloh, Kommunales Integrationszentrum."
        ),
    )
    # What the management summary shows of the catalogue (chosen by staff). Without a choice
    # of measures the summary shows the measures of high priority.
    summary_findings = models.ManyToManyField(
        "measures.Finding", blank=True, related_name="+", verbose_name=_("findings in the summary")
    )
    summary_goals = models.ManyToManyField(
        "measures.StrategicGoal",
        blank=True,
        related_name="+",
        verbose_name=_("strategic goals in the summary"),
    )
    summary_measures = models.ManyToManyField(
        "measures.Measure", blank=True, related_name="+", verbose_name=_("measures in the summary")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    class Kind(models.TextChoices):
        FOREWORD = "foreword", _("Foreword")
        INTRODUCTION = "introduction", _("Introduction")
        PARTICIPATION = "participation", _("The participation process")
        DATA = "data", _("Data and facts")
        FIELD_OF_ACTION = "field_of_action", _("Field of action")
        IMPLEMENTATION = "implementation", _("Implementation and monitoring")
        ANNEX_MEASURES = "annex_measures", _("Annex: measure catalogue")
        ANNEX_INDICATORS = "annex_indicators", _("Annex: indicator definitions")
        ANNEX_GLOSSARY = "annex_glossary", _("Annex: glossary")
        ANNEX_ORGANISATIONS = "annex_organisations", _("Annex: participating organisations")

    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("concept")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("field of action"),
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Leave empty for the standard title.")
    )
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists with -, links. HTML is shown as text."),
    )
    summary_text = models.TextField(
        _("text in the management summary"),
        blank=True,
        help_text=_("A short version for the management summary; empty: the chapter's text."),
    )
    order = models.PositiveIntegerField(_("position"))
    in_summary = models.BooleanField(_("part of the management summary"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        ordering = ["concept", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "order"],
                name="concept_chapter_order_unique",
                violation_error_message=_("Another chapter has this position."),
            ),
            models.UniqueConstraint(
                fields=["concept", "field_of_action"],
                condition=Q(field_of_action__isnull=False),
                name="concept_chapter_one_per_field",
                violation_error_message=_("This field of action already has a chapter."),
            ),
            models.UniqueConstraint(
                fields=["concept", "kind"],
                condition=~Q(kind="field_of_action"),
                name="concept_chapter_one_per_kind",
                violation_error_message=_("The concept already has a chapter of this kind."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="field_of_action") & Q(field_of_action__isnull=False))
                | (~Q(kind="field_of_action") & Q(field_of_action__isnull=True)),
                name="concept_chapter_field_only_for_field_chapters",
                violation_error_message=_(
                    "Exactly the chapters of a field of action name their field of action."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def process_id(self) -> int:
        return self.concept.process_id

    @property
    def heading(self) -> str:
        if self.title:
            return self.title
        if self.field_of_action_id:
            return self.field_of_action.label
        return str(self.get_kind_display())


class ConceptVersion(models.Model):
    """A generated document. Never changed after it is stored, except for its publication."""

    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="versions", verbose_name=_("concept")
    )
    variant = models.CharField(_("variant"), max_length=20, choices=Variant.choices)
    year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="de")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    snapshot = models.JSONField(default=dict, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    chapters = models.PositiveIntegerField(_("chapters"), default=0)
    measures = models.PositiveIntegerField(_("measures"), default=0)
    endnotes = models.PositiveIntegerField(_("endnotes"), default=0)
    notes = models.JSONField(_("notes in the document"), default=list, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="concepts/", blank=True)
    docx = models.FileField(_("Word (DOCX)"), upload_to="concepts/", blank=True)
    html = models.FileField(_("HTML reader version"), upload_to="concepts/", blank=True)
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("concept version")
        verbose_name_plural = _("concept versions")
        ordering = ["concept", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["concept", "variant", "number"], name="concept_version_number_unique"
            ),
            models.CheckConstraint(
                condition=~Q(variant="report") | Q(year__isnull=False),
                name="concept_version_report_has_year",
                violation_error_message=_("An integration report needs its year."),
            ),
        ]
        indexes = [models.Index(fields=["concept", "variant", "-number"])]

    def __str__(self) -> str:
        label = self.get_variant_display()
        if self.year:
            label = f"{label} {self.year}"
        return f"{label} – {_('version')} {self.number}"

    @property
    def process_id(self) -> int:
        return self.concept.process_id


class GenerationJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    concept = models.ForeignKey(
        Concept, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("concept")
    )
    variant = models.CharField(_("variant"), max_length=20, choices=Variant.choices)
    year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="de")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    publish = models.BooleanField(_("publish when done"), default=False)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.OneToOneField(
        ConceptVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="job"
    )

    class Meta:
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="concept_job_progress"),
            models.CheckConstraint(
                condition=~Q(variant="report") | Q(year__isnull=False),
                name="concept_job_report_has_year",
                violation_error_message=_("An integration report needs its year."),
            ),
        ]
        indexes = [models.Index(fields=["concept", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_variant_display()} ({self.get_status_display()})"

    @property
    def process_id(self) -> int:
        return self.concept.process_id
