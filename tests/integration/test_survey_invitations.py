import time

import pytest

from surveys.models import Invitation
from surveys.services import definition as defs
from surveys.services import invitations as inv
from tests.surveys.conftest import all_types_definition

pytestmark = pytest.mark.integration


def test_invitations_are_sent_by_the_real_worker(celery_worker_process, process):
    survey = defs.survey_create_from_definition(
        user=None,
        process=process,
        definition=all_types_definition(access_mode="invitation", anonymised=False),
        status="open",
    )
    inv.invitations_import(
        survey=survey,
        user=None,
        rows=[{"email": f"p{i}@example.org"} for i in range(3)],
    )
    assert inv.invitations_send(survey=survey, user=None) == 3
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Invitation.objects.filter(survey=survey, sent_at__isnull=False).count() == 3:
            break
        time.sleep(0.5)
    assert Invitation.objects.filter(survey=survey, sent_at__isnull=False).count() == 3
    assert "surveys.send_invitation" in celery_worker_process["log"].read_text()
    # Queuing again sends nothing twice.
    assert inv.invitations_send(survey=survey, user=None) == 0
