"""One permission check: the same refusal, with its reason, on pages and in the API."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from config.api import exception_handler
from core.permissions import require_perm


def test_refuses_with_the_given_reason():
    with pytest.raises(PermissionDenied, match="Only staff"):
        require_perm(AnonymousUser(), "participation.change_process", message="Only staff")
    with pytest.raises(PermissionDenied) as refused:
        require_perm(AnonymousUser(), "participation.change_process")
    assert str(refused.value) == _("You do not have permission to do this.")


def test_api_answers_the_same_refusal_with_its_reason():
    response = exception_handler(PermissionDenied("Only staff"), {})
    assert response.status_code == 403
    assert response.data["detail"] == "Only staff"
    generic = exception_handler(PermissionDenied(), {})
    assert generic.data["detail"] == str(ApiPermissionDenied.default_detail)
