"""REST API of the monitoring. Published figures for everyone with a role in the process; raw
figures only for those with the right, on request (``?raw=true``), and every such read logged."""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core.filters import FilterSet
from core.permissions import require_perm
from participation.api.permissions import RulesMixin
from participation.models import Process

from .. import parsing, selectors, services
from ..models import (
    Area,
    ImportRun,
    Indicator,
    IndicatorValue,
    Series,
    Target,
    Territory,
    Value,
)
from .serializers import (
    AreaSerializer,
    ImportRequestSerializer,
    ImportResponseSerializer,
    ImportRunSerializer,
    IndicatorSerializer,
    IndicatorValueSerializer,
    RawIndicatorValueSerializer,
    SeriesSerializer,
    TargetSerializer,
    TargetUpdateSerializer,
    TerritorySerializer,
    ValueSerializer,
)


def _visible_processes(user, perm="monitoring.view_monitoring"):
    return selectors.monitoring_processes(user=user, perm=perm)


def _process_param(request, perm="monitoring.view_monitoring") -> Process:
    raw = request.query_params.get("process")
    if not raw or not raw.isdigit():
        raise ValidationError({"process": [_("Give the process id (?process=…).")]})
    process = get_object_or_404(Process, pk=int(raw))
    require_perm(request.user, perm, process)
    return process


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Area.objects.all()
    serializer_class = AreaSerializer


class SeriesViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Series.objects.all()
    serializer_class = SeriesSerializer
    search_fields = ["code", "name"]


class IndicatorFilter(FilterSet):
    area = django_filters.CharFilter(field_name="area__code")

    class Meta:
        model = Indicator
        fields = ["area", "kind"]


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Indicator.objects.select_related("area", "numerator", "denominator")
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    search_fields = ["code", "name"]


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Territory.objects.select_related("parent")
    serializer_class = TerritorySerializer
    filterset_fields = ["level"]
    search_fields = ["key", "name"]


VALUE_PARAMS = [
    OpenApiParameter("process", OpenApiTypes.INT, required=True),
    OpenApiParameter("area", OpenApiTypes.STR),
    OpenApiParameter("indicator", OpenApiTypes.STR, description="indicator code"),
    OpenApiParameter("territory", OpenApiTypes.STR, description="territory key (AGS)"),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("target_group", OpenApiTypes.STR, description="code, or 'all'"),
    OpenApiParameter("raw", OpenApiTypes.BOOL, description="raw figures (staff, logged)"),
]


@extend_schema(parameters=VALUE_PARAMS)
class IndicatorValueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Computed indicator values of a process's territory, small-count protected."""

    filter_backends: list = []

    def _is_raw(self) -> bool:
        return self.request.query_params.get("raw", "").lower() in ("1", "true", "yes")

    def get_serializer_class(self):
        return RawIndicatorValueSerializer if self._is_raw() else IndicatorValueSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "raw": self._is_raw()}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndicatorValue.objects.none()
        process = _process_param(self.request)
        if self._is_raw():
            require_perm(self.request.user, "monitoring.view_raw", process)
            services.raw_view_log(
                user=self.request.user, process=process, obj=process, what="api-values"
            )
        filters = {
            k: self.request.query_params.get(k)
            for k in ("area", "indicator", "territory", "year", "target_group")
        }
        if filters["year"] and not str(filters["year"]).isdigit():
            raise ValidationError({"year": [_("A year is a number.")]})
        return selectors.published_values(process=process, raw=self._is_raw(), filters=filters)


class RawValueFilter(FilterSet):
    series = django_filters.CharFilter(field_name="series__code")
    territory = django_filters.CharFilter(field_name="territory__key")
    year = django_filters.NumberFilter(field_name="period__year")
    target_group = django_filters.CharFilter(field_name="target_group__code")
    area = django_filters.CharFilter(method="filter_area")

    class Meta:
        model = Value
        fields = ["series", "territory", "year", "target_group"]

    def filter_area(self, queryset, name, value):
        codes = Indicator.objects.filter(area__code=value)
        series = set(codes.values_list("numerator_id", flat=True)) | set(
            codes.values_list("denominator_id", flat=True)
        )
        return queryset.filter(series_id__in=series)


