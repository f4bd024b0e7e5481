"""REST API of the concept document: chapters (staff), generation jobs with their progress
(staff), versions and their files (staff: all; facilitators and experts: published ones)."""

from __future__ import annotations

import django_filters
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.files import file_response
from core.filters import FilterSet
from participation.models import Process

from ..models import Chapter, ConceptVersion, GenerationJob, Variant
from ..models.concept import LANGUAGES
from . import selectors, services
from .views import CONTENT_TYPES


def _require(user, perm: str, obj) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


class ChapterSerializer(serializers.ModelSerializer):
    process = serializers.IntegerField(source="concept.process_id", read_only=True)
    heading = serializers.CharField(read_only=True)
    field_of_action = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Chapter
        fields = [
            "id",
            "process",
            "kind",
            "field_of_action",
            "heading",
            "title",
            "text",
            "summary_text",
            "order",
            "in_summary",
            "updated_at",
        ]
        read_only_fields = ["kind", "order", "updated_at"]


class ChapterUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    summary_text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    in_summary = serializers.BooleanField(required=False)


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class ChapterFilter(FilterSet):
    process = django_filters.NumberFilter(field_name="concept__process")

    class Meta:
        model = Chapter
        fields = ["process", "kind", "in_summary"]


class ChapterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The chapters of the concepts whose process the user works on as staff."""

    serializer_class = ChapterSerializer
    filterset_class = ChapterFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        return selectors.chapters_of_user(user=self.request.user)

    @extend_schema(request=ChapterUpdateSerializer, responses=ChapterSerializer)
    def partial_update(self, request, *args, **kwargs):
        chapter = self.get_object()
        _require(request.user, "measures.manage_concept", chapter.concept.process)
        data = ChapterUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "title": chapter.title,
            "text": chapter.text,
            "summary_text": chapter.summary_text,
            "in_summary": chapter.in_summary,
            **data.validated_data,
        }
        services.chapter_update(chapter=chapter, user=request.user, **values)
        return Response(ChapterSerializer(chapter).data)

    @extend_schema(request=MoveSerializer, responses=ChapterSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Swap the chapter with its neighbour above or below."""
        chapter = self.get_object()
        _require(request.user, "measures.manage_concept", chapter.concept.process)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        moved = services.chapter_move(
            chapter=chapter, user=request.user, direction=data.validated_data["direction"]
        )
        return Response(ChapterSerializer(moved).data)


class JobSerializer(serializers.ModelSerializer):
    process = serializers.IntegerField(source="concept.process_id", read_only=True)
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "process",
            "variant",
            "year",
            "language",
            "status",
            "progress",
            "stage",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "version",
        ]
        read_only_fields = fields


class JobCreateSerializer(serializers.Serializer):
    process = serializers.IntegerField()
    variant = serializers.ChoiceField(choices=Variant.choices)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    language = serializers.ChoiceField(choices=LANGUAGES, default="de")


class JobFilter(FilterSet):
    process = django_filters.NumberFilter(field_name="concept__process")

    class Meta:
        model = GenerationJob
        fields = ["process", "variant", "status"]


class JobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Generation jobs: start one (staff) and follow its progress."""

    serializer_class = JobSerializer
    filterset_class = JobFilter

    def get_queryset(self):
        return selectors.jobs_of_user(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer})
    def create(self, request, *args, **kwargs):
        data = JobCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        process = Process.objects.filter(pk=values["process"]).first()
        if process is None:
            raise serializers.ValidationError({"process": [_("There is no such process.")]})
        _require(request.user, "measures.manage_concept", process)
        concept = services.concept_ensure(process=process)
        job = services.concept_generate(
            concept=concept,
            user=request.user,
            variant=values["variant"],
            year=values.get("year"),
            language=values["language"],
        )
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class VersionSerializer(serializers.ModelSerializer):
    process = serializers.IntegerField(source="concept.process_id", read_only=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = ConceptVersion
        fields = [
            "id",
            "process",
            "variant",
            "year",
            "language",
            "number",
            "created_at",
            "fingerprint",
            "pages",
            "chapters",
            "measures",
            "endnotes",
            "notes",
            "published",
            "published_at",
            "files",
        ]
        read_only_fields = fields

    def get_files(self, obj) -> dict[str, str]:
        request = self.context.get("request")
        out = {}
        for fmt in ("pdf", "docx", "html"):
            if getattr(obj, fmt):
                url = f"/api/v1/concept-versions/{obj.pk}/files/{fmt}/"
                out[fmt] = request.build_absolute_uri(url) if request else url
        return out


class PublishSerializer(serializers.Serializer):
    published = serializers.BooleanField()


class VersionFilter(FilterSet):
    process = django_filters.NumberFilter(field_name="concept__process")

    class Meta:
        model = ConceptVersion
        fields = ["process", "variant", "year", "language", "published"]


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Generated versions: staff see all of their processes, facilitators and experts the
    published ones."""

    serializer_class = VersionSerializer
    filterset_class = VersionFilter

    def get_queryset(self):
        return selectors.versions_of_user(user=self.request.user).defer("snapshot")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"files/(?P<fmt>pdf|docx|html)")
    def files(self, request, pk=None, fmt=None):
        """Download the PDF, DOCX or HTML file of the version."""
        version = self.get_object()
        field = getattr(version, fmt)
        if not field:
            raise Http404
        return file_response(field, content_type=CONTENT_TYPES[fmt])

    @extend_schema(request=PublishSerializer, responses=VersionSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish (``true``) or withdraw (``false``) the version."""
        version = self.get_object()
        _require(request.user, "measures.manage_concept", version.concept.process)
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_publish(
            version=version, user=request.user, published=data.validated_data["published"]
        )
        return Response(VersionSerializer(version, context={"request": request}).data)


def register(router) -> None:
    router.register("concept-chapters", ChapterViewSet, basename="concept-chapter")
    router.register("concept-jobs", JobViewSet, basename="concept-job")
    router.register("concept-versions", VersionViewSet, basename="concept-version")


__all__ = ["register"]
