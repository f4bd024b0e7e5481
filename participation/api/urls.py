from django.urls import path
from rest_framework.routers import DefaultRouter

from . import pool, views

router = DefaultRouter()
router.register("processes", views.ProcessViewSet, basename="process")
router.register("phases", views.PhaseViewSet, basename="phase")
router.register("target-groups", views.TargetGroupViewSet, basename="target-group")
router.register("fields-of-action", views.FieldOfActionViewSet, basename="field-of-action")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("statements", pool.StatementViewSet, basename="statement")
router.register("interviews", pool.InterviewViewSet, basename="interview")
router.register("coded-passages", pool.PassageViewSet, basename="coded-passage")
router.register("codes", pool.CodeViewSet, basename="code")
router.register("conferences", pool.ConferenceViewSet, basename="conference")
router.register("registrations", pool.RegistrationViewSet, basename="registration")
router.register("conference-cards", pool.CardViewSet, basename="conference-card")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    *router.urls,
]
