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
from .forms import (
    DataRequestForm,
    DeliverForm,
    ImportCheckForm,
    MappingForm,
    TargetForm,
    UploadForm,
)
from .models import DataRequest, ImportRun, Indicator, IndicatorValue, Target, Territory

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


def _shown_keys(request, lines) -> list[str]:
    """The lines the reader chose (``?show=…``); by default the county's total and first two
    target groups and the total of each comparison territory, never all lines at once."""
    keys = [line.key for line in lines]
    chosen = [k for k in request.GET.getlist("show") if k in keys]
    if chosen:
        return chosen
    own = [line.key for line in lines if not line.reference][:3]
    refs = [line.key for line in lines if line.reference and line.key.endswith("-0")]
    return own + refs


def _chart_targets(process, indicator, shown_lines):
    """The process's targets of this indicator for the lines shown (all = the total line)."""
    labels = {line.label for line in shown_lines if not line.reference}
    out = []
    for target in Target.objects.filter(process=process, indicator=indicator).select_related(
        "target_group"
    ):
        line_label = target.target_group.label if target.target_group_id else _("All")
        if line_label not in labels:
            continue
        value = german(target.value, decimals=indicator.decimals)
        out.append(
            charts.ChartTarget(
                label=_("Target %(group)s %(year)s: %(value)s")
                % {"group": line_label, "year": target.year, "value": value},
                year=target.year,
                value=target.value,
                line_label=line_label,
            )
        )
    return out


def _chart(request, process, indicator, raw, *, responsive: bool = True):
    lines, years, values = selectors.indicator_lines(process=process, indicator=indicator, raw=raw)
    shown_keys = _shown_keys(request, lines)
    shown_lines = [line for line in lines if line.key in shown_keys]
    chart_lines = [
        charts.ChartLine(line.label, line.points, line.reference) for line in shown_lines
    ]
    options = {
        "title": f"{indicator.code} {indicator.label}",
        "description": _("Line chart; the table below the chart holds the same figures."),
        "unit": indicator.unit,
        "decimals": indicator.decimals,
        "chart_id": f"chart-{indicator.pk}",
        "targets": [] if indicator.is_context else _chart_targets(process, indicator, shown_lines),
    }
    draw = charts.responsive_line_chart if responsive else charts.line_chart
    svg = draw(chart_lines, **options)
    return svg, lines, years, values, shown_keys


def _municipality_table(indicator, home, latest, raw):
    """Municipalities as rows, all and each target group as columns (latest year)."""
    columns: dict[int, str] = {}
    rows: dict[str, dict[int, str]] = {}
    withheld = False
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
        group = v.target_group_id or 0
        columns.setdefault(group, v.target_group.label if group else _("All"))
        rows.setdefault(v.territory.name, {})[group] = german(
            shown.value, decimals=indicator.decimals
        )
    order = sorted(columns, key=lambda g: (g != 0, g))
    headers = [columns[g] for g in order]
    table = [(name, [cells.get(g, "–") for g in order]) for name, cells in rows.items()]
    return headers, table, withheld


@login_required
def indicator_detail(request, pk: int, code: str):
    process = _process(request, pk)
    indicator = get_object_or_404(Indicator.objects.select_related("area"), code=code)
    raw = _raw(request, process, indicator, "indicator")
    svg, lines, years, values, shown_keys = _chart(request, process, indicator, raw)
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
    municipality_headers, municipalities = [], []
    if home is not None and latest:
        municipality_headers, municipalities, hidden = _municipality_table(
            indicator, home, latest, raw
        )
        withheld = withheld or hidden
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
                    "trend": _("development only")
                    if indicator.is_context
                    else v.get_trend_display()
                    if v.trend
                    else _("No trend"),
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
            "municipality_headers": municipality_headers,
            "latest": latest,
            "own_lines": [line for line in lines if not line.reference],
            "reference_lines": [line for line in lines if line.reference],
            "shown_keys": shown_keys,
            "reference_groups_shown": any(
                line.reference and not line.key.endswith("-0") and line.key in shown_keys
                for line in lines
            ),
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
    svg, *_rest = _chart(request, process, indicator, raw, responsive=False)
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


def _parse_error_text(exc: parsing.ParseError) -> str:
    """A file-level problem in the reader's language (the exception text is English)."""
    text = _(exc.template)
    return text % exc.params if exc.params else text


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
            except parsing.ParseError as exc:
                form.add_error("metadata", _parse_error_text(exc))
            except UnicodeDecodeError:
                form.add_error("metadata", _("The metadata file is not UTF-8 text."))
        fmt = form.cleaned_data["format"]
        if not form.errors:
            try:
                used = fmt if fmt != "auto" else parsing.sniff_format(upload.name, data)
            except parsing.ParseError as exc:
                form.add_error("file", _parse_error_text(exc))
            else:
                # Nothing is written before the check page has shown what would be written.
                token = uuid.uuid4().hex
                default_storage.save(_pending_name(token), ContentFile(data))
                request.session[f"monitoring-pending-{token}"] = {
                    "name": upload.name,
                    "metadata": metadata,
                    "process": process.pk,
                    "format": used,
                    "dry_run": form.cleaned_data["dry_run"],
                    "skip_invalid": form.cleaned_data["skip_invalid"],
                }
                return redirect("monitoring:import_check", process.pk, token)
    runs = paginate(request, ImportRun.objects.filter(process=process), per_page=25)
    return render(
        request,
        "monitoring/imports.html",
        {"process": process, "form": form, "runs": runs},
        status=400 if request.method == "POST" else 200,
    )


