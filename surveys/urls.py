from django.urls import path

from .views import respond, staff

app_name = "surveys"

urlpatterns = [
    # --- staff: surveys, status, invitations --------------------------------------------
    path("", staff.survey_index, name="survey_index"),
    path("<int:pk>/", staff.survey_detail, name="survey_detail"),
    path("<int:pk>/status/", staff.survey_transition, name="survey_transition"),
    path("<int:pk>/invitations/", staff.invitation_list, name="invitation_list"),
    path("<int:pk>/invitations/import/", staff.invitation_import, name="invitation_import"),
    path("<int:pk>/invitations/people/", staff.invitation_people, name="invitation_people"),
    path("<int:pk>/invitations/send/", staff.invitation_send, name="invitation_send"),
    # --- respondents: answering (no account) --------------------------------------------
    path("s/<str:public_id>/", respond.respond_public, name="respond_public"),
    path("s/<str:public_id>/p/<str:section>/", respond.respond_page, name="respond_page"),
    path("s/<str:public_id>/resume/", respond.respond_resume, name="respond_resume"),
    path("s/<str:public_id>/thanks/", respond.respond_thanks, name="respond_thanks"),
    path("i/<str:token>/", respond.respond_invitation, name="respond_invitation"),
    path("i/<str:token>/opt-out/", respond.opt_out, name="opt_out"),
    # --- designer and interchange (issue-5b) --------------------------------------------
]
