"""Invitee lists: size and unpacked-size limits before anything is read."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.models import Invitation


@pytest.mark.django_db
def test_invitee_list_bomb_is_refused(client, staff_user, make_survey):
    survey = make_survey(access_mode="invitation", anonymised=False)
    client.force_login(staff_user)
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    response = client.post(
        reverse("surveys:invitation_import", args=[survey.pk]),
        {"file": SimpleUploadedFile("invitees.xlsx", xlsx.getvalue())},
    )
    assert "invitees.xlsx" in response.content.decode()
    assert not Invitation.objects.exists()


