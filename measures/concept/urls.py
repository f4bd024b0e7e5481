"""Routes of the concept pages, added to the measures app's routes (names ``concept_*``)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("<int:pk>/concept/", v.home, name="concept"),
    path("<int:pk>/concept/title/", v.concept_edit, name="concept_edit"),
    path("<int:pk>/concept/summary/", v.summary, name="concept_summary"),
    path("<int:pk>/concept/generate/", v.generate, name="concept_generate"),
    path("<int:pk>/concept/compare/", v.compare_versions, name="concept_compare"),
    path("<int:pk>/concept/jobs/<int:job_pk>/", v.job, name="concept_job"),
    path("<int:pk>/concept/chapters/<int:chapter_pk>/", v.chapter_edit, name="concept_chapter"),
    path(
        "<int:pk>/concept/chapters/<int:chapter_pk>/move/",
        v.chapter_move,
        name="concept_chapter_move",
    ),
    path("<int:pk>/concept/versions/<int:version_pk>/", v.version, name="concept_version"),
    path(
        "<int:pk>/concept/versions/<int:version_pk>/publish/",
        v.publish,
        name="concept_publish",
    ),
    path(
        "<int:pk>/concept/versions/<int:version_pk>/file.<str:fmt>",
        v.download,
        name="concept_download",
    ),
    path("concept/public/<int:pk>/", v.public_home, name="concept_public"),
    path(
        "concept/public/<int:pk>/<int:version_pk>/",
        v.public_version,
        name="concept_public_version",
    ),
    path(
        "concept/public/<int:pk>/<int:version_pk>/file.<str:fmt>",
        v.public_download,
        name="concept_public_download",
    ),
]
