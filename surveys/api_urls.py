"""REST API routes of the surveys app, mounted under /api/v1/."""

urlpatterns: list = []

# --- results (issue 6) --------------------------------------------------------------------
from django.urls import path  # noqa: E402

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
