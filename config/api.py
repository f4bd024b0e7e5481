"""One error shape for the whole API.

Every error body is
``{"detail": <summary>, "errors": [{"field": ..., "code": ..., "message": ...}]}``.
``field`` is ``null`` for errors that concern the whole request; nested fields are dotted
(``phases.0.start_date``).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


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
        # An unexpected failure (a bug, or a service the request needs is down): logged with
        # its traceback, answered in the API's shape instead of Django's HTML error page.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", ""),
            exc_info=exc,
            extra={"status_code": 500, "request": getattr(request, "_request", request)},
        )
        return Response(server_error_body(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
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


def server_error_body() -> dict:
    return {
        "detail": _("An internal error occurred. Please try again later."),
        "errors": [{"field": None, "code": "server_error", "message": _("Internal error.")}],
    }


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def handler500(request):
    """Django's last resort (errors outside a DRF view, e.g. in middleware): JSON under
    ``/api/``, the HTML error page elsewhere."""
    if _is_api(request):
        return JsonResponse(server_error_body(), status=500)
    from django.views.defaults import server_error

    return server_error(request)


def handler404(request, exception):
    """An unknown address under ``/api/`` gets the API's error shape."""
    if _is_api(request):
        message = str(exceptions.NotFound.default_detail)
        return JsonResponse(
            {
                "detail": message,
                "errors": [{"field": None, "code": "not_found", "message": message}],
            },
            status=404,
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of the whole API.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["detail", "errors"],
}

ERROR_RESPONSES = {
    "400": "The request contains invalid data (each error names its field).",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such object among those you may see.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error responses the
    exception handler above gives (400, 403, 404 and, where a rate applies, 429), in their one
    shape, so that a generated client knows them."""
    throttled = set()
    for endpoint in getattr(generator, "endpoints", None) or []:
        path, _regex, method, callback = endpoint[:4]
        view = getattr(callback, "cls", None)
        if view is not None and getattr(view, "throttle_classes", None):
            throttled.add((path, method.lower()))
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": reference})
            if (path, method) in throttled:
                responses.setdefault(
                    "429",
                    {"description": "Too many requests; try again later.", "content": reference},
                )
    return result
