from django.urls import path

from . import views
from .conference import views as conference_views
from .interviews import views as interview_views
from .statements import views as statement_views

app_name = "participation"

urlpatterns = [
    path("", views.home, name="home"),
    path("processes/new/", views.process_create, name="process_create"),
    path("processes/<int:pk>/", views.process_dashboard, name="process_dashboard"),
    path("processes/<int:pk>/edit/", views.process_edit, name="process_edit"),
    path("processes/<int:pk>/delete/", views.process_delete, name="process_delete"),
    path("processes/<int:pk>/phases/new/", views.phase_edit, name="phase_create"),
    path("processes/<int:pk>/phases/<int:phase_pk>/", views.phase_edit, name="phase_edit"),
    path(
        "processes/<int:pk>/phases/<int:phase_pk>/delete/",
        views.phase_delete,
        name="phase_delete",
    ),
    path("processes/<int:pk>/members/", views.process_members, name="process_members"),
    path(
        "processes/<int:pk>/members/<int:membership_pk>/remove/",
        views.process_member_remove,
        name="process_member_remove",
    ),
    path(
        "catalogues/<slug:catalogue>/",
        views.catalogue_list,
        name="catalogue_list",
    ),
    path("catalogues/<slug:catalogue>/new/", views.catalogue_edit, name="catalogue_create"),
    path("catalogues/<slug:catalogue>/<int:item_pk>/", views.catalogue_edit, name="catalogue_edit"),
    path("directory/organisations/", views.organisation_list, name="organisation_list"),
    path("directory/organisations/new/", views.organisation_edit, name="organisation_create"),
    path("directory/organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("directory/people/", views.person_list, name="person_list"),
    path("directory/people/new/", views.person_edit, name="person_create"),
    path("directory/people/<int:pk>/", views.person_edit, name="person_edit"),
    path("directory/people/<int:pk>/erase/", views.person_erase, name="person_erase"),
    # Statement input pool
    path("statements/", statement_views.statement_list_page, name="statement_list"),
    path("statements/<int:pk>/", statement_views.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/source/", statement_views.statement_source, name="statement_source"),
    path(
        "statements/<int:pk>/history/",
        statement_views.statement_history,
        name="statement_history",
    ),
    path(
        "statements/export.<str:fmt>",
        statement_views.statement_export,
        name="statement_export",
    ),
    # interviews and coding
    path("processes/<int:pk>/interviews/", interview_views.interview_list, name="interview_list"),
    path(
        "processes/<int:pk>/interviews/new/",
        interview_views.interview_edit,
        name="interview_create",
    ),
    path(
        "processes/<int:pk>/interviews/<int:interview_pk>/",
        interview_views.interview_detail,
        name="interview_detail",
    ),
    path(
        "processes/<int:pk>/interviews/<int:interview_pk>/edit/",
        interview_views.interview_edit,
        name="interview_edit",
    ),
    path(
        "processes/<int:pk>/interviews/<int:interview_pk>/delete/",
        interview_views.interview_delete,
        name="interview_delete",
    ),
    path(
        "processes/<int:pk>/interviews/<int:interview_pk>/passages/<int:passage_pk>/delete/",
        interview_views.passage_delete,
        name="passage_delete",
    ),
    path(
        "processes/<int:pk>/interview-guide/new/",
        interview_views.guide_question_edit,
        name="guide_question_create",
    ),
    path(
        "processes/<int:pk>/interview-guide/<int:question_pk>/",
        interview_views.guide_question_edit,
        name="guide_question_edit",
    ),
    path(
        "processes/<int:pk>/interview-guide/<int:question_pk>/delete/",
        interview_views.guide_question_delete,
        name="guide_question_delete",
    ),
    path("processes/<int:pk>/codes/", interview_views.code_list, name="code_list"),
    path("processes/<int:pk>/codes/seed/", interview_views.code_system_seed, name="code_seed"),
    path("processes/<int:pk>/codes/new/", interview_views.code_edit, name="code_create"),
    path("processes/<int:pk>/codes/<int:code_pk>/", interview_views.code_edit, name="code_edit"),
    path(
        "processes/<int:pk>/codes/<int:code_pk>/delete/",
        interview_views.code_delete,
        name="code_delete",
    ),
    path("processes/<int:pk>/coding/", interview_views.coding_overview, name="coding_overview"),
    path(
        "processes/<int:pk>/coding/codes/<int:code_pk>/",
        interview_views.code_quotes,
        name="code_quotes",
    ),
    path(
        "processes/<int:pk>/coding/export.<str:fmt>",
        interview_views.passage_export,
        name="passage_export",
    ),
    # kick-off conference
    path("conferences/", conference_views.conference_list, name="conference_list"),
    path(
        "processes/<int:process_pk>/conferences/new/",
        conference_views.conference_edit,
        name="conference_create",
    ),
    path("conferences/<int:pk>/", conference_views.conference_detail, name="conference_detail"),
    path("conferences/<int:pk>/edit/", conference_views.conference_edit, name="conference_edit"),
    path(
        "conferences/<int:pk>/agenda/new/",
        conference_views.agenda_item_edit,
        name="agenda_item_create",
    ),
    path(
        "conferences/<int:pk>/agenda/<int:item_pk>/",
        conference_views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "conferences/<int:pk>/agenda/<int:item_pk>/delete/",
        conference_views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path("conferences/<int:pk>/tables/new/", conference_views.table_edit, name="table_create"),
    path(
        "conferences/<int:pk>/tables/<int:table_pk>/edit/",
        conference_views.table_edit,
        name="table_edit",
    ),
    path("tables/<int:table_pk>/", conference_views.table_detail, name="table_detail"),
    path(
        "tables/<int:table_pk>/cards/<int:card_pk>/delete/",
        conference_views.card_delete,
        name="card_delete",
    ),
    path(
        "conferences/<int:pk>/registrations/",
        conference_views.registration_list,
        name="registration_list",
    ),
    path(
        "conferences/<int:pk>/registrations.csv",
        conference_views.registration_export,
        name="registration_export",
    ),
    path(
        "conferences/<int:pk>/registrations/<int:registration_pk>/cancel/",
        conference_views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "conferences/<int:pk>/registrations/anonymise/",
        conference_views.registrations_anonymise,
        name="registrations_anonymise",
    ),
    path("conferences/<int:pk>/check-in/", conference_views.check_in, name="check_in"),
    path(
        "conferences/<int:pk>/check-in/counts/",
        conference_views.check_in_counts,
        name="check_in_counts",
    ),
    path(
        "conferences/<int:pk>/check-in/<int:registration_pk>/",
        conference_views.check_in_registration,
        name="check_in_registration",
    ),
    path(
        "conferences/<int:pk>/documentation/",
        conference_views.documentation,
        name="conference_documentation",
    ),
    path(
        "conferences/<int:pk>/documentation.<str:fmt>",
        conference_views.documentation_export,
        name="conference_documentation_export",
    ),
    path("register/<int:pk>/", conference_views.conference_register, name="conference_register"),
    path(
        "register/<int:pk>/thanks/",
        conference_views.conference_registered,
        name="conference_registered",
    ),
]
