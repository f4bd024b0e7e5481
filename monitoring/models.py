"""Integration monitoring: indicators computed from raw key figures per year and target group.

Raw figures (`Value`) belong to a `Series`; an `Indicator` is computed from a numerator and an
optional denominator series (never typed in). Values carry the flags of official statistics and
keep their history (`ValueHistory`) when a newer delivery replaces them. Computed results
(`IndicatorValue`) hold both the raw result and what may be published after small-count
protection (`published_value`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from participation.models import Process, TargetGroup, TranslatedNameMixin


class Area(TranslatedNameMixin):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["order", "code"]


class Series(TranslatedNameMixin):
    """A raw key figure as delivered (e.g. foreign residents, population, unemployed)."""

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum (flow)")
        LAST = "last", _("Last value (stock)")

    code = models.CharField(_("code"), max_length=100, unique=True)
    aggregation = models.CharField(
        _("aggregation over time"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.LAST,
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    additive = models.BooleanField(
        _("counts that add up"),
        default=True,
        help_text=_("Counts add up across territories and breakdowns; rates and shares do not."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["code"]


class Indicator(TranslatedNameMixin):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage (× 100)")
        PER_THOUSAND = "per_thousand", _("Per 1,000 (× 1,000)")
        COUNT = "count", _("Count")
        RATIO = "ratio", _("Ratio (× 1)")
        RATE = "rate", _("Rate or share as delivered (no denominator)")

    FACTORS = {"percent": 100.0, "per_thousand": 1000.0, "count": 1.0, "ratio": 1.0, "rate": 1.0}
    # Kinds whose value is the numerator itself: no denominator series needed.
    WITHOUT_DENOMINATOR = ("count", "rate")

    class Category(models.TextChoices):
        OUTCOME = "outcome", _("Outcome indicator (valued against a desired direction)")
        CONTEXT = "context", _("Context indicator (development only, no valuation)")

    class DenominatorScope(models.TextChoices):
        SAME = "same", _("Same breakdown as the numerator")
        TOTAL = "total", _("Total population of the territory (all target groups)")

    code = models.CharField(_("code"), max_length=50, unique=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("area")
    )
    definition = models.TextField(_("definition"), blank=True, default="")
    numerator = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="+", verbose_name=_("numerator")
    )
    numerator_description = models.CharField(
        _("numerator described"), max_length=300, blank=True, default=""
    )
    denominator = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("denominator"),
    )
    denominator_description = models.CharField(
        _("denominator described"), max_length=300, blank=True, default=""
    )
    denominator_scope = models.CharField(
        _("denominator breakdown"),
        max_length=10,
        choices=DenominatorScope.choices,
        default=DenominatorScope.SAME,
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=1)
    category = models.CharField(
        _("indicator kind"),
        max_length=10,
        choices=Category.choices,
        default=Category.OUTCOME,
        help_text=_(
            "Context figures (share of foreign nationals, age structure, …) describe the "
            "population; rising or falling is neither good nor bad, so they carry no direction "
            "and no trend valuation."
        ),
    )
    # Empty exactly for context indicators (checked by the database).
    direction = models.SmallIntegerField(
        _("desired direction"),
        choices=[(1, _("Rising is better")), (-1, _("Falling is better"))],
        null=True,
        blank=True,
        default=1,
    )
    periodicity = models.CharField(_("periodicity"), max_length=50, default="jährlich")
    reference_date = models.CharField(
        _("reference date"), max_length=50, blank=True, default="31.12."
    )
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    method_notes = models.TextField(_("method notes"), blank=True, default="")
    target_group_delimitation = models.TextField(
        _("how the target group is delimited in this source"), blank=True, default=""
    )
    target_group_breakdown = models.BooleanField(_("breakdown by target group"), default=True)
    footnotes = models.TextField(
        _("footnotes"), blank=True, default="", help_text=_("Including series breaks.")
    )
    demo = models.BooleanField(_("demo data"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["area__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(category="outcome") & Q(direction__in=[1, -1]))
                | (Q(category="context") & Q(direction__isnull=True)),
                name="indicator_direction_fits_category",
                violation_error_message=_(
                    "An outcome indicator needs a desired direction; a context indicator has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["count", "rate"]) | Q(denominator__isnull=False),
                name="indicator_rate_has_denominator",
                violation_error_message=_("A rate needs a denominator series."),
            ),
        ]

    @property
    def factor(self) -> float:
        return self.FACTORS[self.kind]

    @property
    def is_context(self) -> bool:
        return self.category == self.Category.CONTEXT


class Territory(models.Model):
    class Level(models.TextChoices):
        BUND = "bund", _("Federation")
        LAND = "land", _("Land")
        REGBEZ = "regbez", _("Administrative region")
        KREIS = "kreis", _("County")
        VERBAND = "verband", _("Association of municipalities")
        GEMEINDE = "gemeinde", _("Municipality")
        OTHER = "other", _("Other area")

    key = models.CharField(_("key (AGS)"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Older data keeps using keys of merged or renamed territories: they stay, marked historic.
    historic = models.BooleanField(
        _("historic"),
        default=False,
        help_text=_("No longer in the current municipality register."),
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    register_date = models.DateField(
        _("last seen in the register edition of"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class Period(models.Model):
    """A year, or a reference date within a year (e.g. "Juni 2007" → 2007-06-30)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=50)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["year", "reference_date"]

    def __str__(self) -> str:
        return self.label


