"""The production configuration fails safe; queues, lock files and .env.example stay true."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 20 + "Zq8-3xP_vT5mW9rL2nB7cY4hJ6dF1gS0aE"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "teilhabe.example.org",
    "DATABASE_URL": "postgres://teilhabe@127.0.0.1:5432/teilhabe",
    "REDIS_URL": "redis://127.0.0.1:6379/4",
}


def run_python(code: str, **env_overrides) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with none of the settings variables of this test
    session (and no .env file), plus ``env_overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "S3_"))
    }
    env["DJANGO_ENV_FILE"] = ""
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "code",
    [
        "import config.wsgi",
        "import config.asgi",
        "from config.celery import app; app.loader.import_default_modules()",
    ],
)
def test_servers_and_workers_default_to_production_settings_and_refuse_without_secrets(code):
    result = run_python(code)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "missing, message",
    [
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"REDIS_URL": None}, "REDIS_URL is not set"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS is not set"),
        ({"DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me"}, "example value or too weak"),
        (
            {"DJANGO_SECRET_KEY": "change-me-to-a-long-random-string-of-50-characters-or-more"},
            "example value or too weak",
        ),
        ({"DJANGO_SECRET_KEY": "short-but-random-Zq8"}, "example value or too weak"),
        ({"DJANGO_FILE_STORAGE": "ftp"}, "DJANGO_FILE_STORAGE='ftp'"),
    ],
)
def test_production_settings_refuse_to_start(missing, message):
    env = {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    for key in missing:
        env.pop(key, None)
    env.update({k: v for k, v in missing.items() if v is not None})
    result = run_python("import django; django.setup()", **env)
    assert result.returncode != 0, result.stdout
    assert message in result.stderr


def test_production_settings_with_everything_set():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'files': s.STORAGES['default']"
        "['BACKEND'], 'broker': s.CELERY_BROKER_URL, 'results': s.CELERY_RESULT_BACKEND, "
        "'cache': s.CACHES['default']['LOCATION'], 'log': s.LOGGING['handlers']['console']"
        "['formatter'], 'admins': s.ADMINS, 'reject': s.CELERY_TASK_REJECT_ON_WORKER_LOST, "
        "'memory': s.CELERY_WORKER_MAX_MEMORY_PER_CHILD, 'ignore': s.CELERY_TASK_IGNORE_RESULT}))"
    )
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_ADMINS="Ops Team <ops@example.org>, b@example.org",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    import json

    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False and values["eager"] is False
    assert values["static"] == "config.storage.StaticFilesStorage"
    assert values["files"] == "django.core.files.storage.FileSystemStorage"
    # Broker, results and cache in three Redis databases: clearing the cache keeps the queue.
    assert values["broker"] == "redis://127.0.0.1:6379/4"
    assert values["results"] == "redis://127.0.0.1:6379/5"
    assert values["cache"] == "redis://127.0.0.1:6379/6"
    assert values["log"] == "json"
    assert values["admins"] == [["Ops Team", "ops@example.org"], ["b@example.org", "b@example.org"]]
    assert values["reject"] is False and values["memory"] > 0 and values["ignore"] is True


def test_s3_storage_from_the_environment():
    code = (
        "import django; django.setup(); from django.core.files.storage import default_storage "
        "as d; print(type(d._wrapped if d._wrapped.__class__.__name__ != 'object' else "
        "d._setup() or d._wrapped).__name__, d.bucket_name, d.endpoint_url, d.location)"
    )
    result = run_python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_FILE_STORAGE="s3",
        S3_BUCKET="teilhabe-files",
        S3_ENDPOINT_URL="https://s3.example.org",
        S3_PREFIX="kreis",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "teilhabe-files",
        "https://s3.example.org",
        "kreis",
    ]


def test_json_log_lines_carry_time_level_and_logger():
    import json
    import logging

    from config.logging import JsonFormatter

    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("surveys").makeRecord(
            "surveys", logging.ERROR, __file__, 1, "export %s failed", (7,), sys.exc_info()
        )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "surveys"
    assert line["message"] == "export 7 failed" and "ValueError: boom" in line["exception"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])


@pytest.mark.django_db
def test_errors_are_mailed_to_admins(settings, mailoutbox):
    import logging

    settings.ADMINS = [("Ops", "ops@example.org")]
    logging.getLogger("surveys.results").error("the export worker died")
    assert [m.to for m in mailoutbox] == [["ops@example.org"]]
    assert "the export worker died" in mailoutbox[0].subject


# --- queues ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, queue",
    [
        ("surveys.send_invitation", "email"),
        ("participation.send_registration_confirmation", "email"),
        ("monitoring.send_data_request_reminders", "email"),
        ("workshops.send_reminder", "email"),  # a task added later: by its name
        ("measures.notify_owner", "email"),
        ("surveys.aggregate_response", "results"),
        ("surveys.drain_results", "results"),
        ("surveys.relay_results", "default"),
        ("surveys.refresh_funnel", "results"),
        ("surveys.rebuild_results", "heavy"),
        ("surveys.compact_results", "heavy"),
        ("surveys.build_export", "heavy"),
        ("monitoring.compute_indicators", "heavy"),
        ("measures.build_document", "heavy"),
        ("workshops.import_cards", "heavy"),
        ("surveys.reconcile_results", "default"),
        ("core.clear_sessions", "default"),
        ("surveys.delete_old_exports", "default"),
        ("anything.else_entirely", "default"),
    ],
)
def test_task_routing_by_name(name, queue):
    from config.celery import queue_for

    assert queue_for(name) == queue


def test_every_registered_task_lands_in_a_consumed_queue():
    from config.celery import QUEUES, app, route_task

    app.loader.import_default_modules()
    names = [n for n in app.tasks if not n.startswith("celery.")]
    assert "surveys.build_export" in names and "core.clear_sessions" in names
    for name in names:
        assert route_task(name, (), {}, {})["queue"] in QUEUES


def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "core.clear_sessions",
        "surveys.delete_old_exports",
        "monitoring.delete_abandoned_uploads",
        "surveys.reconcile_results",
    } <= tasks


def test_compose_runs_a_worker_for_every_queue():
    import yaml

    from config.celery import QUEUES

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    consumed = set()
    for service in compose["services"].values():
        command = service.get("command") or []
        command = command if isinstance(command, list) else command.split()
        if "worker" in " ".join(command):
            consumed |= set(command[-1].split(","))
    assert set(QUEUES) <= consumed


# --- files that must stay true ------------------------------------------------------------


def _settings_read_by_the_code() -> set[str]:
    pattern = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""")
    environ = re.compile(r"""os\.environ(?:\.get)?\s*[\(\[]\s*["']([A-Z][A-Z0-9_]+)["']""")
    names = set()
    for folder in (
        "config",
        "core",
        "participation",
        "surveys",
        "workshops",
        "measures",
        "monitoring",
    ):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            names |= set(pattern.findall(text))
            names |= set(environ.findall(text))
    return names


