"""One permission check for pages, API and services.

``require_perm`` raises Django's ``PermissionDenied``: pages answer 403 with the message, and the
API's exception handler (``config.api``) turns the same exception into its 403 error shape with
the same message, so a rule is written once and refused alike through every door.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_perm(user, perm: str, obj=None, *, message: str | None = None) -> None:
    """Refuse unless ``user`` has ``perm`` (on ``obj``); ``message`` says why, in their words."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(message or _("You do not have permission to do this."))
