"""Cross-cutting checks: schema, health, settings, migrations, catalogues."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_openapi_schema_is_valid(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert "/api/v1/processes/" in schema["paths"]


@pytest.mark.django_db
def test_api_docs_served_without_cdn(client, django_user_model):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_broker_failure(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("fail")


@pytest.mark.django_db
def test_healthz_reports_database_failure(client, monkeypatch):
    from config import health

    monkeypatch.setattr(
        health, "_check_database", lambda: "OperationalError: password for db-user@10.0.0.5"
    )
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["database"] == "fail"
    # The exception text is for the log and signed-in platform staff, never for strangers.
    assert "10.0.0.5" not in response.content.decode()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/healthz")
    assert "10.0.0.5" in response.json()["checks"]["database"]


@pytest.mark.django_db
def test_no_missing_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_deploy_check():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-secret-key-for-the-check-9f8e7d6c5b4a",
        "DJANGO_ALLOWED_HOSTS": "teilhabe.example.org",
        # Production refuses to start without these; the check connects to neither.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://u@127.0.0.1:5432/x",
        "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_german_catalogues_are_complete():
    import polib

    for po_path in [
        *ROOT.glob("locale/de/LC_MESSAGES/django.po"),
        *ROOT.glob("*/locale/de/LC_MESSAGES/django.po"),
    ]:
        po = polib.pofile(str(po_path))
        untranslated = [e.msgid for e in po.untranslated_entries()] + [
            e.msgid for e in po.fuzzy_entries()
        ]
        assert not untranslated, f"{po_path}: {untranslated[:10]}"


@pytest.mark.django_db
def test_every_response_carries_the_content_security_policy(client):
    import re

    for path in ("/accounts/login/", "/api/docs/", "/healthz", "/no-such-page/"):
        policy = client.get(path)["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]*)", policy).group(1)
        assert script_src == "'self'", (path, policy)
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Swagger UI's start-up code comes from a script file, not an inline script.
    body = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
