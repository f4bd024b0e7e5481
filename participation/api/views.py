"""REST API of the participation core. Thin doors onto services and selectors."""

import django_filters
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core import ratelimit
from core.filters import FilterSet
from core.permissions import require_perm

from .. import selectors, services
from ..models import Organisation, Person, Phase, ProcessMembership
from .permissions import RulesMixin
from .serializers import (
    FieldOfActionSerializer,
    MembershipSerializer,
    OrganisationSerializer,
    PersonEraseSerializer,
    PersonSerializer,
    PhaseSerializer,
    PhaseUpdateSerializer,
    ProcessSerializer,
    TargetGroupSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)


class TokenView(APIView):
    """Exchange user name and password for an API token (send it as ``Authorization: Token …``)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # The login page's budget: guessing passwords here is no cheaper than there.
        if ratelimit.login_blocked(request, username):
            raise Throttled(wait=settings.TEILHABE_LOGIN_WINDOW)
        user = authenticate(request, **serializer.validated_data)
        if user is None:
            ratelimit.login_failed(request, username)
            raise AuthenticationFailed(_("User name or password is wrong."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class ProcessViewSet(RulesMixin, viewsets.ModelViewSet):
    serializer_class = ProcessSerializer
    filterset_fields = ["status"]
    search_fields = ["title", "territory"]
    ordering_fields = ["period_start", "title"]

    def get_queryset(self):
        return selectors.process_list(user=self.request.user).prefetch_related(
            "phases", "target_groups", "fields_of_action"
        )

    def global_perm(self, action):
        return {"create": "participation.add_process"}.get(action)

    def object_perm(self, action):
        if action == "destroy":
            return "participation.delete_process"
        if action in ("update", "partial_update"):
            return "participation.change_process"
        return "participation.view_process"

    def perform_create(self, serializer):
        serializer.instance = services.process_create(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.process_update(
            process=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.process_delete(process=instance, user=self.request.user)


class PhaseFilter(FilterSet):
    class Meta:
        model = Phase
        fields = ["process", "kind"]


class PhaseViewSet(RulesMixin, viewsets.ModelViewSet):
    filterset_class = PhaseFilter
    ordering_fields = ["order", "start_date"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return PhaseUpdateSerializer
        return PhaseSerializer

    def get_queryset(self):
        return Phase.objects.filter(
            process__in=selectors.process_list(user=self.request.user)
        ).order_by("process", "order")

    def object_perm(self, action):
        if action in self.read_actions:
            return "participation.view_process"
        return "participation.change_process"

    def permission_object(self, obj):
        return obj.process

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        process = data.pop("process")
        require_perm(self.request.user, "participation.change_process", process)
        serializer.instance = services.phase_save(process=process, user=self.request.user, **data)

    def perform_update(self, serializer):
        phase = serializer.instance
        serializer.instance = services.phase_save(
            process=phase.process,
            user=self.request.user,
            phase=phase,
            **serializer.validated_data,
        )

    def perform_destroy(self, instance):
        services.phase_delete(phase=instance, user=self.request.user)


class CatalogueViewSet(RulesMixin, viewsets.ModelViewSet):
    """Shared catalogues: every signed-in user reads them, platform administrators keep them."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["active"]
    search_fields = ["code", "name", "name_en"]

    def global_perm(self, action):
        return None if action in self.read_actions else "participation.manage_catalogues"

    def get_queryset(self):
        return self.serializer_class.Meta.model.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.catalogue_item_save(
            model=self.serializer_class.Meta.model,
            user=self.request.user,
            **serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = services.catalogue_item_save(
            model=self.serializer_class.Meta.model,
            user=self.request.user,
            instance=serializer.instance,
            **serializer.validated_data,
        )


class TargetGroupViewSet(CatalogueViewSet):
    serializer_class = TargetGroupSerializer


class FieldOfActionViewSet(CatalogueViewSet):
    serializer_class = FieldOfActionSerializer


class DirectoryMixin(RulesMixin):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def global_perm(self, action):
        if action in self.read_actions:
            return "participation.view_directory"
        return "participation.change_directory"

    def object_perm(self, action):
        if action in self.read_actions:
            return None  # the queryset holds only entries of the user's processes
        return self.entry_perm


class OrganisationViewSet(DirectoryMixin, viewsets.ModelViewSet):
    """Organisations of the processes in which you are project staff."""

    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]
    search_fields = ["name"]
    entry_perm = "participation.change_organisation"
    queryset = Organisation.objects.none()

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user).prefetch_related("processes")

    def perform_create(self, serializer):
        serializer.instance = services.organisation_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_save(
            user=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )


class PersonFilter(FilterSet):
    erased = django_filters.BooleanFilter(
        field_name="erased_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Person
        fields = ["organisation", "processes", "consent_to_contact"]


class PersonViewSet(DirectoryMixin, viewsets.ModelViewSet):
    """People of the processes in which you are project staff."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    entry_perm = "participation.change_person"
    queryset = Person.objects.none()

    def object_perm(self, action):
        if action == "erase":
            return "participation.erase_person"
        return super().object_perm(action)

    def get_queryset(self):
        return selectors.person_list(user=self.request.user).prefetch_related("processes")

    def perform_create(self, serializer):
        serializer.instance = services.person_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.person_save(
            user=self.request.user, person=serializer.instance, **serializer.validated_data
        )

    @extend_schema(request=PersonEraseSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """Erase the person on request: personal fields are blanked, contributions are kept."""
        person = self.get_object()
        serializer = PersonEraseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.person_erase(
            person=person, user=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return Response(PersonSerializer(person).data)


class MembershipViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles of users in processes. Only project staff of the process manage them."""

    serializer_class = MembershipSerializer
    filterset_fields = ["process", "role"]

    def get_queryset(self):
        user = self.request.user
        manageable = [
            p.pk
            for p in selectors.process_list(user=user)
            if user.has_perm("participation.change_process", p)
        ]
        return ProcessMembership.objects.filter(process__in=manageable).select_related("user")

    def object_perm(self, action):
        return "participation.change_process"

    def permission_object(self, obj):
        return obj.process

    def perform_create(self, serializer):
        process = serializer.validated_data["process"]
        require_perm(self.request.user, "participation.change_process", process)
        serializer.instance = services.membership_set(
            process=process,
            user=self.request.user,
            member=serializer.validated_data["user"],
            role=serializer.validated_data["role"],
        )

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, user=self.request.user)
