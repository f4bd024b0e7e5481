"""View helpers every app's pages use: one permission check, service errors onto forms, the
standard form page and pagination."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import ratelimit
from .permissions import require_perm

__all__ = [
    "LoginForm",
    "LoginView",
    "add_validation_error",
    "form_page",
    "paginate",
    "require_perm",
]


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


class LoginForm(AuthenticationForm):
    """The sign-in form, limited like the API token endpoint (``core.ratelimit``): after too
    many failed attempts from one address (or for one user name) it refuses before the
    password is checked."""

    rate_limited = False

    def clean(self):
        username = self.cleaned_data.get("username", "")
        if ratelimit.login_blocked(self.request, username):
            self.rate_limited = True
            raise ValidationError(
                _("Too many failed sign-in attempts. Please wait a few minutes and try again."),
                code="too_many_attempts",
            )
        try:
            return super().clean()
        except ValidationError:
            ratelimit.login_failed(self.request, username)
            raise


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.rate_limited:
            response.status_code = 429
        return response