def test_env_example_lists_every_setting_the_code_reads():
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    read = _settings_read_by_the_code()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "S3_BUCKET"} <= read
    missing = sorted(read - listed)
    assert not missing, f".env.example lacks {missing}"


def test_lock_files_pin_every_dependency_with_hashes():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        pins = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s\\]+)", text, flags=re.M)
        assert len(pins) > 50
        assert text.count("--hash=sha256:") >= len(pins)
        pinned = {p.lower().split("[")[0] for p, _v in pins}
        assert {"django", "celery", "django-storages", "boto3"} <= pinned
    dev = (ROOT / "requirements-dev.lock").read_text().lower()
    assert "pip-audit==" in dev and "moto==" in dev


def test_dockerfile_installs_from_the_lock_and_has_a_healthcheck():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in dockerfile
    assert "HEALTHCHECK" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "*.sqlite3", "media"):
        assert any(line.strip("/") == entry for line in ignored), entry


def test_audit_report_fails_on_a_known_vulnerability():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from audit_dependencies import summarise
    finally:
        sys.path.pop(0)
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.1",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"], "aliases": []}],
            },
            {"name": "celery", "version": "5.7.0", "vulns": []},
            {"name": "private-pkg", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    found, skipped, audited = summarise(report)
    assert found == ["django==5.2.1: PYSEC-2025-1 (fixed in: 5.2.2)"]
    assert skipped == ["private-pkg"] and audited == 2


@pytest.mark.django_db
def test_housekeeping_clears_expired_sessions():
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from core.tasks import clear_sessions

    Session.objects.create(
        session_key="old", session_data="x", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="new", session_data="x", expire_date=timezone.now() + timedelta(days=1)
    )
    clear_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new"]