class Sex(models.TextChoices):
    TOTAL = "", _("Total")
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    DIVERSE = "d", _("Diverse")


class ColumnMapping(models.Model):
    """How a source's dimension column maps onto the platform's dimensions, kept for next year."""

    class Role(models.TextChoices):
        NAMED = "named", _("Keep as a named dimension")
        TARGET_GROUP = "target_group", _("Target group")
        SEX = "sex", _("Sex")
        AGE_GROUP = "age_group", _("Age group")
        TERRITORY_NAME = "territory_name", _("Territory name (ignored, GeoCode is used)")
        SERIES = "series", _("Values of a series")
        IGNORE = "ignore", _("Ignore")

    source = models.CharField(_("source"), max_length=200, db_index=True)
    column = models.CharField(_("column"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.NAMED)
    values = models.JSONField(
        _("value mapping"),
        default=dict,
        blank=True,
        help_text=_("Source value → platform code; a blank source value means total."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "column"], name="column_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.column} → {self.role}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DRY_RUN = "dry_run", _("Checked only (dry run)")
        REJECTED = "rejected", _("Rejected, nothing written")

    class Format(models.TextChoices):
        OPENSDG = "opensdg", _("Open SDG CSV")
        OFFICIAL = "official", _("Official statistics table (CSV)")
        XLSX = "xlsx", _("Excel workbook (XLSX)")
        FORM = "form", _("Form entry")

    process = models.ForeignKey(
        Process, on_delete=models.SET_NULL, null=True, blank=True, related_name="monitoring_imports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=300)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    source = models.CharField(_("source"), max_length=300, blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    skip_invalid = models.BooleanField(_("invalid rows skipped"), default=False)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.JSONField(_("rejected rows"), default=list, blank=True)
    skipped = models.JSONField(
        _("skipped rows"),
        default=list,
        blank=True,
        help_text=_("Rows that are no raw values (derived comparisons), with the reason."),
    )
    # What the import created or changed, for the computation to recompute only that:
    # {series id: [territory ids]}. None for runs stored before it was recorded.
    touched = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    computed_at = models.DateTimeField(_("indicators computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class Value(models.Model):
    """A raw figure of a series for one territory, period and combination of dimensions."""

    # The raw figures are the source of truth, so their references are checked by the database
    # (the bulk import checks them once per distinct key, see ``services.imports``).
    # The unique constraint (series first) and the (territory, period) index serve the lookups
    # by series and by territory; one index fewer each makes the bulk import faster. Nothing
    # looks values up by period or target group alone: those have no index of their own (a
    # period or target group is only deleted when no value refers to it, and that check may
    # scan).
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default="")
    age_group = models.CharField(max_length=50, blank=True, default="")
    dimensions = models.JSONField(default=dict, blank=True)
    # One text key of every dimension, so that uniqueness and upserts work on every database.
    cell = models.CharField(max_length=500)
    value = models.FloatField(null=True, blank=True)
    symbol = models.CharField(max_length=5, blank=True, default="")
    suppressed = models.BooleanField(_("suppressed at source"), default=False)
    rounded_to = models.PositiveSmallIntegerField(_("rounded at source to"), default=0)
    provisional = models.BooleanField(_("provisional"), default=False)
    series_break = models.BooleanField(_("series break"), default=False)
    limited_validity = models.BooleanField(_("limited validity"), default=False)
    comment = models.CharField(max_length=500, blank=True, default="")
    source = models.CharField(max_length=300, blank=True, default="")
    data_date = models.DateField(null=True, blank=True)
    # No database constraint: checking it per row would halve the bulk import speed, and the
    # run is only a note of where the value came from (Django still nulls it on delete).
    import_run = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "territory", "period", "cell"], name="value_unique_cell"
            ),
            models.CheckConstraint(
                condition=Q(rounded_to__in=[0, 3, 5, 10]), name="value_rounded_to_known"
            ),
        ]
        indexes = [models.Index(fields=["territory", "period"])]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.territory_id}/{self.period_id}/{self.cell}: {self.value}"


