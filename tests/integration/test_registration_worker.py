import time

import pytest
from django.core.cache import cache
from django.db import transaction

from core import ratelimit
from participation.conference import services
from participation.models import Registration
from tests.participation.factories import ConferenceFactory

pytestmark = pytest.mark.integration


def test_registration_confirmation_runs_in_the_real_worker(celery_worker_process):
    """The confirmation email is queued on commit and sent once by the worker."""
    conference = ConferenceFactory(capacity=1)
    with transaction.atomic():
        result = services.registration_create(
            conference=conference, name="Ada", email="ada@example.org", consent=True
        )
    registration = result.registration
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        registration.refresh_from_db()
        if registration.confirmation_sent_at:
            break
        time.sleep(0.2)
    assert registration.confirmation_sent_at is not None
    from participation.tasks import send_registration_confirmation

    assert send_registration_confirmation.delay(registration.pk).get(timeout=60) is False
    log = celery_worker_process["log"].read_text()
    assert "participation.send_registration_confirmation" in log
    assert Registration.objects.count() == 1


def test_rate_limit_counts_in_the_shared_cache(client, settings, transactional_db):
    """With REDIS_URL set the per-IP counter lives in Redis, shared by every web process."""
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    cache.clear()
    settings.TEILHABE_REGISTRATION_RATE_LIMIT = 1
    conference = ConferenceFactory()
    url = f"/register/{conference.pk}/"
    first = client.post(url, {"name": "A", "email": "a@example.org", "consent": "on"})
    second = client.post(url, {"name": "B", "email": "b@example.org", "consent": "on"})
    assert (first.status_code, second.status_code) == (302, 429)
    assert ratelimit.hits("registration", "127.0.0.1", 3600) == 2
    cache.clear()
