"""REST API routes of the measures app, mounted under /api/v1/."""

urlpatterns: list = []

# The concept document's endpoints (chapters, generation jobs, versions and their files).
from rest_framework.routers import SimpleRouter  # noqa: E402

from .concept.api import register as _register_concept  # noqa: E402

_concept_router = SimpleRouter()
_register_concept(_concept_router)
urlpatterns += _concept_router.urls
