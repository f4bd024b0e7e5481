"""View helpers every app's pages use: one permission check, service errors onto forms, the
standard form page, the confirmation of irreversible actions and pagination."""

from collections.abc import Callable, Mapping, Sequence

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from .permissions import require_perm

__all__ = [
    "CONFIRM_FIELD",
    "add_validation_error",
    "confirm_page",
    "confirmed",
    "form_page",
    "paginate",
    "require_perm",
]

# The hidden field a confirmation page (or the dialog built from it) adds to the request.
CONFIRM_FIELD = "confirm"


def add_validation_error(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form, field by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def form_page(
    request,
    *,
    form,
    title: str,
    save: Callable[[dict], object],
    success: Callable[[object], str],
    cancel_url: str,
    success_message: str,
    template: str = "participation/form.html",
    context: dict | None = None,
):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success(obj))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "cancel_url": cancel_url, **(context or {})},
        status=status,
    )


def paginate(request, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def confirmed(request) -> bool:
    """True when the request is the POST sent from a confirmation page (or its dialog)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirm_page(
    request,
    *,
    title: str,
    text: str,
    button: str,
    cancel_url: str,
    consequences: Sequence[str] = (),
    action: str | None = None,
    fields: Mapping[str, object] | None = None,
    danger: bool = True,
    context: dict | None = None,
    template: str = "confirm.html",
):
    """The page that asks before an irreversible or far-reaching action and says what happens.

    Works without JavaScript: the action's form posts without ``confirm``, the view answers with
    this page, whose form posts again with ``confirm=1`` (``confirmed(request)``) plus ``fields``.
    With JavaScript, ``static/js/confirm.js`` fetches this page for any form or link marked
    ``data-confirm`` and shows its box as a dialog, so the words are written once, here.
    ``template`` may extend ``confirm.html`` to add an app's navigation.
    """
    return render(
        request,
        template,
        {
            "title": title,
            "confirm_text": text,
            "consequences": list(consequences),
            "button": button,
            "cancel_url": cancel_url,
            "action": action if action is not None else request.path,
            "fields": {k: v for k, v in (fields or {}).items() if k != CONFIRM_FIELD},
            "danger": danger,
            **(context or {}),
        },
    )
