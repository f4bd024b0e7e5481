"""REST API routes of the surveys app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .api import views

router = DefaultRouter()
router.register("surveys", views.SurveyViewSet, basename="survey")
router.register("survey-responses", views.ResponseViewSet, basename="survey-response")
router.register("survey-invitations", views.InvitationViewSet, basename="survey-invitation")

urlpatterns = [
    path(
        "public-surveys/<str:public_id>/",
        views.PublicSurveyView.as_view(),
        name="public-survey",
    ),
    *router.urls,
]