@extend_schema(parameters=[OpenApiParameter("process", OpenApiTypes.INT, required=True)])
class ValueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Raw key figures as delivered: not small-count protected, so for staff only (logged)."""

    serializer_class = ValueSerializer
    filterset_class = RawValueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Value.objects.none()
        process = _process_param(self.request, "monitoring.view_raw")
        services.raw_view_log(
            user=self.request.user, process=process, obj=process, what="api-raw-series"
        )
        scope = [t.pk for t in services.territory_scope(process)]
        return (
            Value.objects.filter(territory_id__in=scope)
            .select_related("series", "territory", "period", "target_group")
            .order_by("series__code", "territory__key", "period__year", "cell")
        )


class ImportRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Imports of the processes you manage; POST a file to import it (multipart)."""

    filterset_fields = ["process", "status"]
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return ImportRequestSerializer if self.action == "create" else ImportRunSerializer

    def get_queryset(self):
        processes = _visible_processes(self.request.user, "monitoring.manage_monitoring")
        return ImportRun.objects.filter(process__in=processes)

    @extend_schema(request=ImportRequestSerializer, responses={201: ImportResponseSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        process = data["process"]
        require_perm(request.user, "monitoring.manage_monitoring", process)
        metadata = None
        if data.get("metadata"):
            try:
                metadata = parsing.read_metadata(data["metadata"].read().decode("utf-8-sig"))
            except parsing.ParseError as exc:
                text = _(exc.template) % exc.params if exc.params else _(exc.template)
                raise ValidationError({"metadata": [text]}) from exc
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    {"metadata": [_("The metadata file is not UTF-8 text.")]}
                ) from exc
        upload = data["file"]
        mapping = data.get("mapping")
        if mapping is not None and not isinstance(mapping, dict):
            raise ValidationError({"mapping": [_("The mapping is an object: column → role.")]})
        report = services.values_import(
            files=[services.ImportFile(name=upload.name, data=upload.read(), metadata=metadata)],
            fmt=data["format"],
            user=request.user,
            process=process,
            dry_run=data["dry_run"],
            skip_invalid=data["skip_invalid"],
            mappings={upload.name: mapping} if mapping else None,
            default_territory=data["territory"].key if data.get("territory") else None,
        )
        status = 201 if report.applied else (200 if report.dry_run and not report.rejected else 400)
        body = report.as_dict()
        if status == 400:
            body = {
                "detail": _("Nothing was written: some rows are invalid."),
                "errors": [
                    {
                        "field": "file",
                        "code": "invalid",
                        "message": f"{r['file']} row {r['row']}: {r['reason']}",
                    }
                    for r in report.rejected[:200]
                ],
                **body,
            }
        return Response(body, status=status)


class TargetViewSet(RulesMixin, viewsets.ModelViewSet):
    """Targets (value and year) per indicator and target group; stable ``id`` and ``uuid``."""

    filterset_fields = ["process", "indicator", "target_group"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return TargetUpdateSerializer
        return TargetSerializer

    def get_queryset(self):
        return Target.objects.filter(
            process__in=_visible_processes(self.request.user)
        ).select_related("indicator", "target_group")

    def object_perm(self, action):
        if action in self.read_actions:
            return "monitoring.view_monitoring"
        return "monitoring.manage_monitoring"

    def permission_object(self, obj):
        return obj.process

    def _save(self, serializer, process, target=None):
        data = dict(serializer.validated_data)
        data.pop("process", None)
        serializer.instance = services.target_save(
            user=self.request.user, process=process, target=target, **data
        )

    def perform_create(self, serializer):
        process = serializer.validated_data["process"]
        require_perm(self.request.user, "monitoring.manage_monitoring", process)
        self._save(serializer, process)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance.process, serializer.instance)

    def perform_destroy(self, instance):
        services.target_delete(user=self.request.user, target=instance)
