from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.home, name="home"),
    path("processes/new/", views.process_create, name="process_create"),
    path("processes/<int:pk>/", views.process_dashboard, name="process_dashboard"),
    path("processes/<int:pk>/edit/", views.process_edit, name="process_edit"),
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
]
