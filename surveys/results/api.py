"""REST API of the survey results: result rows per question and breakdown (small-count
protection by role, as on the pages) and export jobs (create, poll, download)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import require_perm

from ..models import Answer, Survey, SurveyVersion
from ..structure import get as get_structure
from . import reports, selectors, services
from .models import ExportJob


def _survey(request, pk: int, perm: str) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    require_perm(request.user, perm, survey)
    return survey


def _suppress(user, survey) -> bool:
    return not user.has_perm("surveys.view_raw_results", survey)


class ResultsOverviewView(APIView):
    """The survey's figures (responses, per day, funnel, response rate) and the addresses of
    every question's result rows."""

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request, pk: int):
        survey = _survey(request, pk, "surveys.view_results")
        number = request.query_params.get("version")
        if number is not None:
            if not number.isdigit():
                raise serializers.ValidationError({"version": [_("Expected a version number.")]})
            version = get_object_or_404(SurveyVersion, survey=survey, number=int(number))
        else:
            version = survey.current_version
            if version is None:
                raise Http404(_("This survey has no versions."))
        suppress = _suppress(request.user, survey)
        structure = get_structure(version)
        services.results_funnel_ensure_fresh(version=version)
        return Response(
            {
                "survey": survey.pk,
                "version": version.number,
                "suppressed": suppress,
                "overview": reports.survey_overview(version, suppress=suppress),
                "breakdowns": [
                    {"name": b.name, "label": b.label}
                    for b in reports.breakdowns(version, structure)
                ],
                "questions": [
                    {
                        "code": q.code,
                        "type": q.type,
                        "text": reports.question_label(q),
                        "url": request.build_absolute_uri(
                            reverse(
                                "api:api-survey-question-result",
                                args=[survey.pk, version.number, q.code],
                            )
                        ),
                    }
                    for q in reports.answered_questions(structure)
                ],
            }
        )


class QuestionResultView(APIView):
    """Result rows of one question, optionally broken down (``?by=tg`` or ``?by=q:<code>``)."""

    @extend_schema(
        parameters=[OpenApiParameter("by", str, required=False)], responses=OpenApiTypes.OBJECT
    )
    def get(self, request, pk: int, version: int, code: str):
        survey = _survey(request, pk, "surveys.view_results")
        version_obj = get_object_or_404(SurveyVersion, survey=survey, number=version)
        structure = get_structure(version_obj)
        q = structure.questions.get(code)
        if q is None or not q.qtype.answered:
            raise Http404(_("Unknown question."))
        by = request.query_params.get("by", "")
        if by and by not in {b.name for b in reports.breakdowns(version_obj, structure)}:
            raise serializers.ValidationError({"by": [_("Unknown breakdown %(by)s.") % {"by": by}]})
        return Response(
            reports.question_result(
                version_obj, code, breakdown=by, suppress=_suppress(request.user, survey)
            )
        )


class FreeTextSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(source="value_text")
    fields_of_action = serializers.SerializerMethodField()
    target_groups = serializers.SerializerMethodField()
    statement = serializers.SerializerMethodField()

    def _tag(self, obj):
        return getattr(obj, "free_text_tag", None)

    def get_fields_of_action(self, obj) -> list[str]:
        tag = self._tag(obj)
        return [f.code for f in tag.fields_of_action.all()] if tag else []

    def get_target_groups(self, obj) -> list[str]:
        tag = self._tag(obj)
        return [t.code for t in tag.target_groups.all()] if tag else []

    def get_statement(self, obj) -> int | None:
        tag = self._tag(obj)
        return tag.statement_id if tag else None


class FreeTextListView(generics.ListAPIView):
    """The free-text answers to one question, for those with the raw-data right; filtered by
    ``?q=`` (search), ``?field=`` (field of action), ``?untagged=1`` and a breakdown group
    (``?by=…&group=…``). A group too small to publish lists nothing (``small_group``), as on
    the page."""

    serializer_class = FreeTextSerializer

    def _listed(self) -> selectors.FreeTextList:
        if not hasattr(self, "_free_texts"):
            survey = _survey(self.request, self.kwargs["pk"], "surveys.view_raw_results")
            version = get_object_or_404(SurveyVersion, survey=survey, number=self.kwargs["version"])
            code = self.kwargs["code"]
            if code not in get_structure(version).questions:
                raise Http404(_("Unknown question."))
            params = self.request.query_params
            self._free_texts = selectors.free_text_list(
                survey=survey,
                version=version,
                code=code,
                by=params.get("by", ""),
                group=params.get("group", ""),
                search=params.get("q", "").strip(),
                field=params.get("field", ""),
                untagged=params.get("untagged") in ("1", "true"),
            )
        return self._free_texts

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no survey
            return Answer.objects.none()
        return self._listed().answers

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("by", "group", "q", "field", "untagged")
        ]
    )
    def get(self, request, *args, **kwargs):
        response = self.list(request, *args, **kwargs)
        response.data["small_group"] = self._listed().small_group
        return response


class ExportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "survey",
            "format",
            "labels",
            "suppressed",
            "status",
            "progress",
            "error",
            "created_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        request = self.context.get("request")
        url = reverse("api:api-survey-export-download", args=[job.pk])
        return request.build_absolute_uri(url) if request else url


class ExportJobCreateSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportJob.Format.choices)
    labels = serializers.BooleanField(default=False)
    suppressed = serializers.BooleanField(default=False)


class SurveyExportListView(generics.ListCreateAPIView):
    """Export jobs of a survey (staff): list them, or create one (built by a worker)."""

    serializer_class = ExportJobSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExportJob.objects.none()
        survey = _survey(self.request, self.kwargs["pk"], "surveys.export_results")
        return ExportJob.objects.filter(survey=survey).order_by("-created_at")

    @extend_schema(request=ExportJobCreateSerializer, responses={201: ExportJobSerializer})
    def post(self, request, pk: int):
        survey = _survey(request, pk, "surveys.export_results")
        data = ExportJobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.export_job_create(survey=survey, user=request.user, **data.validated_data)
        job.refresh_from_db()
        return Response(ExportJobSerializer(job, context={"request": request}).data, status=201)


class ExportJobDetailView(generics.RetrieveAPIView):
    """Poll an export job's status and progress."""

    serializer_class = ExportJobSerializer
    queryset = ExportJob.objects.select_related("survey")

    def get_object(self):
        job = super().get_object()
        _survey(self.request, job.survey_id, "surveys.export_results")
        return job


class ExportJobDownloadView(APIView):
    """The finished file."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob, pk=pk)
        _survey(request, job.survey_id, "surveys.export_results")
        if job.status != ExportJob.Status.DONE or not job.file:
            raise Http404(_("The export is not ready."))
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.file.name.split("/")[-1]
        )
