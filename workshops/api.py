"""REST API of the workshops: thin doors onto the same services and permissions as the pages.

Facilitators and staff authenticate as usual (session or token). Participants without an
account join with the workshop's code and get a device key; they send it as the header
``X-Workshop-Device`` to add cards to the queue and to vote.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import FilterSet
from participation.api.permissions import RulesMixin
from participation.models import FieldOfAction, Process, TargetGroup

from . import selectors, services
from .models import Card, Cluster, Column, Participant, Vote, VoteItem, Workshop

DEVICE_HEADER = "HTTP_X_WORKSHOP_DEVICE"
DEVICE_PARAMETER = OpenApiParameter(
    "X-Workshop-Device",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The device key returned when joining.",
)


def _require(user, perm, obj=None):
    if not user.has_perm(perm, obj):
        raise ApiPermissionDenied(_("You do not have permission to do this."))


# --- serializers --------------------------------------------------------------------------


class WorkshopSerializer(serializers.ModelSerializer):
    process = serializers.PrimaryKeyRelatedField(queryset=Process.objects.all())
    fields_of_action = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=FieldOfAction.objects.all()
    )
    facilitators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Workshop.facilitators.field.related_model.objects.all()
    )
    join_code = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "process",
            "title",
            "fields_of_action",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "description",
            "facilitators",
            "status",
            "join_code",
        ]


class WorkshopTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Workshop.Status.choices)


class WorkshopCardSerializer(serializers.ModelSerializer):
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Card
        fields = [
            "id",
            "workshop",
            "number",
            "column",
            "kind",
            "text",
            "note",
            "target_groups",
            "cluster",
            "position",
            "status",
            "merged_into",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class WorkshopCardCreateSerializer(serializers.Serializer):
    workshop = serializers.IntegerField()
    text = serializers.CharField(max_length=2000)
    column = serializers.ChoiceField(choices=Column.choices)
    kind = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    target_groups = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=TargetGroup.objects.all(), required=False
    )
    cluster = serializers.IntegerField(required=False, allow_null=True)
    client_key = serializers.CharField(required=False, allow_blank=True, max_length=64)


class WorkshopCardUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    text = serializers.CharField(required=False, max_length=2000)
    kind = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    target_groups = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=TargetGroup.objects.all(), required=False
    )


class WorkshopCardMoveSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    column = serializers.ChoiceField(choices=Column.choices, required=False)
    cluster = serializers.IntegerField(required=False, allow_null=True)
    position = serializers.IntegerField(required=False, min_value=0)
    kind = serializers.CharField(required=False)


class WorkshopCardAcceptSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, max_length=2000)
    column = serializers.ChoiceField(choices=Column.choices, required=False)
    kind = serializers.CharField(required=False)


class WorkshopCardMergeSerializer(serializers.Serializer):
    workshop = serializers.IntegerField()
    cards = serializers.ListField(child=serializers.IntegerField(), min_length=2)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WorkshopClusterSerializer(serializers.ModelSerializer):
    cards = serializers.ListField(child=serializers.IntegerField(), write_only=True, required=False)

    class Meta:
        model = Cluster
        fields = ["id", "workshop", "column", "title", "position", "cards"]
        read_only_fields = ["position"]


class WorkshopVoteItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = VoteItem
        fields = [
            "id",
            "card",
            "cluster",
            "label",
            "dots",
            "rank",
            "impact",
            "feasibility",
            "ratings",
        ]
        read_only_fields = fields


class WorkshopVoteSerializer(serializers.ModelSerializer):
    items = WorkshopVoteItemSerializer(many=True, read_only=True)

    class Meta:
        model = Vote
        fields = [
            "id",
            "workshop",
            "title",
            "mode",
            "status",
            "dots_per_participant",
            "max_per_item",
            "opened_at",
            "closed_at",
            "items",
        ]
        read_only_fields = fields


class WorkshopVoteOpenSerializer(serializers.Serializer):
    workshop = serializers.IntegerField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=Vote.Mode.choices, default=Vote.Mode.DOTS)
    cards = serializers.ListField(child=serializers.IntegerField(), required=False)
    clusters = serializers.ListField(child=serializers.IntegerField(), required=False)
    dots_per_participant = serializers.IntegerField(min_value=1, max_value=20, default=3)
    max_per_item = serializers.IntegerField(min_value=1, max_value=20, default=2)


class WorkshopJoinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    device_key = serializers.CharField(required=False, max_length=100)


class WorkshopBallotSerializer(serializers.Serializer):
    vote = serializers.IntegerField()
    dots = serializers.DictField(child=serializers.IntegerField(), required=False)
    ratings = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        required=False,
    )


class WorkshopParticipantCardSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
    text = serializers.CharField(max_length=2000)
    column = serializers.ChoiceField(choices=Column.choices, default=Column.IDEAS)
    client_key = serializers.CharField(required=False, allow_blank=True, max_length=64)


# --- staff and facilitators ---------------------------------------------------------------


class WorkshopFilter(FilterSet):
    class Meta:
        model = Workshop
        fields = ["process", "status"]


class WorkshopViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    ordering_fields = ["starts_at", "title"]
    search_fields = ["title"]

    def get_queryset(self):
        return selectors.workshop_list(user=self.request.user).order_by("starts_at", "id")

    def global_perm(self, action):
        return "workshops.view_workshops"

    def object_perm(self, action):
        if action in ("update", "partial_update", "transition"):
            return "workshops.change_workshop"
        return "workshops.view_workshop"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        process = data.pop("process")
        serializer.instance = services.workshop_save(
            process=process, user=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("process", None)
        workshop = serializer.instance
        serializer.instance = services.workshop_save(
            process=workshop.process, user=self.request.user, workshop=workshop, **data
        )

    @extend_schema(request=WorkshopTransitionSerializer, responses=WorkshopSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        workshop = self.get_object()
        body = WorkshopTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        workshop = services.workshop_transition(
            workshop=workshop, user=request.user, to=body.validated_data["to"]
        )
        return Response(WorkshopSerializer(workshop).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def board(self, request, pk=None):
        """Cards, clusters and the open vote with live counts (what the board page polls)."""
        return Response(selectors.board_state(workshop=self.get_object()))


def _workshop_for(request, workshop_id: int, perm: str) -> Workshop:
    workshop = Workshop.objects.filter(pk=workshop_id).select_related("process").first()
    if workshop is None or not request.user.has_perm("workshops.view_workshop", workshop):
        raise NotFound()
    _require(request.user, perm, workshop)
    return workshop


class CardFilter(FilterSet):
    class Meta:
        model = Card
        fields = ["workshop", "column", "status", "kind", "cluster"]


class CardViewSet(
    RulesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = WorkshopCardSerializer
    filterset_class = CardFilter
    ordering_fields = ["number", "position"]

    def get_queryset(self):
        visible = selectors.workshop_list(user=self.request.user).values("pk")
        return (
            Card.objects.filter(workshop__in=visible)
            .prefetch_related("target_groups")
            .order_by("workshop", "column", "position", "id")
        )

    def global_perm(self, action):
        return "workshops.view_workshops"

    def object_perm(self, action):
        if action in self.read_actions:
            return "workshops.view_workshop"
        return "workshops.change_workshop"

    def permission_object(self, obj):
        return obj.workshop

    @extend_schema(request=WorkshopCardCreateSerializer, responses={201: WorkshopCardSerializer})
    def create(self, request):
        body = WorkshopCardCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        workshop = _workshop_for(request, data.pop("workshop"), "workshops.change_workshop")
        card, created = services.card_create(workshop=workshop, user=request.user, **data)
        return Response(
            WorkshopCardSerializer(card).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=WorkshopCardUpdateSerializer, responses=WorkshopCardSerializer)
    def partial_update(self, request, pk=None):
        card = self.get_object()
        body = WorkshopCardUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._conflict_safe(
            lambda: services.card_update(card=card, user=request.user, **body.validated_data)
        )

    def _conflict_safe(self, write):
        try:
            card = write()
        except services.CardConflict as error:
            return Response(
                {
                    "detail": error.messages[0],
                    "errors": [
                        {"field": "version", "code": "conflict", "message": error.messages[0]}
                    ],
                    "current": WorkshopCardSerializer(error.card).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(WorkshopCardSerializer(card).data)

    @extend_schema(request=WorkshopCardMoveSerializer, responses=WorkshopCardSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        card = self.get_object()
        body = WorkshopCardMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "cluster" in data and data["cluster"] is None:
            data["cluster"] = ""
        return self._conflict_safe(lambda: services.card_move(card=card, user=request.user, **data))

    @extend_schema(request=WorkshopCardAcceptSerializer, responses=WorkshopCardSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        card = self.get_object()
        body = WorkshopCardAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        card = services.card_accept(card=card, user=request.user, **body.validated_data)
        return Response(WorkshopCardSerializer(card).data)

    @extend_schema(request=None, responses=WorkshopCardSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        card = services.card_reject(card=self.get_object(), user=request.user)
        return Response(WorkshopCardSerializer(card).data)

    @extend_schema(request=WorkshopCardMergeSerializer, responses=WorkshopCardSerializer)
    @action(detail=False, methods=["post"])
    def merge(self, request):
        body = WorkshopCardMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        workshop = _workshop_for(
            request, body.validated_data["workshop"], "workshops.change_workshop"
        )
        ids = body.validated_data["cards"]
        found = {c.pk: c for c in Card.objects.filter(pk__in=ids)}
        cards = [found[i] for i in ids if i in found]
        if len(cards) != len(ids):
            raise NotFound()
        card = services.cards_merge(
            workshop=workshop,
            user=request.user,
            cards=cards,
            text=body.validated_data.get("text", ""),
        )
        return Response(WorkshopCardSerializer(card).data)


class ClusterViewSet(
    RulesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = WorkshopClusterSerializer
    filterset_fields = ["workshop", "column"]

    def get_queryset(self):
        visible = selectors.workshop_list(user=self.request.user).values("pk")
        return Cluster.objects.filter(workshop__in=visible).order_by(
            "workshop", "column", "position", "id"
        )

    def global_perm(self, action):
        return "workshops.view_workshops"

    def object_perm(self, action):
        return (
            "workshops.view_workshop"
            if action in self.read_actions
            else ("workshops.change_workshop")
        )

    def permission_object(self, obj):
        return obj.workshop

    def _cards(self, workshop, ids):
        return list(Card.objects.filter(workshop=workshop, pk__in=ids or []))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        workshop = _workshop_for(self.request, data.pop("workshop").pk, "workshops.change_workshop")
        serializer.instance = services.cluster_save(
            workshop=workshop,
            user=self.request.user,
            title=data["title"],
            column=data["column"],
            cards=self._cards(workshop, data.get("cards")),
        )

    def perform_update(self, serializer):
        cluster = serializer.instance
        data = dict(serializer.validated_data)
        serializer.instance = services.cluster_save(
            workshop=cluster.workshop,
            user=self.request.user,
            cluster=cluster,
            title=data.get("title", cluster.title),
            column=cluster.column,
            cards=self._cards(cluster.workshop, data.get("cards")),
        )

    def perform_destroy(self, instance):
        services.cluster_delete(cluster=instance, user=self.request.user)


class VoteViewSet(
    RulesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = WorkshopVoteSerializer
    filterset_fields = ["workshop", "status", "mode"]

    def get_queryset(self):
        visible = selectors.workshop_list(user=self.request.user).values("pk")
        return (
            Vote.objects.filter(workshop__in=visible)
            .prefetch_related("items")
            .order_by("workshop", "opened_at", "id")
        )

    def global_perm(self, action):
        return "workshops.view_workshops"

    def object_perm(self, action):
        return (
            "workshops.view_workshop"
            if action in self.read_actions + ("counts",)
            else ("workshops.change_workshop")
        )

    def permission_object(self, obj):
        return obj.workshop

    @extend_schema(request=WorkshopVoteOpenSerializer, responses={201: WorkshopVoteSerializer})
    def create(self, request):
        body = WorkshopVoteOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        workshop = _workshop_for(request, data.pop("workshop"), "workshops.change_workshop")
        vote = services.vote_open(workshop=workshop, user=request.user, **data)
        return Response(WorkshopVoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=WorkshopVoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        vote = services.vote_close(vote=self.get_object(), user=request.user)
        return Response(WorkshopVoteSerializer(Vote.objects.get(pk=vote.pk)).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def counts(self, request, pk=None):
        """Live counts while the vote is open (stored results once closed)."""
        return Response(selectors.vote_state(self.get_object()))


# --- participants (no account) ------------------------------------------------------------


def _participant(request, workshop) -> Participant:
    participant = services.participant_for(
        workshop=workshop, device_key=request.META.get(DEVICE_HEADER, ""), user=None
    )
    if participant is None:
        raise ApiPermissionDenied(_("Join the workshop first."))
    return participant


class JoinView(APIView):
    """Join a running workshop with its code from a device; returns the device key to send as
    ``X-Workshop-Device``. Joining again with the same key returns the same participant."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=WorkshopJoinSerializer,
        responses={
            201: inline_serializer(
                "Joined",
                {
                    "participant": serializers.CharField(),
                    "device_key": serializers.CharField(),
                    "workshop": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request):
        body = WorkshopJoinSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        workshop = services.workshop_by_code(body.validated_data["code"])
        if workshop is None:
            raise NotFound(_("No workshop has this code."))
        key = body.validated_data.get("device_key") or services.new_device_key()
        participant, created = services.participant_join(workshop=workshop, device_key=key)
        return Response(
            {"participant": participant.pseudonym, "device_key": key, "workshop": workshop.pk},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BallotView(APIView):
    """Cast the device's ballot in an open vote (dots or impact/feasibility ratings)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=WorkshopBallotSerializer,
        parameters=[DEVICE_PARAMETER],
        responses={201: inline_serializer("BallotStored", {"ballot": serializers.IntegerField()})},
    )
    def post(self, request):
        body = WorkshopBallotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vote = selectors.vote_for_ballot(
            body.validated_data["vote"], request.META.get(DEVICE_HEADER, "")
        )
        if vote is None:
            raise NotFound(_("No vote has this number."))
        if vote.device_participant_id is None:
            raise ApiPermissionDenied(_("Join the workshop first."))
        participant = Participant(pk=vote.device_participant_id, workshop_id=vote.workshop_id)
        participant._state.adding = False
        try:
            ballot = services.ballot_cast(
                vote=vote,
                participant=participant,
                dots=body.validated_data.get("dots"),
                ratings=body.validated_data.get("ratings"),
            )
        except PermissionDenied as exc:
            raise ApiPermissionDenied(str(exc)) from exc
        return Response({"ballot": ballot.pk}, status=status.HTTP_201_CREATED)


class ParticipantCardView(APIView):
    """Add a card from a participant's device; it waits in the facilitator's queue."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=WorkshopParticipantCardSerializer,
        parameters=[DEVICE_PARAMETER],
        responses={201: WorkshopCardSerializer},
    )
    def post(self, request):
        body = WorkshopParticipantCardSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        workshop = services.workshop_by_code(data.pop("code"))
        if workshop is None:
            raise NotFound(_("No workshop has this code."))
        participant = _participant(request, workshop)
        card, created = services.card_create(workshop=workshop, participant=participant, **data)
        return Response(
            WorkshopCardSerializer(card).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
