"""Shared fixtures. Tests that need PostgreSQL/Redis/a worker, Chromium or Node.js skip with a
hint on a developer's machine that lacks them; under CI (CI=true) they never skip for that
reason (and fail if it is missing)."""

import os
import shutil

import pytest

from tests.factories import ProcessFactory, UserFactory

# ``demo_db``: the whole demo, seeded once per session for the tests that only need it there.
pytest_plugins = ["tests.demo_db"]

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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (moto's server mode) on 127.0.0.1 for this test session."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("moto server did not start (pip install 'moto[s3]' flask)")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_server, settings):
    """Django's default storage switched to a fresh bucket on the S3 server (django-storages,
    configured as ``DJANGO_FILE_STORAGE=s3`` does). Yields a boto3 client to look inside."""
    import uuid

    import boto3

    bucket = f"teilhabe-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    client.bucket = bucket
    return client
