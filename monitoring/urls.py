from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("<int:pk>/indicators/<str:code>/chart.svg", views.indicator_chart, name="chart"),
    path(
        "<int:pk>/indicators/<str:code>/download/<str:fmt>/",
        views.download,
        name="indicator_download",
    ),
    path("<int:pk>/download/<str:fmt>/", views.download, name="download"),
    path("<int:pk>/imports/", views.imports, name="imports"),
    path("<int:pk>/imports/check/<str:token>/", views.import_check, name="import_check"),
    path("<int:pk>/imports/<int:run_pk>/", views.import_report, name="import_report"),
    path("<int:pk>/targets/", views.targets, name="targets"),
    path("<int:pk>/targets/new/", views.target_edit, name="target_create"),
    path("<int:pk>/targets/<int:target_pk>/", views.target_edit, name="target_edit"),
    path("<int:pk>/targets/<int:target_pk>/delete/", views.target_delete, name="target_delete"),
    path("<int:pk>/requests/", views.data_requests, name="data_requests"),
    path("deliver/<str:token>/", views.data_request_deliver, name="data_request_deliver"),
]
