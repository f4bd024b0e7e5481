from django.urls import path

from .views import designer, interchange, respond, staff

app_name = "surveys"

urlpatterns = [
    # --- staff: surveys, status, invitations --------------------------------------------
    path("", staff.survey_index, name="survey_index"),
    path("<int:pk>/", staff.survey_detail, name="survey_detail"),
    path("<int:pk>/status/", staff.survey_transition, name="survey_transition"),
    path("<int:pk>/invitations/", staff.invitation_list, name="invitation_list"),
    path("<int:pk>/invitations/import/", staff.invitation_import, name="invitation_import"),
    path(
        "<int:pk>/invitations/import/<int:job_id>/",
        staff.invitation_import_status,
        name="invitation_import_status",
    ),
    path("<int:pk>/invitations/people/", staff.invitation_people, name="invitation_people"),
    path("<int:pk>/invitations/send/", staff.invitation_send, name="invitation_send"),
    # --- respondents: answering (no account) --------------------------------------------
    path("s/<str:public_id>/", respond.respond_public, name="respond_public"),
    path("s/<str:public_id>/p/<str:section>/", respond.respond_page, name="respond_page"),
    path("s/<str:public_id>/resume/", respond.respond_resume, name="respond_resume"),
    path("s/<str:public_id>/thanks/", respond.respond_thanks, name="respond_thanks"),
    path("s/<str:public_id>/invited/", respond.respond_invited, name="respond_invited"),
    path("i/<str:token>/", respond.respond_invitation, name="respond_invitation"),
    path("i/<str:token>/opt-out/", respond.opt_out, name="opt_out"),
    # --- designer and interchange (issue-5b) --------------------------------------------
    path("new/", designer.survey_create, name="survey_create"),
    path("import/", interchange.survey_import_page, name="survey_import"),
    path("<int:pk>/design/", designer.designer, name="designer"),
    path("<int:pk>/design/settings/", designer.survey_settings, name="survey_settings"),
    path("<int:pk>/design/preview/", designer.preview, name="preview"),
    path("<int:pk>/design/pages/add/", designer.section_edit, name="section_add"),
    path("<int:pk>/design/pages/<int:section_pk>/", designer.section_edit, name="section_edit"),
    path(
        "<int:pk>/design/pages/<int:section_pk>/action/",
        designer.section_action,
        name="section_action",
    ),
    path(
        "<int:pk>/design/pages/<int:section_pk>/questions/add/",
        designer.question_add,
        name="question_add",
    ),
    path(
        "<int:pk>/design/questions/<int:question_pk>/",
        designer.question_edit,
        name="question_edit",
    ),
    path(
        "<int:pk>/design/questions/<int:question_pk>/action/",
        designer.question_action,
        name="question_action",
    ),
    path(
        "<int:pk>/design/questions/<int:question_pk>/choices/",
        designer.question_choices,
        name="question_choices",
    ),
    path("<int:pk>/export.xlsx", interchange.survey_export, name="survey_export"),
]

# --- results ------------------------------------------------------------------------------
from .views import results as results_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/results/", results_views.results_home, name="results"),
    path(
        "<int:pk>/results/v<int:version>/",
        results_views.results_dashboard,
        name="results_dashboard",
    ),
    path(
        "<int:pk>/results/v<int:version>/q/<slug:code>/",
        results_views.results_question,
        name="results_question",
    ),
    path(
        "<int:pk>/results/v<int:version>/q/<slug:code>/texts/",
        results_views.free_texts,
        name="results_free_texts",
    ),
    path(
        "<int:pk>/results/answers/tag/",
        results_views.free_text_tag_many,
        name="results_tag_many",
    ),
    path(
        "<int:pk>/results/answers/<int:answer_id>/tag/",
        results_views.free_text_tag,
        name="results_tag",
    ),
    path("<int:pk>/results/exports/", results_views.exports, name="results_exports"),
    path(
        "<int:pk>/results/exports/<int:job_id>/",
        results_views.export_detail,
        name="results_export",
    ),
    path(
        "<int:pk>/results/exports/<int:job_id>/download/",
        results_views.export_download,
        name="results_export_download",
    ),
    path(
        "<int:pk>/results/publication/",
        results_views.results_publication,
        name="results_publication",
    ),
    path("<int:pk>/results/rebuild/", results_views.results_rebuild, name="results_rebuild"),
    path("public/<str:public_id>/results/", results_views.public_results, name="results_public"),
]
