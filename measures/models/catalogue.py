"""The catalogue: findings (IST/SOLL) with cited evidence, goals, measures and their tracking.

Every object belongs to a process (directly or through its parent). Findings, goals and
measures keep their full history (django-simple-history) and carry a ``version`` counter that
services compare on every edit, so that two people editing at once cannot overwrite each other.
Cited figures are stored as they were when cited (``cited_*``) so a reader can compare them with
today's value; they are always the small-count protected figures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import secret_name
from core.links import new_token
from participation.models import FieldOfAction, Organisation, Process, Statement, TargetGroup


class FieldOfActionArea(models.Model):
    """The monitoring areas of a field of action (editable; seeded for the standard set)."""

    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.CASCADE,
        related_name="monitoring_area_links",
        verbose_name=_("field of action"),
    )
    area = models.ForeignKey(
        "monitoring.Area",
        on_delete=models.CASCADE,
        related_name="field_of_action_links",
        verbose_name=_("monitoring area"),
    )

    class Meta:
        verbose_name = _("monitoring area of a field of action")
        verbose_name_plural = _("monitoring areas of fields of action")
        ordering = ["field_of_action__order", "area__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["field_of_action", "area"],
                name="foa_area_unique",
                violation_error_message=_("This area is already linked to the field of action."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_of_action} → {self.area}"


class CatalogueSettings(models.Model):
    """Per-process switches of the catalogue (the public page, the reporting schedule)."""

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, related_name="catalogue_settings"
    )
    public = models.BooleanField(
        _("public catalogue page switched on"),
        default=False,
        help_text=_("Shows adopted measures and their progress to everyone, without login."),
    )
    public_intro = models.TextField(_("introduction on the public page"), blank=True)
    report_every_days = models.PositiveSmallIntegerField(
        _("ask for progress every … days"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(366)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogue settings")
        verbose_name_plural = _("catalogue settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(report_every_days__gte=7) & Q(report_every_days__lte=366),
                name="catalogue_report_interval_range",
                violation_error_message=_("Ask for progress every 7 to 366 days."),
            )
        ]

    def __str__(self) -> str:
        return str(self.process)


class Finding(models.Model):
    """The current state (IST) and the target state (SOLL) of a field of action."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="findings", verbose_name=_("process")
    )
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("field of action"),
    )
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("target group"),
        help_text=_("Leave empty when the finding concerns all target groups."),
    )
    title = models.CharField(_("title"), max_length=200)
    current_state = models.TextField(
        _("current state (IST)"),
        blank=True,
        help_text=_("Cite evidence with its number in square brackets, e.g. [1]."),
    )
    target_state = models.TextField(
        _("target state (SOLL)"),
        blank=True,
        help_text=_("Cite evidence with its number in square brackets, e.g. [2]."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_by", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["field_of_action__order", "order", "id"]
        indexes = [
            models.Index(fields=["process", "field_of_action"]),
            models.Index(fields=["process", "target_group"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("measures:finding_detail", args=[self.process_id, self.pk])


class Evidence(models.Model):
    """One numbered citation of a finding: a Statement, a survey figure or an indicator value."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        SURVEY_FIGURE = "survey_figure", _("Survey figure")
        INDICATOR_VALUE = "indicator_value", _("Indicator value")

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("finding")
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cited_by",
        verbose_name=_("statement"),
    )
    # A survey figure: its stable address (survey, version number, question code, breakdown).
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey"),
    )
    survey_version = models.PositiveIntegerField(_("survey version"), null=True, blank=True)
    question_code = models.CharField(_("question code"), max_length=64, blank=True)
    breakdown = models.CharField(_("breakdown"), max_length=64, blank=True)
    # An indicator value: indicator, territory, year and target group (empty: all).
    indicator = models.ForeignKey(
        "monitoring.Indicator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator"),
    )
    territory = models.ForeignKey(
        "monitoring.Territory",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territory"),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target group"),
    )
    # What the figure was when cited (always small-count protected).
    cited_value = models.FloatField(_("value when cited"), null=True, blank=True)
    cited_suppressed = models.BooleanField(_("suppressed when cited"), default=False)
    cited_figure = models.JSONField(_("figure when cited"), default=dict, blank=True)
    cited_label = models.CharField(_("label when cited"), max_length=500, blank=True)
    cited_at = models.DateTimeField(_("cited at"), auto_now_add=True)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["finding", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "number"],
                name="evidence_number_unique",
                violation_error_message=_("This number is already used in the finding."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="statement", statement__isnull=False)
                    | Q(kind="survey_figure", survey__isnull=False, survey_version__isnull=False)
                    & ~Q(question_code="")
                    | Q(
                        kind="indicator_value",
                        indicator__isnull=False,
                        territory__isnull=False,
                        year__isnull=False,
                    )
                ),
                name="evidence_kind_complete",
                violation_error_message=_("The citation is incomplete for its kind."),
            ),
        ]
        indexes = [models.Index(fields=["statement"])]

    def __str__(self) -> str:
        return f"[{self.number}] {self.cited_label}"


class StrategicGoal(models.Model):
    """A guiding goal (Leitziel) of a field of action."""

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="strategic_goals", verbose_name=_("process")
    )
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="strategic_goals",
        verbose_name=_("field of action"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="strategic_goals", verbose_name=_("findings")
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share in the progress of the field of action (relative to the others)."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")
        ordering = ["field_of_action__order", "order", "id"]
        indexes = [models.Index(fields=["process", "field_of_action"])]
        constraints = [
            models.CheckConstraint(condition=Q(weight__lte=100), name="strategic_goal_weight_range")
        ]

    def __str__(self) -> str:
        return self.title


class OperationalGoal(models.Model):
    """A concrete goal under a strategic goal; measurable through an indicator target."""

    strategic_goal = models.ForeignKey(
        StrategicGoal,
        on_delete=models.CASCADE,
        related_name="operational_goals",
        verbose_name=_("strategic goal"),
    )
    # Denormalised from the strategic goal so every scope filter is one column.
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="operational_goals", editable=False
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    indicator = models.ForeignKey(
        "monitoring.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operational_goals",
        verbose_name=_("indicator"),
    )
    target = models.ForeignKey(
        "monitoring.Target",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operational_goals",
        verbose_name=_("target"),
    )
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share in the progress of the strategic goal (relative to the others)."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("operational goal")
        verbose_name_plural = _("operational goals")
        ordering = ["strategic_goal__order", "order", "id"]
        indexes = [models.Index(fields=["process", "strategic_goal"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__lte=100), name="operational_goal_weight_range"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        IN_REVIEW = "in_review", _("In review")
        ADOPTED = "adopted", _("Adopted")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")
        REJECTED = "rejected", _("Rejected")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    # Statuses after adoption: shown publicly, reported on, counted in the roll-up.
    ADOPTED_STATUSES = ("adopted", "in_progress", "completed")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="measures", verbose_name=_("process")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    field_of_action = models.ForeignKey(
        FieldOfAction,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("field of action"),
    )
    operational_goals = models.ManyToManyField(
        OperationalGoal, blank=True, related_name="measures", verbose_name=_("operational goals")
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="measures", verbose_name=_("target groups")
    )
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_measures",
        verbose_name=_("lead organisation"),
    )
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_measures", verbose_name=_("partners")
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    cost_estimate = models.DecimalField(
        _("cost estimate (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share in the progress of its goals (relative to the other measures)."),
    )
    indicators = models.ManyToManyField(
        "monitoring.Indicator", blank=True, related_name="measures", verbose_name=_("indicators")
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="measures", verbose_name=_("findings")
    )
    origin_statements = models.ManyToManyField(
        Statement,
        blank=True,
        through="MeasureOrigin",
        related_name="measures",
        verbose_name=_("origin statements"),
    )
    # A readable listing of the many-to-many links (goals, target groups, partners,
    # indicators), kept by the services so that the history shows their changes too.
    links_summary = models.TextField(_("links"), blank=True, default="", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_by", "created_at", "updated_at"])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["process", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "number"],
                name="measure_number_unique",
                violation_error_message=_("Another measure of this process has this number."),
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="measure_progress_percent"),
            models.CheckConstraint(condition=Q(weight__lte=100), name="measure_weight_range"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="measure_dates_ordered",
                violation_error_message=_("The end must not be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(cost_estimate__isnull=True) | Q(cost_estimate__gte=0),
                name="measure_cost_not_negative",
                violation_error_message=_("The cost estimate must not be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["process", "status"]),
            models.Index(fields=["process", "field_of_action"]),
            models.Index(fields=["process", "lead_organisation"]),
            models.Index(fields=["process", "priority"]),
            models.Index(fields=["process", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"M-{self.number:03d}"

    @property
    def is_adopted(self) -> bool:
        return self.status in self.ADOPTED_STATUSES

    def get_absolute_url(self) -> str:
        return reverse("measures:measure_detail", args=[self.process_id, self.pk])


class MeasureOrigin(models.Model):
    """A Statement a measure came from (an idea card, a passage, a survey answer)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="origins")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("origin of a measure")
        verbose_name_plural = _("origins of measures")
        ordering = ["measure", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "statement"],
                name="measure_origin_unique",
                violation_error_message=_("This statement is already an origin of the measure."),
            )
        ]
        indexes = [models.Index(fields=["statement"])]

    def __str__(self) -> str:
        return f"{self.measure_id} ← {self.statement_id}"


class Milestone(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("measure")
    )
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["measure", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class MeasureDecision(models.Model):
    """A status change: who decided it, when and why."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="decisions")
    from_status = models.CharField(max_length=20, choices=Measure.Status.choices)
    to_status = models.CharField(max_length=20, choices=Measure.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the lead organisation changed the status through its reporting link.
    reporting_link = models.ForeignKey(
        "ReportingLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["measure", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.from_status} → {self.to_status}"


class MeasureComment(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ReportingLink(models.Model):
    """A lead organisation's personal link to report on its adopted measures, no account needed.

    The token, schedule and reminder bookkeeping follow ``core.links`` (shared with the
    monitoring's data requests).
    """

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="reporting_links")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="reporting_links",
        verbose_name=_("lead organisation"),
    )
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("email of the contact person"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    active = models.BooleanField(_("active"), default=True)
    next_due_on = models.DateField(_("next report due on"))
    reminders_sent = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    last_reported_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporting link")
        verbose_name_plural = _("reporting links")
        ordering = ["process", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "organisation"],
                name="reporting_link_one_per_organisation",
                violation_error_message=_("This organisation already has a reporting link."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.process})"


def report_upload_to(instance: ProgressReport, filename: str) -> str:
    return f"measures/reports/{instance.measure.process_id}/{secret_name(filename)}"


class ProgressReport(models.Model):
    """A dated report on a measure's implementation (by its lead organisation or by staff)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="progress_reports")
    reported_on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Measure.Status.choices)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=report_upload_to, blank=True, max_length=300
    )
    reporting_link = models.ForeignKey(
        ReportingLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["measure", "-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent")
        ]
        indexes = [models.Index(fields=["measure", "-reported_on"])]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.reported_on}: {self.progress} %"


class MeasureImport(models.Model):
    """An uploaded measure list on its way through mapping, dry run and import."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, columns to map")
        CHECKED = "checked", _("Checked (dry run)")
        APPLIED = "applied", _("Imported")
        REJECTED = "rejected", _("Rejected, nothing written")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="measure_imports")
    filename = models.CharField(_("file"), max_length=300)
    data = models.BinaryField()
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    created = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("measure import")
        verbose_name_plural = _("measure imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