def _after_import(request, process, report, token: str | None = None):
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
        if token and not report.applied:
            # the report page offers to go back to the check step with the same file
            request.session[f"monitoring-run-{report.runs[-1]}"] = token
        return redirect("monitoring:import_report", process.pk, report.runs[-1])
    return redirect("monitoring:imports", process.pk)


def _pending(request, process, token):
    pending = request.session.get(f"monitoring-pending-{token}")
    name = _pending_name(token)
    if not pending or pending.get("process") != process.pk or not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    file = services.ImportFile(name=pending["name"], data=data, metadata=pending["metadata"])
    return pending, file


@login_required
def import_check(request, pk: int, token: str):
    """The check step: what the file will write, the column mapping and what the file does not
    say (territory, a new indicator's name, area, unit, type and direction)."""
    process = _process(request, pk, "monitoring.manage_monitoring")
    pending, file = _pending(request, process, token)
    fmt = pending.get("format", "opensdg")
    try:
        _fmt, parsed, source = services.parse_file(file, fmt=fmt, known_series=set())
    except parsing.ParseError as exc:
        default_storage.delete(_pending_name(token))
        request.session.pop(f"monitoring-pending-{token}", None)
        messages.error(
            request, _("The file cannot be read: %(reason)s") % {"reason": _parse_error_text(exc)}
        )
        return redirect("monitoring:imports", process.pk)
    stored = services.stored_mapping(source) or {}
    mapping = {**parsing.guess_roles(parsed.dimension_columns, parsed.column_values), **stored}
    posted = request.method == "POST"
    if posted:
        plain = MappingForm(request.POST, columns=parsed.column_values, initial_mapping=mapping)
        if plain.is_valid():
            mapping = {**stored, **plain.mapping()}
    territories = services.territory_scope(process) + list(
        Territory.objects.filter(level__in=["bund", "land"])
    )
    chosen = None
    if posted and request.POST.get("territory"):
        chosen = Territory.objects.filter(
            pk__in=[t.pk for t in territories], pk=request.POST["territory"]
        ).first()
    check = services.import_check(
        file=file, fmt=fmt, process=process, mapping=mapping, territory=chosen
    )
    preview_only = posted and request.POST.get("action") == "preview"
    form_kwargs = {
        "columns": parsed.column_values,
        "initial_mapping": mapping,
        "check": check,
        "territories": territories,
        "proposals": check.proposals,
    }
    if posted and not preview_only:
        form = ImportCheckForm(request.POST, **form_kwargs)
    else:
        initial = {"dry_run": pending.get("dry_run"), "skip_invalid": pending.get("skip_invalid")}
        if preview_only:
            initial = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
            initial["dry_run"] = "dry_run" in request.POST
            initial["skip_invalid"] = "skip_invalid" in request.POST
        form = ImportCheckForm(initial=initial, **form_kwargs)
    if posted and not preview_only and form.is_valid():
        territory = form.cleaned_data.get("territory")
        report = services.values_import(
            files=[file],
            fmt=fmt,
            user=request.user,
            process=process,
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            mappings={file.name: mapping},
            indicators={file.name: form.indicator_specs()},
            default_territory=territory.key if territory else None,
        )
        if report.applied:
            default_storage.delete(_pending_name(token))
            request.session.pop(f"monitoring-pending-{token}", None)
        return _after_import(request, process, report, token=token)
    return render(
        request,
        "monitoring/import_check.html",
        {
            "process": process,
            "form": form,
            "name": pending["name"],
            "parsed": parsed,
            "check": check,
            "preview": parsed.frame.head(5).to_dict("records"),
        },
        status=400 if posted and not preview_only else 200,
    )


@login_required
def import_report(request, pk: int, run_pk: int):
    process = _process(request, pk, "monitoring.manage_monitoring")
    run = get_object_or_404(ImportRun, pk=run_pk, process=process)
    token = request.session.get(f"monitoring-run-{run.pk}")
    if token and not request.session.get(f"monitoring-pending-{token}"):
        token = None
    return render(
        request,
        "monitoring/import_report.html",
        {
            "process": process,
            "run": run,
            # in the reader's language, whatever language the import ran in
            "rejected": [services.translated(item) for item in run.rejected],
            "indicators": services.import_run_indicators(run=run, process=process),
            "check_token": token,
        },
    )


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
