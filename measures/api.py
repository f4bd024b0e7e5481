"""REST API of the catalogue: thin doors onto the same services and selectors as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.uploads import UploadLimits
from monitoring.models import Indicator
from participation.models import (
    FieldOfAction,
    Organisation,
    Process,
    Statement,
    TargetGroup,
)

from . import selectors, services
from .filters import MeasureFilter
from .models import (
    Evidence,
    Finding,
    Measure,
    MeasureDecision,
    OperationalGoal,
    ProgressReport,
    ReportingLink,
    StrategicGoal,
)
from .services.locking import EditConflict
from .services.tracking import link_measures


def _require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise ApiPermissionDenied(_("You do not have permission to do this."))


def _visible_processes(user):
    return [p.pk for p in selectors.catalogue_processes(user=user)]


def _conflict(error: EditConflict) -> Response:
    return Response(
        {
            "detail": error.messages[0],
            "errors": [{"field": "version", "code": "edit_conflict", "message": error.messages[0]}],
            "current_version": error.current_version,
            "changes": [
                {
                    "when": e.when,
                    "who": e.who,
                    "version": e.version,
                    "changes": [
                        {"field": c.field, "label": c.label, "old": c.old, "new": c.new}
                        for c in e.changes
                    ],
                }
                for e in error.entries
            ],
        },
        status=status.HTTP_409_CONFLICT,
    )


# --- serializers -------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "number",
            "kind",
            "note",
            "statement",
            "survey",
            "survey_version",
            "question_code",
            "breakdown",
            "indicator",
            "territory",
            "year",
            "target_group",
            "cited_value",
            "cited_suppressed",
            "cited_label",
            "cited_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return selectors.evidence_url(obj)


class FindingSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "process",
            "field_of_action",
            "target_group",
            "title",
            "current_state",
            "target_state",
            "order",
            "version",
            "evidence",
            "has_evidence",
        ]
        read_only_fields = ["id", "evidence", "has_evidence"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence.all())


class CiteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    statement = serializers.PrimaryKeyRelatedField(queryset=Statement.objects.all(), required=False)
    survey = serializers.IntegerField(required=False)
    survey_version = serializers.IntegerField(required=False, min_value=1)
    question_code = serializers.CharField(required=False, max_length=64)
    breakdown = serializers.CharField(required=False, allow_blank=True, max_length=64)
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all(), required=False)
    territory = serializers.IntegerField(required=False)
    year = serializers.IntegerField(required=False)
    target_group = serializers.PrimaryKeyRelatedField(
        queryset=TargetGroup.objects.all(), required=False, allow_null=True
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class StrategicGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicGoal
        fields = [
            "id",
            "process",
            "field_of_action",
            "title",
            "description",
            "findings",
            "weight",
            "order",
            "version",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class OperationalGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = OperationalGoal
        fields = [
            "id",
            "process",
            "strategic_goal",
            "title",
            "description",
            "indicator",
            "target",
            "baseline_value",
            "baseline_year",
            "weight",
            "order",
            "version",
        ]
        read_only_fields = ["id", "process", "baseline_value", "baseline_year"]
        extra_kwargs = {"version": {"read_only": False, "required": False}}


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField()
    due_date = serializers.DateField()
    done_on = serializers.DateField(allow_null=True)


class MeasureSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    origin_statements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "process",
            "number",
            "code",
            "title",
            "description",
            "field_of_action",
            "operational_goals",
            "target_groups",
            "lead_organisation",
            "partners",
            "start_date",
            "end_date",
            "priority",
            "cost_estimate",
            "funding_source",
            "status",
            "progress",
            "weight",
            "indicators",
            "findings",
            "origin_statements",
            "milestones",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "code",
            "status",
            "progress",
            "origin_statements",
            "milestones",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"version": {"read_only": False, "required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operational_goals"].child_relation.queryset = OperationalGoal.objects.all()
        self.fields["partners"].child_relation.queryset = Organisation.objects.all()


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Measure.Status.choices)
    reason = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField()


class ProposeSerializer(serializers.Serializer):
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    statements = serializers.PrimaryKeyRelatedField(
        queryset=Statement.objects.all(), many=True, allow_empty=False
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    field_of_action = serializers.PrimaryKeyRelatedField(
        queryset=FieldOfAction.objects.all(), required=False, allow_null=True
    )


class ProgressReportSerializer(serializers.ModelSerializer):
    reported_by_organisation = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "measure",
            "reported_on",
            "progress",
            "status",
            "note",
            "attachment",
            "reported_by_organisation",
            "created_at",
        ]
        read_only_fields = fields

    def get_reported_by_organisation(self, obj) -> str:
        return obj.reporting_link.organisation.name if obj.reporting_link_id else ""


class ProgressInputSerializer(serializers.Serializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)
    status = serializers.ChoiceField(
        choices=Measure.Status.choices, required=False, allow_blank=True
    )
    note = serializers.CharField(required=False, allow_blank=True)
    reported_on = serializers.DateField(required=False)
    attachment = serializers.FileField(
        required=False, validators=[UploadLimits(limit=10 * 1024 * 1024)]
    )


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureDecision
        fields = ["from_status", "to_status", "reason", "created_at"]


class TrailStatementSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="statement.id")
    text = serializers.CharField(source="statement.text")
    source_label = serializers.CharField(source="statement.source_label")
    source_kind = serializers.CharField(source="kind")
    url = serializers.CharField()


class TrailEvidenceSerializer(EvidenceSerializer):
    source_kind = serializers.SerializerMethodField()

    class Meta(EvidenceSerializer.Meta):
        fields = EvidenceSerializer.Meta.fields + ["source_kind"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.url

    def get_source_kind(self, obj) -> str:
        return obj.trail.kind if getattr(obj, "trail", None) else ""


class TrailFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="finding.id")
    title = serializers.CharField(source="finding.title")
    field_of_action = serializers.IntegerField(source="finding.field_of_action_id")
    evidence = TrailEvidenceSerializer(many=True)


class TrailSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="measure.id")
    code = serializers.CharField(source="measure.code")
    title = serializers.CharField(source="measure.title")
    origins = TrailStatementSerializer(many=True)
    findings = TrailFindingSerializer(many=True)


class PublicMeasureSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    field_of_action = serializers.CharField(source="field_of_action.name")
    lead_organisation = serializers.CharField(source="lead_organisation.name", default="")

    class Meta:
        model = Measure
        fields = [
            "id",
            "code",
            "title",
            "description",
            "field_of_action",
            "lead_organisation",
            "status",
            "progress",
            "start_date",
            "end_date",
        ]
        read_only_fields = fields


# --- views -------------------------------------------------------------------------------------


class VersionedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _data(self, serializer) -> dict:
        data = dict(serializer.validated_data)
        data.pop("process", None)
        return data

    def update(self, request, *args, **kwargs):
        try:
            return super().update(request, *args, **kwargs)
        except EditConflict as error:
            return _conflict(error)


class FindingViewSet(VersionedViewSet):
    """Findings (IST/SOLL) with their numbered evidence; writes need the staff role."""

    serializer_class = FindingSerializer
    filterset_fields = ["process", "field_of_action", "target_group"]
    search_fields = ["title", "current_state", "target_state"]

    def get_queryset(self):
        return (
            Finding.objects.filter(process_id__in=_visible_processes(self.request.user))
            .prefetch_related("evidence")
            .order_by("process", "field_of_action__order", "order", "id")
        )

    def perform_create(self, serializer):
        process = serializer.validated_data["process"]
        _require(self.request.user, "measures.curate", process)
        data = self._data(serializer)
        data.pop("version", None)
        serializer.instance = services.finding_save(user=self.request.user, process=process, **data)

    def perform_update(self, serializer):
        finding = serializer.instance
        _require(self.request.user, "measures.curate", finding.process)
        data = self._data(serializer)
        version = data.pop("version", None) or finding.version
        serializer.instance = services.finding_save(
            user=self.request.user,
            process=finding.process,
            finding=finding,
            version=version,
            **data,
        )

    @extend_schema(request=CiteSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"])
    def cite(self, request, pk=None):
        """Cite a Statement, a survey figure or an indicator value (numbered automatically)."""
        finding = self.get_object()
        _require(request.user, "measures.curate", finding.process)
        s = CiteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        note = d.get("note", "")
        missing = lambda *names: [n for n in names if d.get(n) in (None, "")]  # noqa: E731
        if d["kind"] == Evidence.Kind.STATEMENT:
            if missing("statement"):
                raise serializers.ValidationError({"statement": [_("Name the statement.")]})
            e = services.evidence_cite_statement(
                user=request.user, finding=finding, statement=d["statement"], note=note
            )
        elif d["kind"] == Evidence.Kind.SURVEY_FIGURE:
            gaps = missing("survey", "survey_version", "question_code")
            if gaps:
                raise serializers.ValidationError({g: [_("This field is required.")] for g in gaps})
            from surveys.models import Survey

            survey = get_object_or_404(Survey, pk=d["survey"])
            e = services.evidence_cite_survey_figure(
                user=request.user,
                finding=finding,
                survey=survey,
                version_number=d["survey_version"],
                question_code=d["question_code"],
                breakdown=d.get("breakdown", ""),
                note=note,
            )
        else:
            gaps = missing("indicator", "territory", "year")
            if gaps:
                raise serializers.ValidationError({g: [_("This field is required.")] for g in gaps})
            from monitoring.models import Territory

            territory = get_object_or_404(Territory, pk=d["territory"])
            e = services.evidence_cite_indicator_value(
                user=request.user,
                finding=finding,
                indicator=d["indicator"],
                territory=territory,
                year=d["year"],
                target_group=d.get("target_group"),
                note=note,
            )
        return Response(EvidenceSerializer(e).data, status=status.HTTP_201_CREATED)


class StrategicGoalViewSet(VersionedViewSet):
    serializer_class = StrategicGoalSerializer
    filterset_fields = ["process", "field_of_action"]

    def get_queryset(self):
        return (
            StrategicGoal.objects.filter(process_id__in=_visible_processes(self.request.user))
            .prefetch_related("findings")
            .order_by("process", "order", "id")
        )

    def perform_create(self, serializer):
        process = serializer.validated_data["process"]
        data = self._data(serializer)
        data.pop("version", None)
        findings = data.pop("findings", None)
        serializer.instance = services.strategic_goal_save(
            user=self.request.user, process=process, findings=findings, **data
        )

    def perform_update(self, serializer):
        goal = serializer.instance
        data = self._data(serializer)
        version = data.pop("version", None) or goal.version
        findings = data.pop("findings", None)
        serializer.instance = services.strategic_goal_save(
            user=self.request.user,
            process=goal.process,
            goal=goal,
            version=version,
            findings=findings,
            **data,
        )


class OperationalGoalViewSet(VersionedViewSet):
    serializer_class = OperationalGoalSerializer
    filterset_fields = ["process", "strategic_goal"]

    def get_queryset(self):
        return OperationalGoal.objects.filter(
            process_id__in=_visible_processes(self.request.user)
        ).order_by("process", "order", "id")

    def perform_create(self, serializer):
        data = self._data(serializer)
        data.pop("version", None)
        parent = data.pop("strategic_goal")
        _require(self.request.user, "measures.view_catalogue", parent.process)
        serializer.instance = services.operational_goal_save(
            user=self.request.user, strategic_goal=parent, **data
        )

    def perform_update(self, serializer):
        goal = serializer.instance
        data = self._data(serializer)
        version = data.pop("version", None) or goal.version
        serializer.instance = services.operational_goal_save(
            user=self.request.user,
            strategic_goal=goal.strategic_goal,
            goal=goal,
            version=version,
            **data,
        )


class MeasureViewSet(VersionedViewSet):
    """Measures with the filters of the catalogue page; workflow transitions as actions."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    search_fields = []
    ordering_fields = ["number", "title", "progress", "start_date", "end_date"]

    def get_queryset(self):
        return (
            Measure.objects.filter(process_id__in=_visible_processes(self.request.user))
            .select_related("field_of_action", "lead_organisation")
            .prefetch_related(
                "operational_goals",
                "target_groups",
                "partners",
                "indicators",
                "findings",
                "origin_statements",
                "milestones",
            )
            .order_by("process", "number")
        )

    def perform_create(self, serializer):
        process = serializer.validated_data["process"]
        _require(self.request.user, "measures.propose", process)
        data = self._data(serializer)
        data.pop("version", None)
        serializer.instance = services.measure_save(user=self.request.user, process=process, **data)

    def perform_update(self, serializer):
        measure = serializer.instance
        _require(self.request.user, "measures.curate", measure.process)
        data = self._data(serializer)
        version = data.pop("version", None) or measure.version
        serializer.instance = services.measure_save(
            user=self.request.user,
            process=measure.process,
            measure=measure,
            version=version,
            **data,
        )

    @extend_schema(request=TransitionSerializer, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the measure along the review workflow (staff); records who, when and why."""
        measure = self.get_object()
        s = TransitionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        measure = services.measure_transition(
            user=request.user, measure=measure, **s.validated_data
        )
        return Response(MeasureSerializer(self.get_queryset().get(pk=measure.pk)).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        measure = self.get_object()
        s = CommentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        c = services.measure_comment(user=request.user, measure=measure, **s.validated_data)
        return Response({"text": c.text}, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProposeSerializer, responses={201: MeasureSerializer})
    @action(detail=False, methods=["post"], url_path="propose-from-statements")
    def propose_from_statements(self, request):
        """One step from idea Statements to a proposed measure, keeping them as its origin."""
        s = ProposeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        _require(request.user, "measures.propose", d["process"])
        measure = services.measure_propose_from_statements(
            user=request.user,
            process=d["process"],
            statements=d["statements"],
            title=d.get("title", ""),
            field_of_action=d.get("field_of_action"),
        )
        return Response(
            MeasureSerializer(self.get_queryset().get(pk=measure.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(responses=TrailSerializer)
    @action(detail=True, methods=["get"])
    def trail(self, request, pk=None):
        """The evidence trail: findings with evidence, origin statements with their sources."""
        measure = self.get_object()
        trail = selectors.evidence_trail(user=request.user, process=measure.process, pk=measure.pk)
        return Response(TrailSerializer(trail).data)

    @extend_schema(responses=DecisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def decisions(self, request, pk=None):
        measure = self.get_object()
        return Response(DecisionSerializer(measure.decisions.all(), many=True).data)

    @extend_schema(methods=["GET"], responses=ProgressReportSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ProgressInputSerializer, responses={201: ProgressReportSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="progress-reports",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def progress_reports(self, request, pk=None):
        measure = self.get_object()
        if request.method == "GET":
            reports = measure.progress_reports.select_related("reporting_link__organisation")
            return Response(ProgressReportSerializer(reports, many=True).data)
        s = ProgressInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        report = services.progress_report_record(
            user=request.user, measure=measure, **s.validated_data
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class MatrixView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("process", int, required=True)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        """Counts of measures per field of action × target group (filters as the list)."""
        try:
            pk = int(request.query_params.get("process", ""))
        except ValueError:
            raise serializers.ValidationError({"process": [_("Name the process.")]}) from None
        process = selectors.process_for(user=request.user, pk=pk)
        f = selectors.measure_list(user=request.user, process=process, filters=request.query_params)
        if not f.is_valid():
            raise serializers.ValidationError(f.errors)
        m = selectors.measure_matrix(process=process, measures=f.qs)
        return Response(
            {
                "target_groups": [{"id": g.pk, "name": g.name} for g in m.groups],
                "rows": [
                    {
                        "field_of_action": {"id": fld.pk, "name": fld.name},
                        "counts": c,
                        "without_target_group": none,
                        "total": total,
                    }
                    for fld, c, none, total in m.rows
                ],
                "total": m.total,
            }
        )


class LinkThrottle(AnonRateThrottle):
    rate = "60/minute"


class LinkMeasureSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "code", "title", "status", "progress"]
        read_only_fields = fields


class LinkReportInputSerializer(ProgressInputSerializer):
    measure = serializers.IntegerField()


class ReportLinkView(APIView):
    """The lead organisation's door by its personal link (no account): its own measures only."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LinkThrottle]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _link(self, token):
        link = ReportingLink.objects.filter(token=token, active=True).first()
        if link is None:
            from rest_framework.exceptions import NotFound

            raise NotFound(_("This link is not active."))
        return link

    @extend_schema(responses=LinkMeasureSerializer(many=True))
    def get(self, request, token: str):
        return Response(LinkMeasureSerializer(link_measures(self._link(token)), many=True).data)

    @extend_schema(request=LinkReportInputSerializer, responses={201: ProgressReportSerializer})
    def post(self, request, token: str):
        link = self._link(token)
        s = LinkReportInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        measure = Measure.objects.filter(pk=d.pop("measure")).first()
        if measure is None:
            raise ApiPermissionDenied(_("This measure is not led by your organisation."))
        report = services.progress_report_submit(link=link, measure=measure, **d)
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class PublicMeasureList(ListAPIView):
    """Adopted measures of a process whose public catalogue is switched on (no login)."""

    serializer_class = PublicMeasureSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "public"
    filter_backends = []

    def get_queryset(self):
        process = get_object_or_404(Process, pk=self.kwargs["pk"])
        if selectors.public_settings(process) is None:
            from rest_framework.exceptions import NotFound

            raise NotFound(_("This catalogue is not public."))
        return selectors.public_measures(process)
