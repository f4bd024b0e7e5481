"""Data requests to local data owners (job centre, school office, registration office)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_link, link_remind, links_remind_due
from core.numbers import decimal_comma
from core.permissions import require_perm
from core.tokens import derive_token, hash_token, new_salt
from participation.models import Process, TargetGroup
from participation.services import audit_log

from ..models import DataRequest, Series, Territory
from .catalogue import territory_writable
from .imports import ImportFile, ImportReport, WriteScope, values_import

TOKEN_PURPOSE = "teilhabe.monitoring.data_request"

logger = logging.getLogger(__name__)


def raw_view_log(*, user, process: Process, obj, what: str) -> None:
    """Every look at unprotected figures is recorded (who, which object, which view)."""
    audit_log(actor=user, action="monitoring.raw_view", obj=obj, process=process, view=what)


@transaction.atomic
def data_request_create(
    *,
    user,
    process: Process,
    title: str,
    owner_name: str,
    owner_email: str,
    series: list[Series],
    year: int,
    territory: Territory,
    due_date: date,
) -> DataRequest:
    """Create a request and mail the owner a personal link (queued after commit)."""
    require_perm(
        user,
        "monitoring.manage_monitoring",
        process,
        message=_("You may not manage the monitoring of this process."),
    )
    if not series:
        raise ValidationError({"series": _("Choose at least one figure.")})
    if territory.pk not in {t.pk for t in territory_writable(process)}:
        raise ValidationError(
            {"territory": _("Ask only for figures of the process's county or its municipalities.")}
        )
    request = DataRequest(
        process=process,
        title=title,
        owner_name=owner_name,
        owner_email=owner_email,
        year=year,
        territory=territory,
        due_date=due_date,
        created_by=user,
        token_salt=new_salt(),
    )
    request.token_hash = hash_token(data_request_token(request))
    request.full_clean()
    request.save()
    request.series.set(series)
    audit_log(actor=user, action="monitoring.data_request_create", obj=request, process=process)
    from ..tasks import send_data_request

    send_data_request.delay_on_commit(request.pk)
    return request


def data_request_token(request: DataRequest) -> str:
    """The token of the owner's personal link, rebuilt from the stored salt."""
    return derive_token(TOKEN_PURPOSE, request.token_salt)


def data_request_by_token(token: str) -> DataRequest | None:
    return (
        DataRequest.objects.select_related("process", "territory")
        .filter(token_hash=hash_token(token))
        .first()
    )


def _link(request: DataRequest) -> str:
    if not request.token_salt:
        # A request from before tokens were hashed: its link cannot be rebuilt, so this mail
        # carries a fresh one (the old link stops working).
        request.token_salt = new_salt()
        request.token_hash = hash_token(data_request_token(request))
        request.save(update_fields=["token_salt", "token_hash"])
    return absolute_link("monitoring:data_request_deliver", data_request_token(request))


def _compose(request: DataRequest, first: bool) -> tuple[str, str, list[str]]:
    subject = (_("Data request: %(title)s") if first else _("Reminder: data request %(title)s")) % {
        "title": request.title
    }
    body = _(
        "Hello %(owner)s,\n\nplease deliver the figures for %(year)s (%(territory)s) by "
        "%(due)s:\n%(series)s\n\nEnter them or upload a file here:\n%(link)s\n"
    ) % {
        "owner": request.owner_name,
        "year": request.year,
        "territory": request.territory.name,
        "due": request.due_date.strftime("%d.%m.%Y"),
        "series": "\n".join(f"- {s.name}" for s in request.series.all()),
        "link": _link(request),
    }
    return subject, body, [request.owner_email]


def data_request_remind(*, request_id: int, first: bool = False) -> bool:
    """Mail the owner (the first time, or again when the reminder interval has passed)."""
    return link_remind(
        model=DataRequest,
        pk=request_id,
        first=first,
        interval=timedelta(days=settings.MONITORING_REMINDER_DAYS),
        is_open=lambda r: r.status == DataRequest.Status.OPEN,
        compose=_compose,
    )


def data_requests_remind_due() -> int:
    ids = list(
        DataRequest.objects.filter(status=DataRequest.Status.OPEN).values_list("pk", flat=True)
    )
    return links_remind_due(ids, lambda pk: data_request_remind(request_id=pk))


def _delivered(request: DataRequest, report: ImportReport) -> None:
    if report.applied:
        DataRequest.objects.filter(pk=request.pk).update(
            status=DataRequest.Status.DELIVERED,
            delivered_at=timezone.now(),
            import_run_id=report.runs[-1] if report.runs else None,
        )


def data_request_deliver_form(
    *, request: DataRequest, figures: dict[tuple[int, int], Any]
) -> ImportReport:
    """Figures typed into the owner's form: ``{(series_id, target_group_id or 0): value}``.

    They travel through the same import as files (validation, history, computation), limited
    to the request's territory, figures and year.
    """
    if request.status != DataRequest.Status.OPEN:
        raise ValidationError(_("This request is no longer open."))
    codes = dict(request.series.values_list("id", "code"))
    unknown = sorted({series_id for series_id, _tg in figures} - set(codes))
    if unknown:
        raise ValidationError(_("These figures are not part of the request."))
    groups = dict(TargetGroup.objects.values_list("id", "code"))
    lines = ["Jahr;AGS;Zielgruppe;Reihe;Wert"]
    for (series_id, tg), value in sorted(figures.items()):
        if value in (None, ""):
            continue
        text = decimal_comma(value)
        lines.append(
            f"{request.year};{request.territory.key};{groups.get(tg, '')};{codes[series_id]};{text}"
        )
    if len(lines) == 1:
        raise ValidationError(_("Enter at least one figure."))
    mapping = {"Zielgruppe": {"role": "target_group", "values": {c: c for c in groups.values()}}}
    name = f"request-{request.pk}.csv"
    report = values_import(
        files=[ImportFile(name=name, data="\n".join(lines).encode("utf-8"))],
        fmt="official",
        process=request.process,
        mappings={name: mapping},
        source=f"{request.owner_name} ({request.title})",
        data_date=timezone.localdate(),
        scope=_delivery_scope(request),
    )
    _delivered(request, report)
    return report


def _delivery_scope(request: DataRequest) -> WriteScope:
    """A delivery writes the request's territory, figures and year, and creates nothing."""
    return WriteScope(
        territories=frozenset({request.territory_id}),
        series=frozenset(request.series.values_list("pk", flat=True)),
        years=frozenset({request.year}),
        create_series=False,
    )


def data_request_deliver_file(
    *, request: DataRequest, name: str, data: bytes, skip_invalid: bool = False
) -> ImportReport:
    """A file from the data owner: at most ``MONITORING_DELIVERY_MAX_BYTES``, and only rows of
    the request's territory, figures and year (any other row rejects the file)."""
    if request.status != DataRequest.Status.OPEN:
        raise ValidationError(_("This request is no longer open."))
    limit = settings.MONITORING_DELIVERY_MAX_BYTES
    if len(data) > limit:
        raise ValidationError({"file": [delivery_too_large_message(limit)]})
    report = values_import(
        files=[ImportFile(name=name, data=data)],
        process=request.process,
        default_territory=request.territory.key,
        skip_invalid=skip_invalid,
        source=f"{request.owner_name} ({request.title})",
        data_date=timezone.localdate(),
        scope=_delivery_scope(request),
    )
    _delivered(request, report)
    return report


def delivery_too_large_message(limit: int) -> str:
    return _("The file is larger than %(size)s MB; deliver at most that much at once.") % {
        "size": decimal_comma(round(limit / 1_000_000, 1))
    }
