"""The access log, written by Django (logger ``teilhabe.access``) rather than by gunicorn: it
knows the client address ``core.clientaddr`` resolved, and it knows which requests belong to
survey respondents.

Respondent requests (answering pages, personal links, the answering API) are logged without
the client address, and personal tokens in a path are replaced by ``…``: otherwise the line of
the personal link and the line of the completing request could be joined by their address, and
an anonymised response linked to its invitation.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger("teilhabe.access")

# URL names whose requests come from respondents.
RESPONDENT_VIEWS = frozenset(
    {
        "surveys:respond_public",
        "surveys:respond_page",
        "surveys:respond_resume",
        "surveys:respond_thanks",
        "surveys:respond_invitation",
        "surveys:respond_invited",
        "surveys:opt_out",
        "api:survey-response-list",
    }
)
SECRET_KWARGS = ("token", "key")


def loggable_path(request) -> tuple[str, bool]:
    """``(path without secrets, whether the request is a respondent's)``."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        return path, False
    for name in SECRET_KWARGS:
        value = match.kwargs.get(name)
        if value:
            path = path.replace(str(value), "…")
    return path, match.view_name in RESPONDENT_VIEWS


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            path, respondent = loggable_path(request)
            address = "-" if respondent else request.META.get("REMOTE_ADDR", "-")
            logger.info(
                '%s "%s %s" %s %dms',
                address,
                request.method,
                path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
        return response
