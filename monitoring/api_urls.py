"""REST API routes of the monitoring app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .api import views

router = SimpleRouter()
router.register("monitoring/areas", views.AreaViewSet, basename="monitoring-area")
router.register("monitoring/series", views.SeriesViewSet, basename="monitoring-series")
router.register("monitoring/indicators", views.IndicatorViewSet, basename="monitoring-indicator")
router.register("monitoring/territories", views.TerritoryViewSet, basename="monitoring-territory")
router.register("monitoring/values", views.IndicatorValueViewSet, basename="monitoring-value")
router.register("monitoring/raw-values", views.ValueViewSet, basename="monitoring-raw-value")
router.register("monitoring/imports", views.ImportRunViewSet, basename="monitoring-import")
router.register("monitoring/targets", views.TargetViewSet, basename="monitoring-target")

urlpatterns = router.urls
