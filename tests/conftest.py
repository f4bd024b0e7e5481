"""Shared fixtures. Tests that need PostgreSQL/Redis/a worker, Chromium or Node.js skip with a
hint on a developer's machine that lacks them; under CI (CI=true) they never skip for that
reason (and fail if it is missing)."""

import os
import shutil

import pytest

from tests.factories import ProcessFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
HAS_SERVICES = bool(
    os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _has_browser() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))


def pytest_collection_modifyitems(config, items):
    if IN_CI:
        return
    skip_services = pytest.mark.skip(
        reason="needs PostgreSQL, Redis and a Celery worker: set DATABASE_URL=postgres://... "
        "and REDIS_URL=redis://... (see README, 'Tests')"
    )
    skip_browser = pytest.mark.skip(
        reason=f"needs Chromium at {CHROMIUM}: apt-get install -y chromium (see README, 'Tests')"
    )
    skip_node = pytest.mark.skip(
        reason="needs Node.js to run the JavaScript port: apt-get install -y nodejs "
        "(see README, 'Tests')"
    )
    has_browser = _has_browser()
    has_node = bool(shutil.which("node"))
    for item in items:
        if "node" in item.keywords and not has_node:
            item.add_marker(skip_node)
        if "integration" in item.keywords and not HAS_SERVICES:
            item.add_marker(skip_services)
        if "e2e" in item.keywords and not has_browser:
            item.add_marker(skip_browser)


@pytest.fixture
def process(db):
    return ProcessFactory()


@pytest.fixture
def make_member(db):
    from participation.models import ProcessMembership

    def make(process, role, **kwargs):
        user = UserFactory(**kwargs)
        ProcessMembership.objects.create(process=process, user=user, role=role)
        return user

    return make


@pytest.fixture
def staff_user(process, make_member):
    return make_member(process, "staff")


@pytest.fixture
def facilitator_user(process, make_member):
    return make_member(process, "facilitator")


@pytest.fixture
def expert_user(process, make_member):
    return make_member(process, "expert")


@pytest.fixture
def outsider(db):
    """Signed in, but no role in the process."""
    return UserFactory()


@pytest.fixture
def platform_staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in another language leaves
    that language active in the thread, which would make later tests depend on the order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
