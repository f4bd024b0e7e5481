"""Web pages of the monitoring. Thin: parse, check permission, call a service, render."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import charts
from core.numbers import german
from core.views import add_validation_error, form_page, paginate, require_perm
from participation.models import Process

from . import exports, parsing, selectors, services
from .forms import DataRequestForm, DeliverForm, MappingForm, TargetForm, UploadForm
from .models import DataRequest, ImportRun, Indicator, IndicatorValue, Target

PENDING_DIR = services.PENDING_DIR


def _process(request, pk: int, perm: str = "monitoring.view_monitoring") -> Process:
    process = get_object_or_404(Process, pk=pk)
    require_perm(request.user, perm, process)
    return process


def _raw(request, process: Process, obj, what: str) -> bool:
    """Raw figures only for those with the right, only when asked for, and always logged."""
    if request.GET.get("raw") != "1":
        return False
    require_perm(request.user, "monitoring.view_raw", process)
    services.raw_view_log(user=request.user, process=process, obj=obj, what=what)
    return True


@login_required
def index(request):
    processes = selectors.monitoring_processes(user=request.user)
    if len(processes) == 1:
        return redirect("monitoring:dashboard", processes[0].pk)
    return render(request, "monitoring/index.html", {"processes": processes})


@login_required
def dashboard(request, pk: int):
    process = _process(request, pk)
    raw = _raw(request, process, process, "dashboard")
    blocks = selectors.dashboard(process=process, raw=raw)
    for block in blocks:
        for tile in block.tiles:
            tile.sparkline = mark_safe(charts.sparkline(tile.history))  # noqa: S308 (own SVG)
            tile.display = (
                german(tile.value, decimals=tile.indicator.decimals) if tile.year else "–"
            )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "process": process,
            "blocks": blocks,
            "raw": raw,
            "home": services.process_territory(process),
            "can_manage": request.user.has_perm("monitoring.manage_monitoring", process),
        },
    )


def _chart(process, indicator, raw):
    lines, years, values = selectors.indicator_lines(process=process, indicator=indicator, raw=raw)
    chart_lines = [charts.ChartLine(line.label, line.points, line.reference) for line in lines]
    svg = charts.line_chart(
        chart_lines,
        title=f"{indicator.code} {indicator.label}",
        description=_("Line chart; the table below the chart holds the same figures."),
        unit=indicator.unit,
        decimals=indicator.decimals,
        chart_id=f"chart-{indicator.pk}",
    )
    return svg, lines, years, values


@login_required
def indicator_detail(request, pk: int, code: str):
    process = _process(request, pk)
    indicator = get_object_or_404(Indicator.objects.select_related("area"), code=code)
    raw = _raw(request, process, indicator, "indicator")
    svg, lines, years, values = _chart(process, indicator, raw)
    table = [
        (
            line,
            [
                german(dict(line.points).get(y), decimals=indicator.decimals)
                if y in dict(line.points)
                else "–"
                for y in years
            ],
        )
        for line in lines
    ]
    withheld = any(selectors.value_as_shown(v, raw=raw).withheld for v in values if not raw)
    home = services.process_territory(process)
    latest = max(years) if years else None
    municipalities = []
    if home is not None and latest:
        for v in (
            IndicatorValue.objects.filter(
                indicator=indicator,
                territory__parent=home,
                year=latest,
                sex="",
                age_group="",
                cell__regex=r"^tg=[^|]*\|sex=\|age=$",
            )
            .select_related("territory", "target_group")
            .order_by("territory__name", "target_group__order")
        ):
            shown = selectors.value_as_shown(v, raw=raw)
            withheld = withheld or (shown.hidden and shown.withheld)
            municipalities.append(
                (
                    v.territory.name,
                    v.target_group.label if v.target_group_id else _("All"),
                    german(shown.value, decimals=indicator.decimals),
                )
            )
    # the latest comparisons of the county (all and each target group)
    comparisons = []
    for v in values:
        if v.territory_id == getattr(home, "pk", None) and v.year == latest:
            shown = selectors.value_as_shown(v, raw=raw)
            signed = {
                name: _signed(getattr(v, name), indicator.decimals, shown.hidden)
                for name in ("change_previous", "change_base", "gap_total", "gap_land", "gap_bund")
            }
            cagr = v.cagr * 100 if v.cagr is not None else None
            comparisons.append(
                {
                    "label": v.target_group.label if v.target_group_id else _("All"),
                    "value": german(shown.value, decimals=indicator.decimals),
                    **signed,
                    "cagr": _signed(cagr, 1, shown.hidden),
                    "trend": v.get_trend_display() if v.trend else _("No trend"),
                }
            )
    targets = Target.objects.filter(process=process, indicator=indicator).select_related(
        "target_group"
    )
    return render(
        request,
        "monitoring/indicator.html",
        {
            "process": process,
            "indicator": indicator,
            "svg": mark_safe(svg),  # noqa: S308 (built by core.charts from escaped text)
            "years": years,
            "table": table,
            "municipalities": municipalities,
            "comparisons": comparisons,
            "withheld": withheld,
            "targets": targets,
            "raw": raw,
            "home": home,
            "can_manage": request.user.has_perm("monitoring.manage_monitoring", process),
        },
    )


def _signed(value, decimals, hidden: bool) -> str:
    """A change or gap with its sign; ``.`` where it belongs to a value the reader may not see."""
    if value is None or hidden:
        return "–" if value is None else "."
    text = german(abs(value), decimals=decimals)
    return ("+" if value > 0 else "−" if value < 0 else "±") + text


@login_required
def indicator_chart(request, pk: int, code: str):
    process = _process(request, pk)
    indicator = get_object_or_404(Indicator, code=code)
    raw = _raw(request, process, indicator, "chart")
    svg, *_rest = _chart(process, indicator, raw)
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def download(request, pk: int, fmt: str, code: str | None = None):
    process = _process(request, pk)
    filters = {k: request.GET.get(k) for k in ("area", "territory", "target_group", "year")}
    if code:
        get_object_or_404(Indicator, code=code)
        filters["indicator"] = code
    raw = _raw(request, process, process, f"download-{fmt}")
    values = list(selectors.published_values(process=process, raw=raw, filters=filters))
    stem = f"monitoring-{code or process.pk}"
    if fmt == "csv":
        body, ctype, ext = exports.as_csv(values, raw), "text/csv; charset=utf-8", "csv"
    elif fmt == "xlsx":
        body = exports.as_xlsx(values, raw)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ext = "xlsx"
    elif fmt == "opensdg":
        body, ctype, ext = exports.as_opensdg(values, raw), "text/csv; charset=utf-8", "csv"
        stem = f"indicator_{code or process.pk}"
    else:
        raise Http404
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return response


# --- imports -----------------------------------------------------------------------------------


def _pending_name(token: str) -> str:
    # In the default storage, so that the web process that shows the mapping step may be
    # another host than the one that received the upload.
    return f"{PENDING_DIR}/{token}"


@login_required
def imports(request, pk: int):
    process = _process(request, pk, "monitoring.manage_monitoring")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        metadata = None
        if form.cleaned_data.get("metadata"):
            try:
                metadata = parsing.read_metadata(
                    form.cleaned_data["metadata"].read().decode("utf-8-sig")
                )
            except (parsing.ParseError, UnicodeDecodeError) as exc:
                form.add_error("metadata", str(exc))
        fmt = form.cleaned_data["format"]
        if not form.errors:
            used = fmt if fmt != "auto" else parsing.sniff_format(upload.name, data)
            if used == "opensdg":
                # Open SDG: the user confirms the mapping of the dimension columns first.
                token = uuid.uuid4().hex
                default_storage.save(_pending_name(token), ContentFile(data))
                request.session[f"monitoring-pending-{token}"] = {
                    "name": upload.name,
                    "metadata": metadata,
                    "process": process.pk,
                }
                return redirect("monitoring:import_mapping", process.pk, token)
            report = services.values_import(
                files=[services.ImportFile(name=upload.name, data=data, metadata=metadata)],
                fmt=used,
                user=request.user,
                process=process,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
            return _after_import(request, process, report)
    runs = paginate(request, ImportRun.objects.filter(process=process), per_page=25)
    return render(
        request,
        "monitoring/imports.html",
        {"process": process, "form": form, "runs": runs},
        status=400 if request.method == "POST" else 200,
    )


def _after_import(request, process, report):
    if report.applied:
        messages.success(
            request,
            _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % report.as_dict(),
        )
    elif report.dry_run and not report.rejected:
        messages.info(request, _("Checked: nothing was written (dry run)."))
    else:
        messages.error(request, _("Nothing was written: some rows are invalid."))
    if report.runs:
        return redirect("monitoring:import_report", process.pk, report.runs[-1])
    return redirect("monitoring:imports", process.pk)


@login_required
def import_mapping(request, pk: int, token: str):
    process = _process(request, pk, "monitoring.manage_monitoring")
    pending = request.session.get(f"monitoring-pending-{token}")
    name = _pending_name(token)
    if not pending or pending.get("process") != process.pk or not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    file = services.ImportFile(name=pending["name"], data=data, metadata=pending["metadata"])
    try:
        _fmt, parsed, source = services.parse_file(file, fmt="opensdg", known_series=set())
    except parsing.ParseError as exc:
        default_storage.delete(name)
        messages.error(request, _("The file cannot be read: %(reason)s") % {"reason": exc})
        return redirect("monitoring:imports", process.pk)
    initial = services.stored_mapping(source) or parsing.guess_roles(
        parsed.dimension_columns, parsed.column_values
    )
    form = MappingForm(request.POST or None, columns=parsed.column_values, initial_mapping=initial)
    if request.method == "POST" and form.is_valid():
        report = services.values_import(
            files=[file],
            fmt="opensdg",
            user=request.user,
            process=process,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            mappings={file.name: form.mapping()},
        )
        if not report.dry_run:
            default_storage.delete(name)
            request.session.pop(f"monitoring-pending-{token}", None)
        return _after_import(request, process, report)
    return render(
        request,
        "monitoring/import_mapping.html",
        {
            "process": process,
            "form": form,
            "name": pending["name"],
            "parsed": parsed,
            "preview": parsed.frame.head(5).to_dict("records"),
        },
    )


@login_required
def import_report(request, pk: int, run_pk: int):
    process = _process(request, pk, "monitoring.manage_monitoring")
    run = get_object_or_404(ImportRun, pk=run_pk, process=process)
    return render(request, "monitoring/import_report.html", {"process": process, "run": run})


# --- targets ----------------------------------------------------------------------------------


@login_required
def targets(request, pk: int):
    process = _process(request, pk)
    items = Target.objects.filter(process=process).select_related("indicator", "target_group")
    return render(
        request,
        "monitoring/targets.html",
        {
            "process": process,
            "targets": items,
            "can_manage": request.user.has_perm("monitoring.manage_monitoring", process),
        },
    )


@login_required
def target_edit(request, pk: int, target_pk: int | None = None):
    process = _process(request, pk, "monitoring.manage_monitoring")
    target = get_object_or_404(Target, pk=target_pk, process=process) if target_pk else None
    form = TargetForm(request.POST or None, instance=target)
    return form_page(
        request,
        form=form,
        title=_("Edit target") if target else _("New target"),
        save=lambda data: services.target_save(
            user=request.user, process=process, target=target, **data
        ),
        success=lambda _obj: reverse("monitoring:targets", args=[process.pk]),
        cancel_url=reverse("monitoring:targets", args=[process.pk]),
        success_message=_("The target was saved."),
    )


@login_required
@require_POST
def target_delete(request, pk: int, target_pk: int):
    process = _process(request, pk, "monitoring.manage_monitoring")
    target = get_object_or_404(Target, pk=target_pk, process=process)
    services.target_delete(user=request.user, target=target)
    messages.success(request, _("The target was deleted."))
    return redirect("monitoring:targets", process.pk)


# --- data requests ----------------------------------------------------------------------------


@login_required
def data_requests(request, pk: int):
    process = _process(request, pk, "monitoring.manage_monitoring")
    form = DataRequestForm(
        request.POST or None,
        territories=services.territory_writable(process),
        initial={"territory": services.process_territory(process)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.data_request_create(user=request.user, process=process, **form.cleaned_data)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The request was sent to the data owner."))
            return redirect("monitoring:data_requests", process.pk)
    items = DataRequest.objects.filter(process=process).prefetch_related("series")
    return render(
        request,
        "monitoring/data_requests.html",
        {"process": process, "form": form, "requests": items},
        status=400 if request.method == "POST" else 200,
    )


def data_request_deliver(request, token: str):
    """The data owner's page: reached by the personal link in the mail, no account needed."""
    data_request = services.data_request_by_token(token)
    if data_request is None:
        raise Http404
    if data_request.status != DataRequest.Status.OPEN:
        return render(request, "monitoring/deliver_closed.html", {"data_request": data_request})
    form = DeliverForm(request.POST or None, request.FILES or None, request=data_request)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("file"):
                upload = form.cleaned_data["file"]
                limit = settings.MONITORING_DELIVERY_MAX_BYTES
                if upload.size > limit:  # refused before the file is read into memory
                    raise ValidationError({"file": [services.delivery_too_large_message(limit)]})
                report = services.data_request_deliver_file(
                    request=data_request, name=upload.name, data=upload.read()
                )
            else:
                report = services.data_request_deliver_form(
                    request=data_request, figures=form.figures()
                )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            if report.applied:
                return render(
                    request,
                    "monitoring/deliver_closed.html",
                    {"data_request": data_request, "thanks": True, "report": report},
                )
    return render(
        request,
        "monitoring/deliver.html",
        {"data_request": data_request, "form": form, "report": report},
        status=400 if request.method == "POST" else 200,
    )
