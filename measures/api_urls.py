"""REST API routes of the measures app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("findings", api.FindingViewSet, basename="finding")
router.register("strategic-goals", api.StrategicGoalViewSet, basename="strategic-goal")
router.register("operational-goals", api.OperationalGoalViewSet, basename="operational-goal")
router.register("measures", api.MeasureViewSet, basename="measure")

urlpatterns = [
    path("measures/matrix/", api.MatrixView.as_view(), name="measure-matrix"),
    path("measure-reports/<str:token>/", api.ReportLinkView.as_view(), name="measure-report-link"),
    path(
        "public/processes/<int:pk>/measures/",
        api.PublicMeasureList.as_view(),
        name="public-measures",
    ),
    *router.urls,
]
