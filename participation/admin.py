from django.contrib import admin

from .models import (
    AuditEvent,
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ProcessMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "period_start", "period_end", "status"]
    list_filter = ["status"]
    search_fields = ["title", "territory"]
    filter_horizontal = ["target_groups", "fields_of_action"]
    inlines = [PhaseInline, MembershipInline]


@admin.register(TargetGroup, FieldOfAction)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "consent_to_contact", "erased_at"]
    list_filter = ["consent_to_contact", "organisation__kind"]
    search_fields = ["first_name", "last_name", "email"]
    readonly_fields = ["erased_at"]

    # Erasure goes through the service (participation.services.person_erase), not the admin.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "process_ref",
        "process_title",
    ]
    list_filter = ["action", "object_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # The trail is evidence: nobody removes entries from it, platform administrators included.
    def has_delete_permission(self, request, obj=None):
        return False


# --- interviews, conference, statements (writes go through the services) ------------------
from .models import (  # noqa: E402
    AgendaItem,
    Code,
    CodedPassage,
    Conference,
    ConferenceCard,
    GuideQuestion,
    Interview,
    Registration,
    Statement,
    TopicTable,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for inspection; changes go through the pages so statements stay in step."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting through the services keeps the Statement pool in step


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "source_label", "process", "created_at"]
    list_filter = ["kind", "source_type", "process"]
    search_fields = ["text", "source_label"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "facilitator", "target_group", "consent_given_on", "process"]
    list_filter = ["process", "target_group"]


@admin.register(GuideQuestion, Code)
class InterviewSupportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "process"]
    list_filter = ["process"]


@admin.register(CodedPassage)
class CodedPassageAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "interview", "start", "end", "coded_by"]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "venue", "capacity", "registration_open", "process"]
    inlines = [AgendaInline]

    def has_delete_permission(self, request, obj=None):
        return False  # its cards are statements; they must not be orphaned


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "status", "checked_in_at", "conference"]
    list_filter = ["conference", "status"]
    search_fields = ["name", "organisation", "email"]


@admin.register(TopicTable, ConferenceCard)
class ConferenceTableAdmin(ReadOnlyAdmin):
    list_display = ["__str__"]
