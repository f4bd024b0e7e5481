"""One error shape for the whole API.

Every error body is
``{"detail": <summary>, "errors": [{"field": ..., "code": ..., "message": ...}]}``.
``field`` is ``null`` for errors that concern the whole request; nested fields are dotted
(``phases.0.start_date``).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail, prefix=None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if prefix is None else f"{prefix}.{key}"
            if key in ("non_field_errors", "__all__"):
                name = prefix
            yield from _flatten(value, name)
    elif isinstance(detail, list):
        if detail and all(isinstance(item, (dict, list)) for item in detail):
            for index, item in enumerate(detail):
                yield from _flatten(item, f"{prefix}.{index}" if prefix else str(index))
        else:
            for item in detail:
                yield from _flatten(item, prefix)
    else:
        yield {
            "field": prefix,
            "code": getattr(detail, "code", "invalid"),
            "message": str(detail),
        }


def django_validation_error_as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                (k if k != "__all__" else "non_field_errors"): [str(m) for e in v for m in e]
                for k, v in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": list(exc.messages)})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error_as_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        # The same refusal as on the pages, with the service's reason where it gives one.
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = list(_flatten(response.data))
    if isinstance(exc, exceptions.ValidationError):
        detail = _("The request contains invalid data.")
    elif errors:
        detail = errors[0]["message"]
    else:
        detail = str(exc)
    response.data = {"detail": detail, "errors": errors}
    return response


def validation_error_response(errors: list[dict]) -> Response:
    return Response(
        {"detail": _("The request contains invalid data."), "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )
