from django.urls import path

from .views import catalogue as c
from .views import findings as f
from .views import tracking as t

app_name = "measures"

urlpatterns = [
    path("", c.index, name="index"),
    path("areas/", t.area_links, name="area_links"),
    path("areas/<int:foa_pk>/", t.area_links_edit, name="area_links_edit"),
    path("report/<str:token>/", t.report, name="report"),
    path("public/<int:pk>/", t.public_catalogue, name="public"),
    path("<int:pk>/", c.catalogue, name="catalogue"),
    path("<int:pk>/matrix/", c.matrix, name="matrix"),
    path("<int:pk>/export.<str:fmt>", c.export, name="export"),
    path("<int:pk>/import/", c.import_upload, name="import"),
    path("<int:pk>/import/<int:job_pk>/", c.import_mapping, name="import_mapping"),
    path("<int:pk>/measures/new/", c.measure_create, name="measure_create"),
    path("<int:pk>/measures/propose/", c.propose_from_statements, name="propose"),
    path("<int:pk>/measures/<int:measure_pk>/", c.measure_detail, name="measure_detail"),
    path("<int:pk>/measures/<int:measure_pk>/edit/", c.measure_edit, name="measure_edit"),
    path(
        "<int:pk>/measures/<int:measure_pk>/decide/",
        c.measure_transition,
        name="measure_transition",
    ),
    path("<int:pk>/measures/<int:measure_pk>/comment/", c.measure_comment, name="measure_comment"),
    path("<int:pk>/measures/<int:measure_pk>/progress/", c.progress_record, name="progress_record"),
    path(
        "<int:pk>/measures/<int:measure_pk>/reports/<int:report_pk>/attachment/",
        c.progress_attachment,
        name="progress_attachment",
    ),
    path("<int:pk>/measures/<int:measure_pk>/history/", c.measure_history, name="measure_history"),
    path("<int:pk>/measures/<int:measure_pk>/trail/", c.evidence_trail, name="trail"),
    path(
        "<int:pk>/measures/<int:measure_pk>/milestones/new/",
        c.milestone_edit,
        name="milestone_create",
    ),
    path(
        "<int:pk>/measures/<int:measure_pk>/milestones/<int:milestone_pk>/",
        c.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<int:pk>/measures/<int:measure_pk>/milestones/<int:milestone_pk>/delete/",
        c.milestone_delete,
        name="milestone_delete",
    ),
    path("<int:pk>/findings/", f.finding_list, name="findings"),
    path("<int:pk>/findings/new/", f.finding_edit, name="finding_create"),
    path("<int:pk>/findings/<int:finding_pk>/", f.finding_detail, name="finding_detail"),
    path("<int:pk>/findings/<int:finding_pk>/edit/", f.finding_edit, name="finding_edit"),
    path(
        "<int:pk>/findings/<int:finding_pk>/cite/<str:kind>/", f.finding_cite, name="finding_cite"
    ),
    path(
        "<int:pk>/findings/<int:finding_pk>/evidence/<int:evidence_pk>/remove/",
        f.evidence_remove,
        name="evidence_remove",
    ),
    path("<int:pk>/history/<str:kind>/<int:obj_pk>/", f.object_history, name="history"),
    path("<int:pk>/goals/", f.goals, name="goals"),
    path("<int:pk>/goals/weights/", f.weights, name="weights"),
    path("<int:pk>/goals/strategic/new/", f.strategic_goal_edit, name="strategic_create"),
    path("<int:pk>/goals/strategic/<int:goal_pk>/", f.strategic_goal_edit, name="strategic_edit"),
    path("<int:pk>/goals/operational/new/", f.operational_goal_edit, name="operational_create"),
    path(
        "<int:pk>/goals/operational/<int:goal_pk>/",
        f.operational_goal_edit,
        name="operational_edit",
    ),
    path("<int:pk>/links/", t.reporting_links, name="links"),
    path("<int:pk>/links/<int:link_pk>/off/", t.reporting_link_deactivate, name="link_off"),
    path("<int:pk>/settings/", t.catalogue_settings, name="settings"),
]

# The concept document's pages (kept in their own module).
from .concept.urls import urlpatterns as concept_urlpatterns  # noqa: E402

urlpatterns += concept_urlpatterns
