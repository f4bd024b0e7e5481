"""REST API of the surveys app. Thin doors onto the services and selectors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from core.filters import FilterSet
from core.parsers import JSONParser
from core.permissions import require_perm
from core.ratelimit import ApiThrottle
from participation.api.permissions import RulesMixin
from participation.permissions import roles_of

from .. import selectors
from ..models import Invitation, Response, Survey
from ..services import invitations as inv_services
from ..services import responses as resp_services
from .serializers import (
    InvitationImportJobSerializer,
    InvitationImportSerializer,
    InvitationSerializer,
    QueuedSerializer,
    ResponseDetailSerializer,
    ResponseSerializer,
    ResponseSubmitResultSerializer,
    ResponseSubmitSerializer,
    SendInvitationsSerializer,
    SurveySerializer,
    SurveyStructureSerializer,
)


def _managed_process_ids(user) -> list[int] | None:
    if user.is_superuser:
        return None
    return [pid for pid, role in roles_of(user).items() if role == "staff"]


def _viewable_process_ids(user) -> list[int] | None:
    if user.is_superuser:
        return None
    return [pid for pid, role in roles_of(user).items() if role in ("staff", "facilitator")]


def _with_codes(exc: DjangoValidationError) -> ApiValidationError:
    """Keep the per-question error codes (``required``, ``min_value`` …) in the API error."""
    if not hasattr(exc, "error_dict"):
        return ApiValidationError({"non_field_errors": exc.messages})
    return ApiValidationError(
        {
            field: [
                ErrorDetail(message, code=error.code or "invalid")
                for error in errors
                for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    )


class SurveyViewSet(RulesMixin, viewsets.ReadOnlyModelViewSet):
    """Surveys with their structure (``retrieve``). Invitations are sent from here."""

    filterset_fields = ["process", "status", "access_mode"]
    search_fields = ["public_id"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SurveyStructureSerializer
        if self.action == "send_invitations":
            return SendInvitationsSerializer
        return SurveySerializer

    def get_queryset(self):
        qs = Survey.objects.select_related("current_version").order_by("-created_at")
        ids = _viewable_process_ids(self.request.user)
        return qs if ids is None else qs.filter(process_id__in=ids)

    def object_perm(self, action):
        if action == "send_invitations":
            return "surveys.manage_invitations"
        return "surveys.view_survey"

    @extend_schema(request=SendInvitationsSerializer, responses=QueuedSerializer)
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        """Queue invitation emails (or, with ``reminder``, reminders) for this survey."""
        survey = self.get_object()
        serializer = SendInvitationsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        queued = inv_services.invitations_send(
            survey=survey, user=request.user, reminder=serializer.validated_data["reminder"]
        )
        return ApiResponse({"queued": queued})


class PublicSurveyView(APIView):
    """The structure of an open public survey, for clients that answer it (no account)."""

    permission_classes = [AllowAny]

    @extend_schema(responses=SurveyStructureSerializer)
    def get(self, request, public_id: str):
        survey = get_object_or_404(
            Survey.objects.select_related("current_version"),
            public_id=public_id,
            access_mode=Survey.AccessMode.PUBLIC,
        )
        try:
            resp_services.survey_availability(survey)
        except resp_services.SurveyUnavailable as exc:
            raise ApiPermissionDenied(exc.message) from exc
        return ApiResponse(SurveyStructureSerializer(survey).data)


class SubmitThrottle(ApiThrottle):
    """Per client address: protects public surveys from floods (``SURVEY_API_SUBMIT_RATE``)."""

    scope = "survey_submit"
    methods = ("POST",)


class ResponseFilter(FilterSet):
    class Meta:
        model = Response
        fields = ["survey", "status", "is_test", "language"]


class ResponseViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """``create``: submit a page or a whole response (no account needed; idempotent on
    ``client_id``). ``list``/``retrieve``: responses with their answers, for project staff."""

    filterset_class = ResponseFilter
    throttle_classes = [SubmitThrottle]
    ordering_fields = ["started_at", "completed_at"]
    parser_classes = [JSONParser]

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "create":
            return ResponseSubmitSerializer
        if self.action == "retrieve":
            return ResponseDetailSerializer
        return ResponseSerializer

    def get_queryset(self):
        qs = Response.objects.select_related("version", "target_group").order_by("-started_at")
        if self.action == "retrieve":
            qs = qs.prefetch_related("answers__question")
        ids = _managed_process_ids(self.request.user)
        return qs if ids is None else qs.filter(survey__process_id__in=ids)

    @extend_schema(
        request=ResponseSubmitSerializer,
        responses={201: ResponseSubmitResultSerializer, 200: ResponseSubmitResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = ResponseSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        survey = selectors.survey_by_public_id(data["survey"])
        if survey is None:
            raise ApiValidationError({"survey": [_("There is no survey with this key.")]})
        invitation = None
        if data.get("token"):
            invitation = inv_services.invitation_by_token(data["token"])
            if invitation is None:
                raise ApiValidationError({"token": [_("This invitation token is not valid.")]})
        try:
            resp_services.response_admission(
                survey=survey, user=request.user, invitation=invitation, test=data["test"]
            )
        except DjangoValidationError as exc:
            raise _with_codes(exc) from exc
        try:
            result = resp_services.response_submit(
                survey=survey,
                client_id=data["client_id"],
                answers=data["answers"],
                language=data.get("language"),
                section=data.get("section") or None,
                complete=data["complete"],
                invitation=invitation,
                is_test=data["test"],
            )
        except resp_services.SurveyUnavailable as exc:
            raise ApiPermissionDenied(exc.message) from exc
        except DjangoValidationError as exc:
            raise _with_codes(exc) from exc
        body = {
            "client_id": str(result.response.client_id),
            "status": result.response.status,
            "version": survey.current_version.number
            if result.response.version_id == survey.current_version_id
            else result.response.version.number,
            "next_section": result.next_section,
            "resume_code": result.resume_code,
        }
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return ApiResponse(body, status=code)

    def list(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise ApiPermissionDenied(_("Authentication credentials were not provided."))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise ApiPermissionDenied(_("Authentication credentials were not provided."))
        response = self.get_object()
        require_perm(request.user, "surveys.view_responses", response.survey)
        return ApiResponse(ResponseDetailSerializer(response).data)


class InvitationViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations of surveys (project staff). The personal token is never shown."""

    serializer_class = InvitationSerializer
    filterset_fields = ["survey"]
    search_fields = ["name", "email", "organisation"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = Invitation.objects.select_related("target_group").order_by("id")
        ids = _managed_process_ids(self.request.user)
        return qs if ids is None else qs.filter(survey__process_id__in=ids)

    def object_perm(self, action):
        return "surveys.manage_invitations"

    def permission_object(self, obj):
        return obj.survey

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        survey = data.pop("survey")
        require_perm(self.request.user, "surveys.manage_invitations", survey)
        group = data.pop("target_group", None)
        row = {k: v for k, v in data.items() if k != "attributes"}
        row.update(data.get("attributes") or {})
        if group is not None:
            row["target_group"] = group.code
        inv_services.invitations_import(survey=survey, user=self.request.user, rows=[row])
        serializer.instance = Invitation.objects.get(survey=survey, email=data["email"])

    @extend_schema(
        request=InvitationImportSerializer, responses={202: InvitationImportJobSerializer}
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        serializer_class=InvitationImportSerializer,
    )
    def import_file(self, request):
        """Import invitees from a CSV or XLSX file (``multipart/form-data``). The file is
        checked and queued; the worker reads it (all or nothing). Answers 202 with the import
        to follow at its ``url``."""
        serializer = InvitationImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        survey = serializer.validated_data["survey"]
        require_perm(request.user, "surveys.manage_invitations", survey)
        job = inv_services.invitation_import_queue(
            survey=survey, user=request.user, upload=serializer.validated_data["file"]
        )
        return ApiResponse(self._job(request, job), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=InvitationImportJobSerializer)
    @action(detail=False, methods=["get"], url_path=r"imports/(?P<job_id>\d+)")
    def import_status(self, request, job_id=None):
        """The state of an invitee import: status, rows checked so far, the result."""
        from ..models import InvitationImport

        job = get_object_or_404(InvitationImport.objects.select_related("survey"), pk=job_id)
        require_perm(request.user, "surveys.manage_invitations", job.survey)
        return ApiResponse(self._job(request, job))

    def _job(self, request, job) -> dict:
        return InvitationImportJobSerializer(
            {
                "id": job.pk,
                "survey_id": job.survey_id,
                "filename": job.filename,
                "status": job.status,
                "total": job.total,
                "progress": inv_services.invitation_import_progress(job),
                "created": job.created,
                "messages": [str(m) for m in job.messages],
                "created_at": job.created_at,
                "finished_at": job.finished_at,
                "url": request.build_absolute_uri(
                    reverse("api:survey-invitation-import-status", kwargs={"job_id": job.pk})
                ),
            }
        ).data