class ValueHistory(models.Model):
    """A value as it was before a newer delivery replaced it."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="history")
    old_value = models.FloatField(null=True, blank=True)
    old_flags = models.JSONField(default=dict, blank=True)
    old_source = models.CharField(max_length=300, blank=True, default="")
    old_import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_by = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("replaced value")
        verbose_name_plural = _("replaced values")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.value_id}: {self.old_value} ({self.replaced_at:%Y-%m-%d})"


class IndicatorValue(models.Model):
    """A computed indicator value with its comparisons, trend and published form."""

    class Trend(models.TextChoices):
        NONE = "", _("No trend")
        ON_TRACK = "on_track", _("On track")
        ACCELERATE = "accelerate", _("Progress, but acceleration needed")
        LIMITED = "limited", _("Limited progress")
        DETERIORATION = "deterioration", _("Deterioration")

    class Suppression(models.TextChoices):
        NONE = "", _("Published")
        PRIMARY = "primary", _("Small count")
        SECONDARY = "secondary", _("Secondary suppression")
        RATE = "rate", _("Rate from too few cases")
        SOURCE = "source", _("Secret at source")

    # Derived data, rewritten as a whole by the computation from validated raw values: no
    # per-row constraint checks in the database (Django still cascades deletes).
    # One index: the unique constraint, territory first, serves every read (each filters by a
    # territory or a process's territories, then by indicator and year); any further index
    # would only slow down storing.
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="values",
        db_constraint=False,
        db_index=False,
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField()
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True, default="")
    age_group = models.CharField(max_length=50, blank=True, default="")
    dimensions = models.JSONField(default=dict, blank=True)
    # On PostgreSQL compared byte-wise (collation "C", migration 0009): a key, never sorted
    # for display, and the unique index over it is far cheaper that way.
    cell = models.CharField(max_length=500)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    change_previous = models.FloatField(null=True, blank=True)
    change_base = models.FloatField(null=True, blank=True)
    cagr = models.FloatField(null=True, blank=True)
    gap_total = models.FloatField(null=True, blank=True)
    gap_land = models.FloatField(null=True, blank=True)
    gap_bund = models.FloatField(null=True, blank=True)
    trend = models.CharField(max_length=20, choices=Trend.choices, blank=True, default="")
    provisional = models.BooleanField(default=False)
    series_break = models.BooleanField(default=False)
    limited_validity = models.BooleanField(default=False)
    suppression = models.CharField(
        max_length=20, choices=Suppression.choices, blank=True, default=""
    )
    published_value = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "indicator", "year", "cell"], name="indicator_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.territory_id}/{self.year}/{self.cell}: {self.value}"


class Target(models.Model):
    """A target (value and year) per indicator and target group. Goals may point at it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="monitoring_targets"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    target_group = models.ForeignKey(
        TargetGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target group"),
        help_text=_("Leave empty for the whole population."),
    )
    value = models.FloatField(_("target value"))
    year = models.PositiveSmallIntegerField(_("target year"))
    note = models.TextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator__code", "target_group__order", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "indicator", "target_group"],
                name="target_one_per_group",
                violation_error_message=_("There is already a target for this target group."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="target_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value} ({self.year})"


def _token() -> str:
    """Kept for migration 0001, which named it as the default of the former token field."""
    from core.links import new_token

    return new_token()


class DataRequest(models.Model):
    """A request to a local data owner to deliver figures for one year."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="data_requests")
    title = models.CharField(_("title"), max_length=200)
    owner_name = models.CharField(_("data owner"), max_length=200)
    owner_email = models.EmailField(_("email of the data owner"))
    series = models.ManyToManyField(Series, verbose_name=_("figures"), related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="+", verbose_name=_("territory")
    )
    due_date = models.DateField(_("due date"))
    # The personal link's token is never stored: it is derived from the salt and the secret
    # key (core.tokens), and found again by its hash.
    token_salt = models.CharField(max_length=32, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reminders_sent = models.PositiveIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
