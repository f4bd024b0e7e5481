"""API for the Statement pool, interviews and coding, and the conference. Thin doors."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.filters import FilterSet
from core.permissions import require_perm

from ..conference import selectors as conference_selectors
from ..conference import services as conference_services
from ..interviews import selectors as interview_selectors
from ..interviews import services as interview_services
from ..models import (
    Code,
    CodedPassage,
    Conference,
    ConferenceCard,
    Interview,
    Registration,
    Statement,
    TopicTable,
)
from ..selectors import process_list
from ..services import statement_for_source
from ..statements.selectors import statement_list
from .permissions import RulesMixin

# --- statements ---------------------------------------------------------------------------


class StatementSerializer(serializers.ModelSerializer):
    source_type = serializers.SerializerMethodField()
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "process",
            "text",
            "kind",
            "fields_of_action",
            "target_groups",
            "source_type",
            "source_id",
            "source_label",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_source_type(self, obj) -> str | None:
        return f"{obj.source_type.app_label}.{obj.source_type.model}" if obj.source_type else None


class StatementFilter(FilterSet):
    process = django_filters.NumberFilter(method="noop")
    source_type = django_filters.CharFilter(
        method="noop", help_text="app_label.model, e.g. participation.codedpassage, or none"
    )
    kind = django_filters.ChoiceFilter(choices=Statement.Kind.choices, method="noop")
    field_of_action = django_filters.NumberFilter(method="noop")
    target_group = django_filters.NumberFilter(method="noop")
    q = django_filters.CharFilter(method="noop", help_text="free-text search")

    class Meta:
        model = Statement
        fields = []

    def noop(self, queryset, name, value):
        return queryset  # the selector applies every filter (shared with the page)

    @property
    def qs(self):
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return statement_list(
            user=self.request.user,
            process=data.get("process"),
            source_type=data.get("source_type") or "",
            kind=data.get("kind") or "",
            field_of_action=data.get("field_of_action"),
            target_group=data.get("target_group"),
            search=data.get("q") or "",
        )


class StatementViewSet(RulesMixin, viewsets.ReadOnlyModelViewSet):
    """The input pool: statements of the processes you may open, filterable."""

    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    ordering_fields = ["created_at"]
    queryset = Statement.objects.none()

    def global_perm(self, action):
        return "participation.view_any_statements"

    def get_queryset(self):
        return statement_list(user=self.request.user)


# --- interviews and coding ----------------------------------------------------------------


class InterviewSerializer(serializers.ModelSerializer):
    interviewee_label = serializers.CharField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "process",
            "held_on",
            "facilitator",
            "interviewee",
            "interviewee_pseudonym",
            "interviewee_label",
            "target_group",
            "fields_of_action",
            "consent_given_on",
            "consent_scope",
            "text_kind",
            "transcript",
            "notes",
        ]
        validators = []  # constraints are checked by the service with field-level messages


class InterviewUpdateSerializer(InterviewSerializer):
    class Meta(InterviewSerializer.Meta):
        read_only_fields = ["process"]


class InterviewViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Interviews: staff see all of their processes, facilitators those assigned to them."""

    filterset_fields = ["process", "target_group"]
    queryset = Interview.objects.none()  # the real one comes from get_queryset (per user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return InterviewUpdateSerializer
        return InterviewSerializer

    def get_queryset(self):
        return (
            interview_selectors.interviews_visible_to(user=self.request.user)
            .prefetch_related("fields_of_action")
            .order_by("-held_on", "-id")
        )

    def object_perm(self, action):
        if action in self.read_actions:
            return "participation.view_interview"
        return "participation.change_interview"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        process = data.pop("process")
        require_perm(self.request.user, "participation.add_interview", process)
        serializer.instance = interview_services.interview_save(
            process=process, user=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        interview = serializer.instance
        serializer.instance = interview_services.interview_save(
            process=interview.process, user=self.request.user, interview=interview, **data
        )


class PassageSerializer(serializers.ModelSerializer):
    codes = serializers.PrimaryKeyRelatedField(many=True, queryset=Code.objects.all())
    kind = serializers.ChoiceField(
        choices=Statement.Kind.choices, write_only=True, default=Statement.Kind.OTHER
    )
    statement = serializers.SerializerMethodField()

    class Meta:
        model = CodedPassage
        fields = ["id", "interview", "start", "end", "text", "codes", "memo", "kind", "statement"]
        read_only_fields = ["text"]
        validators = []

    def get_statement(self, obj) -> int | None:
        if hasattr(obj, "statement_id"):  # annotated by the view's queryset
            return obj.statement_id
        statement = statement_for_source(obj)
        return statement.pk if statement else None


class PassageViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Coded passages. Creating one codes the passage and adds it to the statements."""

    serializer_class = PassageSerializer
    filterset_fields = ["interview"]
    queryset = CodedPassage.objects.none()

    def get_queryset(self):
        visible = interview_selectors.interviews_visible_to(user=self.request.user)
        statements = Statement.objects.filter(
            source_type=ContentType.objects.get_for_model(CodedPassage), source_id=OuterRef("pk")
        )
        return (
            CodedPassage.objects.filter(interview__in=visible.values("pk"))
            .annotate(statement_id=Subquery(statements.values("pk")[:1]))
            .prefetch_related("codes")
        )

    def object_perm(self, action):
        if action in self.read_actions:
            return "participation.view_interview"
        return "participation.code_interview"

    def permission_object(self, obj):
        return obj.interview

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = interview_services.passage_code(
            interview=data["interview"],
            user=self.request.user,
            start=data["start"],
            end=data["end"],
            codes=data["codes"],
            memo=data.get("memo", ""),
            kind=data.get("kind", Statement.Kind.OTHER),
        )

    def perform_destroy(self, instance):
        interview_services.passage_delete(passage=instance, user=self.request.user)


class CodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Code
        fields = ["id", "process", "parent", "name", "description", "field_of_action", "order"]
        validators = []


class CodeViewSet(RulesMixin, viewsets.ReadOnlyModelViewSet):
    """The code systems of the processes you may open."""

    serializer_class = CodeSerializer
    filterset_fields = ["process", "parent"]

    def get_queryset(self):
        return Code.objects.filter(process__in=process_list(user=self.request.user).values("pk"))


# --- conference ---------------------------------------------------------------------------


class ConferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Conference
        fields = [
            "id",
            "process",
            "title",
            "date",
            "venue",
            "description",
            "capacity",
            "registration_open",
        ]


class AttendanceSerializer(serializers.Serializer):
    registered = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    capacity = serializers.IntegerField()


class ConferenceViewSet(RulesMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ConferenceSerializer
    filterset_fields = ["process"]

    def get_queryset(self):
        return conference_selectors.conference_list(user=self.request.user)

    def object_perm(self, action):
        if action == "attendance":
            return "participation.manage_conference"
        return "participation.view_conference"

    @extend_schema(responses=AttendanceSerializer)
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        """Registered, waiting-list and checked-in counts (project staff)."""
        figures = conference_selectors.attendance(conference=self.get_object())
        return Response(AttendanceSerializer(figures).data)


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = [
            "id",
            "conference",
            "name",
            "organisation",
            "email",
            "accessibility_needs",
            "language",
            "status",
            "checked_in_at",
            "created_at",
        ]
        read_only_fields = fields


class CheckInSerializer(serializers.Serializer):
    undo = serializers.BooleanField(default=False)


class RegistrationViewSet(RulesMixin, viewsets.ReadOnlyModelViewSet):
    """Registrations for project staff; ``check_in`` marks someone present."""

    serializer_class = RegistrationSerializer
    filterset_fields = ["conference", "status"]
    search_fields = ["name", "organisation"]

    def get_queryset(self):
        user = self.request.user
        manageable = [
            c.pk
            for c in conference_selectors.conference_list(user=user)
            if user.has_perm("participation.manage_conference", c)
        ]
        return Registration.objects.filter(conference__in=manageable)

    def object_perm(self, action):
        return "participation.manage_conference"

    def permission_object(self, obj):
        return obj.conference

    @extend_schema(request=None, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the registration; the first on the waiting list moves up (and is emailed)."""
        registration = self.get_object()
        conference_services.registration_cancel(registration=registration, user=request.user)
        registration.refresh_from_db()
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(request=CheckInSerializer, responses=RegistrationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        registration = self.get_object()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = conference_services.registration_check_in(
            registration=registration, user=request.user, undo=serializer.validated_data["undo"]
        )
        return Response(RegistrationSerializer(registration).data)


class CardSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(
        choices=Statement.Kind.choices, write_only=True, default=Statement.Kind.OTHER
    )

    class Meta:
        model = ConferenceCard
        fields = ["id", "table", "text", "kind", "created_at"]
        read_only_fields = ["created_at"]


class CardViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cards of the conference tables; a facilitator writes only on their own tables."""

    serializer_class = CardSerializer
    filterset_fields = ["table"]

    def get_queryset(self):
        conferences = conference_selectors.conference_list(user=self.request.user).values("pk")
        return ConferenceCard.objects.filter(table__conference__in=conferences)

    def perform_create(self, serializer):
        table: TopicTable = serializer.validated_data["table"]
        require_perm(self.request.user, "participation.write_on_table", table)
        serializer.instance = conference_services.card_create(
            table=table,
            user=self.request.user,
            text=serializer.validated_data["text"],
            kind=serializer.validated_data.get("kind", Statement.Kind.OTHER),
        )
