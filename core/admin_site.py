"""The Django admin, for platform administrators only.

The admin's model permissions are global: they know nothing of processes, so project staff of
one process would read and change every other process there. Project staff work in the
product's own pages, which check the process; the admin is left to superusers, who act
everywhere anyway.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Teilhabe platform administration")
    site_title = _("Teilhabe administration")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class PlatformAdminConfig(AdminConfig):
    """Replaces ``django.contrib.admin`` so that every app's ``@admin.register`` (and
    ``admin.site``) uses the platform administrators' site."""

    default_site = "core.admin_site.PlatformAdminSite"
