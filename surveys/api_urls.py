"""REST API routes of the surveys app, mounted under /api/v1/."""

urlpatterns: list = []
