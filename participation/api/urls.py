from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("processes", views.ProcessViewSet, basename="process")
router.register("phases", views.PhaseViewSet, basename="phase")
router.register("target-groups", views.TargetGroupViewSet, basename="target-group")
router.register("fields-of-action", views.FieldOfActionViewSet, basename="field-of-action")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    *router.urls,
]
