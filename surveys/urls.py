from django.urls import path  # noqa: F401

app_name = "surveys"

urlpatterns: list = []

# --- results (issue 6) --------------------------------------------------------------------
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
