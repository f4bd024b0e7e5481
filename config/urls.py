from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import LoginView

from .health import healthz

handler404 = "config.api.handler404"
handler500 = "config.api.handler500"

api_v1 = [
    path("", include("participation.api.urls")),
    path("", include("surveys.api_urls")),
    path("", include("workshops.api_urls")),
    path("", include("measures.api_urls")),
    path("", include("monitoring.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("surveys/", include("surveys.urls")),
    path("workshops/", include("workshops.urls")),
    path("measures/", include("measures.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("", include("participation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
