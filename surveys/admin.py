"""Read-only views of survey data for project staff. Changes go through the services (the
designer, the invitation pages, the API), so the admin neither adds, edits nor deletes."""

from django.contrib import admin

from .models import Invitation, Response, Survey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "process", "status", "access_mode", "anonymised", "created_at"]
    list_filter = ["status", "access_mode", "anonymised"]


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ["client_id", "survey", "version", "language", "status", "is_test", "started_at"]
    list_filter = ["status", "is_test", "language"]
    list_select_related = ["survey", "version__survey"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["display_name", "survey", "language", "sent_at", "completed_at"]
    list_filter = ["survey"]
    search_fields = ["name", "email", "organisation"]
    exclude = ["token_salt", "token_hash"]
