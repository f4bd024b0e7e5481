import pytest
from django.db import transaction

from participation import services
from participation.models import ProcessMembership
from tests.factories import ProcessFactory, UserFactory

pytestmark = pytest.mark.integration


def test_task_round_trip_through_redis_and_worker(celery_worker_process):
    """A membership notice is queued on commit, runs in the real worker, and writes the DB."""
    process = ProcessFactory()
    staff = UserFactory()
    ProcessMembership.objects.create(process=process, user=staff, role="staff")
    member = UserFactory(email="neu@example.org")
    with transaction.atomic():
        membership = services.membership_set(
            process=process, user=staff, member=member, role="facilitator"
        )
    from participation.tasks import send_membership_notice

    # A direct call through the broker returns the worker's result via the Redis backend.
    result = send_membership_notice.delay(membership.pk)
    assert result.get(timeout=60) is False  # the on-commit run already sent it
    membership.refresh_from_db()
    assert membership.notified_at is not None
    assert "participation.send_membership_notice" in celery_worker_process["log"].read_text()
