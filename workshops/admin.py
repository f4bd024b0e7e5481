"""Read-only admin views of the workshops, scoped to the user's processes. Changes go through
the pages and the API (the services), never through the admin."""

from django.contrib import admin

from . import selectors
from .models import Card, Vote, Workshop, WorkshopInvitation


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    workshop_path = "workshop__in"

    def get_queryset(self, request):
        visible = selectors.workshop_list(user=request.user).values("pk")
        qs = super().get_queryset(request)
        if self.model is Workshop:
            return qs.filter(pk__in=visible)
        return qs.filter(**{self.workshop_path: visible})

    def has_module_permission(self, request):
        return request.user.has_perm("workshops.view_workshops")

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.has_perm("workshops.view_workshops")
        workshop = obj if isinstance(obj, Workshop) else obj.workshop
        return request.user.has_perm("workshops.view_workshop", workshop)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Workshop)
class WorkshopAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "process", "starts_at", "status", "join_code"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(Card)
class CardAdmin(ScopedReadOnlyAdmin):
    list_display = ["number", "workshop", "column", "kind", "status", "text"]
    list_filter = ["column", "kind", "status"]
    search_fields = ["text"]


@admin.register(Vote)
class VoteAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "workshop", "mode", "status", "opened_at", "closed_at"]


@admin.register(WorkshopInvitation)
class InvitationAdmin(ScopedReadOnlyAdmin):
    list_display = ["workshop", "person", "response", "sent_at", "checked_in_at"]
    list_filter = ["response"]
    exclude = ["token_salt", "token_hash"]
