"""The app's URLs plus ``/bench/trivial/``: a POST that writes one row (the baseline)."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as app_urlpatterns
from participation.models import AuditEvent


class TrivialWrite(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        event = AuditEvent.objects.create(
            action="bench.trivial", object_type="bench", object_id=str(request.data.get("n", ""))
        )
        return Response({"id": event.pk}, status=201)


urlpatterns = [path("bench/trivial/", TrivialWrite.as_view()), *app_urlpatterns]
