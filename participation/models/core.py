"""The participation process core: processes, phases, catalogues, people, roles.

Personal data lives in `Person` only (and the account in `auth.User`); everything else refers
to a person by key so that erasure (`services.person_erase`) anonymises them everywhere at once.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedNameMixin(models.Model):
    """A German name (the default language) and an optional English one."""

    name = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Process(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        ACTIVE = "active", _("Running")
        COMPLETED = "completed", _("Concept adopted")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=200)
    territory = models.CharField(
        _("territory"), max_length=200, help_text=_("The county or city, e.g. Kreis Gütersloh.")
    )
    territory_key = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        blank=True,
        help_text=_("Up to 8 digits, e.g. 05754 for Kreis Gütersloh."),
    )
    period_start = models.DateField(_("start"))
    period_end = models.DateField(_("end"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    target_groups = models.ManyToManyField(
        "TargetGroup", verbose_name=_("target groups"), blank=True, related_name="processes"
    )
    fields_of_action = models.ManyToManyField(
        "FieldOfAction", verbose_name=_("fields of action"), blank=True, related_name="processes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="process_period_ordered",
                violation_error_message=_("The end of the period must not be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(territory_key="") | Q(territory_key__regex=r"^[0-9]{2,8}$"),
                name="process_territory_key_digits",
                violation_error_message=_("The municipality key (AGS) consists of 2 to 8 digits."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process_dashboard", args=[self.pk])


class Phase(models.Model):
    class Kind(models.TextChoices):
        INTERVIEWS = "interviews", _("Qualitative interviews")
        SURVEY = "survey", _("Online survey")
        CONFERENCE = "conference", _("Kick-off conference")
        WORKSHOPS = "workshops", _("Workshops")
        DRAFTING = "drafting", _("Concept drafting")
        MONITORING = "monitoring", _("Monitoring")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "order", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="phase_dates_ordered",
                violation_error_message=_("The end of the phase must not be before its start."),
            ),
            models.UniqueConstraint(
                fields=["process", "order"],
                name="phase_order_unique",
                violation_error_message=_("Another phase of this process has this position."),
            ),
        ]
        indexes = [models.Index(fields=["process", "kind"])]

    def __str__(self) -> str:
        return self.title


class TargetGroup(TranslatedNameMixin):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["order", "name"]


class FieldOfAction(TranslatedNameMixin):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("field of action")
        verbose_name_plural = _("fields of action")
        ordering = ["order", "name"]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Public administration")
        SCHOOL = "school", _("School or day care")
        JOB_CENTRE = "job_centre", _("Job centre or employment agency")
        WELFARE = "welfare", _("Welfare organisation")
        MIGRANT = "migrant", _("Migrant organisation")
        EMPLOYER = "employer", _("Employer or chamber")
        CIVIL_SOCIETY = "civil_society", _("Civil society or volunteers")
        RESEARCH = "research", _("Research or consulting")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The processes that work with the organisation: their project staff see and keep it in the
    # directory; nobody else does (platform administrators excepted).
    processes = models.ManyToManyField(
        Process, blank=True, related_name="organisations", verbose_name=_("processes")
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A person taking part. The only model (besides the login account) with personal data."""

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    function = models.CharField(
        _("function"), max_length=200, blank=True, help_text=_("E.g. head of the school office.")
    )
    processes = models.ManyToManyField(
        Process, blank=True, related_name="people", verbose_name=_("processes")
    )
    language = models.CharField(_("preferred language"), max_length=10, default="de")
    consent_to_contact = models.BooleanField(_("consents to be contacted"), default=False)
    consent_date = models.DateField(_("consent given on"), null=True, blank=True)
    consent_purpose = models.CharField(_("purpose of consent"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_contact=False)
                | (Q(consent_date__isnull=False) & ~Q(consent_purpose="")),
                name="person_consent_has_date_and_purpose",
                violation_error_message=_("Consent to be contacted needs a date and a purpose."),
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True)
                | (Q(first_name="") & Q(last_name="") & Q(email="") & Q(phone="")),
                name="person_erased_has_no_personal_data",
                violation_error_message=_("An erased person must not hold personal data."),
            ),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["last_name"])]

    @property
    def pseudonym(self) -> str:
        """A stable label that never reveals who the person is (used in exports and quotes)."""
        return f"P-{self.pk:04d}" if self.pk else "P-new"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def display_name(self) -> str:
        if self.is_erased:
            return str(_("Erased person (%(pseudonym)s)") % {"pseudonym": self.pseudonym})
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email or self.pseudonym

    def __str__(self) -> str:
        return self.display_name


class ProcessMembership(models.Model):
    """A user's role in one process. Permissions are derived from this (see permissions.py)."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Project staff")
        FACILITATOR = "facilitator", _("Facilitator")
        EXPERT = "expert", _("Expert")

    process = models.ForeignKey(
        Process, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("process")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["process", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "user"],
                name="membership_one_role",
                violation_error_message=_("This user already has a role in this process."),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.process}"


class AuditEvent(models.Model):
    """Who did what, when. Holds keys and action names, never copies of personal fields.

    The trail outlives what it describes: deleting a process keeps its events, which then still
    name the process by the id and title stored with each of them.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    process = models.ForeignKey(
        Process, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    process_ref = models.PositiveBigIntegerField(_("process id"), null=True, blank=True)
    process_title = models.CharField(_("process title"), max_length=200, blank=True)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["process_ref", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
