"""REST API routes of the workshops app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("workshops", api.WorkshopViewSet, basename="workshop")
router.register("workshop-cards", api.CardViewSet, basename="workshop-card")
router.register("workshop-clusters", api.ClusterViewSet, basename="workshop-cluster")
router.register("workshop-votes", api.VoteViewSet, basename="workshop-vote")

urlpatterns = [
    path("workshop-join/", api.JoinView.as_view(), name="workshop-join"),
    path("workshop-ballots/", api.BallotView.as_view(), name="workshop-ballot"),
    path(
        "workshop-participant-cards/",
        api.ParticipantCardView.as_view(),
        name="workshop-participant-card",
    ),
    *router.urls,
]
