"""Confirmation of irreversible or far-reaching actions.

The action's button posts as usual. Without ``confirmed=yes`` the view does nothing and
answers with a confirmation page that says what will happen and posts the same fields again
with ``confirmed=yes``; ``static/js/confirm.js`` shows that page's box as a dialog instead
of leaving the page. Without JavaScript the page itself is the confirmation.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    consequences: list[str],
    confirm_label: str,
    cancel_url: str,
    checklist: list | None = None,
    can_confirm: bool = True,
    danger: bool = True,
    note: str = "",
) -> HttpResponse:
    """The page that asks before ``request``'s action is carried out.

    ``consequences``: sentences saying what will happen. ``checklist``: items with ``label``,
    ``ok``, ``details`` and ``blocking`` (what is missing is a warning; a blocking item that is
    not ok hides the confirm button, as does ``can_confirm=False``).
    """
    fields = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in request.POST.getlist(name)
    ]
    blocked = any(item.blocking and not item.ok for item in checklist or [])
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "checklist": checklist or [],
            "warnings": [item for item in checklist or [] if not item.ok and not item.blocking],
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
            "fields": fields,
            "action": request.get_full_path(),
            "can_confirm": can_confirm and not blocked,
            "danger": danger,
            "note": note,
            "confirm_field": CONFIRM_FIELD,
        },
    )
