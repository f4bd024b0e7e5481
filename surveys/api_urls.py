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

# --- results ------------------------------------------------------------------------------
from .results import api as results_api  # noqa: E402

urlpatterns += [
    path(
        "surveys/<int:pk>/results/",
        results_api.ResultsOverviewView.as_view(),
        name="api-survey-results",
    ),
    path(
        "surveys/<int:pk>/results/v<int:version>/q/<slug:code>/",
        results_api.QuestionResultView.as_view(),
        name="api-survey-question-result",
    ),
    path(
        "surveys/<int:pk>/results/v<int:version>/free-texts/<slug:code>/",
        results_api.FreeTextListView.as_view(),
        name="api-survey-free-texts",
    ),
    path(
        "surveys/<int:pk>/exports/",
        results_api.SurveyExportListView.as_view(),
        name="api-survey-exports",
    ),
    path(
        "survey-exports/<int:pk>/",
        results_api.ExportJobDetailView.as_view(),
        name="api-survey-export",
    ),
    path(
        "survey-exports/<int:pk>/download/",
        results_api.ExportJobDownloadView.as_view(),
        name="api-survey-export-download",
    ),
]
