"""REST API routes of the measures app, mounted under /api/v1/."""

urlpatterns: list = []
