#!/usr/bin/env python3
"""Production smoke test: start the production configuration by hand and walk it as users would.

No Docker engine is needed. It starts, on 127.0.0.1 and ports picked at random:

* an S3-compatible object store (moto's server mode) holding every file (DJANGO_FILE_STORAGE=s3),
* gunicorn with ``config.settings.production`` and ``config/gunicorn.py`` (``docker/web.sh``),
* one Celery worker per queue (``docker/worker.sh email|results|heavy|default``) and beat,

against the machine's PostgreSQL (its own database, ``teilhabe_smoke``) and Redis (its own
databases, 10-12), after ``migrate``, ``collectstatic`` (hashed names), ``check --deploy`` and
``seed_demo``. Then it walks: /healthz, a static file under its hashed name, a public survey
response counted by a worker, a staff login, an export built and downloaded, a monitoring file
imported and computed, and a worker killed in the middle of a rebuild (nothing is lost: the
reconcile job started by beat repairs it and the figures equal a full recount).

Every step prints its time; the last line is one JSON object. Exit 1 when a step fails.
Everything it started is stopped again, and only that.

Usage: scripts/smoke_production.py [--responses N] [--keep-logs]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
QUEUES = ("email", "results", "heavy", "default")


def _form_defaults(page: str, form_id: str) -> dict:
    """What a form sends when submitted as it is shown: its fields' values, checked boxes and
    selected options (the first option when none is selected)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside = False
            self.values: dict = {}
            self.select = None
            self.first_option = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.inside = a.get("id") == form_id
            if not self.inside:
                return
            name = a.get("name")
            if tag == "input" and name and name != "csrfmiddlewaretoken":
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio"):
                    if "checked" in a:
                        self.values[name] = a.get("value", "on")
                elif kind not in ("submit", "button", "file"):
                    self.values[name] = a.get("value", "")
            elif tag == "textarea" and name:
                self.values[name] = ""
            elif tag == "select" and name:
                self.select, self.first_option = name, None
            elif tag == "option" and self.select:
                if self.first_option is None:
                    self.first_option = a.get("value", "")
                if "selected" in a:
                    self.values[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "form":
                self.inside = False
            if tag == "select" and self.select:
                self.values.setdefault(self.select, self.first_option or "")
                self.select = None

    reader = Reader()
    reader.feed(page)
    return reader.values


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, check, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Smoke:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="teilhabe-smoke-"))
        self.logs = ROOT / "test-artifacts" / "smoke"
        shutil.rmtree(self.logs, ignore_errors=True)
        self.logs.mkdir(parents=True)
        self.port = free_port()
        self.s3_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.steps: list[dict] = []
        self.database = args.database
        redis_db = args.redis_db
        self.redis_dbs = (redis_db, redis_db + 1, redis_db + 2)
        self.env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "S3_"))
            },
            "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_ENV_FILE": "",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
            "DJANGO_FILE_STORAGE": "s3",
            "S3_BUCKET": "teilhabe-smoke",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "S3_ACCESS_KEY_ID": "smoke",
            "S3_SECRET_ACCESS_KEY": "smoke",
            "S3_REGION": "us-east-1",
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_MEDIA_ROOT": str(self.tmp / "media"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DJANGO_LOG_FORMAT": "json",
            # gzip only: Brotli at its best setting takes minutes of CPU (the image keeps it)
            "DJANGO_STATIC_BROTLI": "false",
            "TEILHABE_BASE_URL": self.base,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "SURVEYS_RECONCILE_SECONDS": str(args.reconcile_seconds),
            "CELERY_BEAT_SCHEDULE_FILE": str(self.tmp / "celerybeat-schedule"),
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        }
        self.cookies: dict[str, str] = {}

    # --- processes --------------------------------------------------------------------------

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill it with its pool children
        )
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.procs):
            proc = self.procs[name]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name in list(self.procs):
            proc = self.procs.pop(name)
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        (self.logs / "manage.log").open("a").write(
            f"$ manage.py {' '.join(args)}\n{result.stdout}{result.stderr}\n"
        )
        if result.returncode != 0:
            raise SmokeFailure(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result.stdout + result.stderr

    # --- steps ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def step(self, name: str):
        started = time.monotonic()
        print(f"-> {name}", flush=True)
        entry = {"step": name}
        try:
            yield entry
        except Exception as exc:
            entry.update(seconds=round(time.monotonic() - started, 2), ok=False, error=str(exc))
            self.steps.append(entry)
            print(f"   FAILED after {entry['seconds']:.1f} s: {exc}", flush=True)
            raise
        entry.update(seconds=round(time.monotonic() - started, 2), ok=True)
        self.steps.append(entry)
        notes = {k: v for k, v in entry.items() if k not in ("step", "seconds", "ok")}
        extra = f"  {json.dumps(notes, ensure_ascii=False)}" if notes else ""
        print(f"   ok  {entry['seconds']:6.1f} s{extra}", flush=True)

    # --- HTTP as a browser behind the TLS proxy ---------------------------------------------

    def http(self, method: str, path: str, *, expect=(200,), anonymous=False, **kwargs):
        import requests

        headers = {
            "X-Forwarded-Proto": "https",  # as the TLS-terminating proxy sends it
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            **kwargs.pop("headers", {}),
        }
        response = requests.request(
            method,
            self.base + path,
            headers=headers,
            # sent by hand: they are Secure cookies and this is http
            cookies={} if anonymous else self.cookies,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        if not anonymous:
            self.cookies.update(response.cookies.get_dict())
        if response.status_code not in expect:
            raise SmokeFailure(
                f"{method} {path}: {response.status_code} (expected {expect}): "
                f"{response.text[:500]}"
            )
        return response

    def login(self, username: str, password: str) -> None:
        self.http("GET", "/accounts/login/")
        self.http(
            "POST",
            "/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            },
            expect=(302,),
        )
        if "sessionid" not in self.cookies:
            raise SmokeFailure("login did not set a session")

    def post_form(self, path: str, data: dict, files=None, expect=(302,)):
        return self.http(
            "POST",
            path,
            data={**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]},
            files=files,
            expect=expect,
        )

    # --- the walk -----------------------------------------------------------------------------

    def run(self) -> None:
        with self.step("PostgreSQL and Redis: own database and Redis databases") as s:
            self.prepare_services(s)
        with self.step("object store: moto S3 server and bucket") as s:
            self.start_object_store(s)
        with self.step("migrate (production settings)"):
            self.manage("migrate", "--noinput", "-v", "0")
        with self.step("collectstatic (hashed names, compressed)") as s:
            out = self.manage("collectstatic", "--noinput")
            s["files"] = int(re.search(r"(\d+) static files? copied", out).group(1))
        with self.step("check --deploy") as s:
            out = self.manage("check", "--deploy")
            s["warnings"] = len(re.findall(r"\(security\.W\d+\)", out))
        with self.step("seed_demo"):
            self.manage("seed_demo")
        self.setup_django()
        with self.step("start gunicorn, one worker per queue, beat") as s:
            self.start_processes(s)
        with self.step("/healthz answers 200 (database and broker)") as s:
            body = self.http("GET", "/healthz").json()
            if body["status"] != "ok":
                raise SmokeFailure(f"/healthz: {body}")
            s["checks"] = body["checks"]
        with self.step("static file served under its hashed name") as s:
            self.static_file(s)
        with self.step("public survey response submitted and counted by a worker") as s:
            self.public_response(s)
        with self.step("staff login"):
            self.login("staff", "teilhabe-demo")
        with self.step("export built by a worker, stored in S3, downloaded") as s:
            self.export(s)
        with self.step("monitoring file imported and computed") as s:
            self.monitoring_import(s)
        with self.step("worker killed in the middle of a rebuild: nothing lost") as s:
            self.kill_during_rebuild(s)

    def prepare_services(self, s: dict) -> None:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode:
            raise SmokeFailure("PostgreSQL is not running on 127.0.0.1:5432")
        psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", "postgres", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {self.database}"], check=True)
        for db in self.redis_dbs:
            subprocess.run(
                ["redis-cli", "-h", "127.0.0.1", "-n", str(db), "FLUSHDB"],
                check=True,
                capture_output=True,
            )
        s["database"] = self.database
        s["redis"] = list(self.redis_dbs)

    def start_object_store(self, s: dict) -> None:
        import boto3

        self.start("s3", [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)])
        client = boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="smoke",
            aws_secret_access_key="smoke",
        )

        def bucket():
            try:
                client.create_bucket(Bucket=self.env["S3_BUCKET"])
                return True
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        wait_for("the S3 server", bucket, 30)
        self.s3 = client
        s["endpoint"] = self.env["S3_ENDPOINT_URL"]

    def setup_django(self) -> None:
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def start_processes(self, s: dict) -> None:
        from config.celery import app

        self.start("web", ["docker/web.sh"])
        for queue in QUEUES:
            self.start(f"worker-{queue}", ["docker/worker.sh", queue])
        self.start("beat", ["docker/beat.sh"])

        def web_up():
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise SmokeFailure(f"{name} exited, see {self.logs / name}.log")
            try:
                return self.http("GET", "/healthz", expect=(200, 503)).status_code == 200
            except Exception:  # noqa: BLE001 - not listening yet
                return False

        wait_for("gunicorn", web_up, 60)

        def workers_up():
            replies = app.control.ping(timeout=1.0)
            names = {name.split("@")[0] for reply in replies for name in reply}
            return set(QUEUES) <= names

        wait_for("a worker on every queue", workers_up, 90, interval=0.5)
        s["port"] = self.port
        s["processes"] = sorted(self.procs)

    def static_file(self, s: dict) -> None:
        from django.conf import settings

        from surveys.models import Survey

        manifest = json.loads((Path(settings.STATIC_ROOT) / "staticfiles.json").read_text())
        hashed = manifest["paths"]
        survey = Survey.objects.filter(access_mode="public", status="open").order_by("pk").first()
        self.public_survey = survey
        page = self.http("GET", f"/surveys/s/{survey.public_id}/", expect=(200, 302))
        if page.status_code == 302:
            page = self.http("GET", page.headers["Location"].replace(self.base, ""))
        css = f"/static/{hashed['surveys/css/respond.css']}"
        if f'href="{css}"' not in page.text:
            raise SmokeFailure(f"the survey page does not link {css}")
        script = f"/static/{hashed['surveys/js/expressions.js']}"
        if not re.fullmatch(r"/static/surveys/js/expressions\.[0-9a-f]{12}\.js", script):
            raise SmokeFailure(f"expressions.js has no hashed name: {script}")
        for path in (css, script):
            served = self.http("GET", path, headers={"Accept-Encoding": "gzip"})
            cache = served.headers.get("Cache-Control", "")
            if "immutable" not in cache and "max-age=315360000" not in cache:
                raise SmokeFailure(f"{path} without a long cache lifetime: {cache!r}")
        s["files"] = [css, script]
        s["cache_control"] = cache
        s["encoding"] = served.headers.get("Content-Encoding", "none")

    def _answers(self, survey) -> dict:
        from surveys.demo import _random_answer
        from surveys.services.responses import validate_answers
        from surveys.structure import get as get_structure

        structure = get_structure(survey.current_version)
        rng = random.Random()
        for _ in range(200):
            answers = {
                code: _random_answer(rng, q)
                for code, q in structure.questions.items()
                if q.type != "display"
            }
            answers = json.loads(json.dumps(answers, default=str))
            _cleaned, errors, _state = validate_answers(structure, answers, language="de")
            if not errors:
                return answers
        raise SmokeFailure(f"no valid answers generated for survey {survey.pk}")

    def submit(self, survey) -> uuid.UUID:
        client_id = uuid.uuid4()
        self.http(
            "POST",
            "/api/v1/survey-responses/",
            json={
                "survey": survey.public_id,
                "client_id": str(client_id),
                "language": "de",
                "answers": self._answers(survey),
            },
            expect=(200, 201),
            anonymous=True,  # a resident without an account
        )
        return client_id

    def counted(self, client_ids) -> bool:
        from surveys.results.models import ResultResponse

        return ResultResponse.objects.filter(response__client_id__in=client_ids).count() == len(
            client_ids
        )

    def public_response(self, s: dict) -> None:
        survey = self.public_survey
        self.http("GET", f"/api/v1/public-surveys/{survey.public_id}/")
        submitted = time.monotonic()
        client_id = self.submit(survey)
        wait_for("the results worker to count the response", lambda: self.counted([client_id]), 60)
        s["survey"] = survey.pk
        s["counted_after_s"] = round(time.monotonic() - submitted, 2)

    def export(self, s: dict) -> None:
        from surveys.models import Response
        from surveys.results.models import ExportJob

        survey = self.public_survey
        created = self.post_form(f"/surveys/{survey.pk}/results/exports/", {"format": "csv"})
        job_id = int(re.search(r"/exports/(\d+)/", created.headers["Location"]).group(1))
        started = time.monotonic()

        def done():
            job = ExportJob.objects.get(pk=job_id)
            if job.status == ExportJob.Status.FAILED:
                raise SmokeFailure(f"export failed: {job.error}")
            return job if job.status == ExportJob.Status.DONE else None

        job = wait_for("the export", done, 120)
        s["built_after_s"] = round(time.monotonic() - started, 2)
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket="teilhabe-smoke")["Contents"]]
        if job.file.name not in keys:
            raise SmokeFailure(f"{job.file.name} is not in the bucket")
        download = self.http("GET", f"/surveys/{survey.pk}/results/exports/{job_id}/download/")
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
        expected = Response.objects.filter(survey=survey, status="complete", is_test=False).count()
        if len(rows) - 1 != expected:
            raise SmokeFailure(f"export has {len(rows) - 1} rows, expected {expected}")
        s["rows"] = expected
        s["bytes"] = len(download.content)
        s["object"] = job.file.name

    def monitoring_import(self, s: dict) -> None:
        from monitoring.models import ImportRun, IndicatorValue, Value
        from participation.models import Process

        process = Process.objects.filter(monitoring_imports__isnull=False).distinct().first()
        last = Value.objects.filter(territory__key="05754").order_by("-period__year").first()
        year = last.period.year + 1
        rows = ["Jahr;AGS;Gebiet;Reihe;Wert"]
        for value in Value.objects.filter(
            territory__key="05754",
            period__year=last.period.year,
            target_group__isnull=True,
            dimensions={},
            sex="",
            age_group="",
        ).select_related("series"):
            if value.value is not None:
                rows.append(f"{year};05754;;{value.series.code};{value.value * 1.02:.3f}")
        data = ("\n".join(rows) + "\n").encode("utf-8")
        before = ImportRun.objects.count()
        uploaded = self.post_form(
            f"/monitoring/{process.pk}/imports/",
            {"format": "official"},
            files={"file": (f"kreis-{year}.csv", data, "text/csv")},
        )
        # Nothing is written before the check page: read it and confirm what it proposes, as
        # a user who agrees with it would.
        check = uploaded.headers["Location"]
        page = self.http("GET", check).text
        self.post_form(check, _form_defaults(page, "import-check"), expect=(302,))
        run = ImportRun.objects.order_by("-pk").first()
        if ImportRun.objects.count() != before + 1 or run.status != "applied":
            raise SmokeFailure(f"import not applied: {run and run.status} {run and run.rejected}")
        started = time.monotonic()
        wait_for(
            "the indicators to be computed",
            lambda: ImportRun.objects.filter(pk=run.pk, computed_at__isnull=False).exists(),
            120,
        )
        computed = IndicatorValue.objects.filter(year=year, territory__key="05754").count()
        if not computed:
            raise SmokeFailure(f"no indicator value computed for {year}")
        s["values_imported"] = run.created + run.updated
        s["indicator_values"] = computed
        s["computed_after_s"] = round(time.monotonic() - started, 2)

    def kill_during_rebuild(self, s: dict) -> None:
        from django.db import connection

        from participation.models import Process
        from surveys.results import aggregation
        from surveys.results.models import ResultState
        from surveys.services import definition as defs

        bench = _benchmark_module()
        process = Process.objects.order_by("pk").first()
        survey = defs.survey_create_from_definition(
            user=None, process=process, definition=bench.definition(), status="open"
        )
        version_id = survey.current_version_id
        # Responses whose incremental updates were lost (bulk-inserted, never counted): the
        # version is out of step, so beat's reconcile job queues a rebuild on the heavy queue.
        from django.db import transaction

        generating = time.monotonic()
        with transaction.atomic():  # all at once: the reconcile job never sees half of them
            bench.Generator(survey).add(self.args.responses)
        s["generated_s"] = round(time.monotonic() - generating, 2)
        s["responses"] = self.args.responses

        def rebuild_running():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                    "AND pid <> pg_backend_pid() AND query LIKE %s",
                    [self.database, f"%COPY (SELECT a.response_id%r.version_id = {version_id}%"],
                )
                return cursor.fetchone()

        started = time.monotonic()
        wait_for("beat's reconcile to start a rebuild", rebuild_running, 60, interval=0.02)
        s["rebuild_started_after_s"] = round(time.monotonic() - started, 2)
        self.kill("worker-heavy")  # SIGKILL to the worker and its pool process, mid-count
        from django.utils import timezone

        killed_at = timezone.now()
        s["killed_while_counting"] = version_id in aggregation.versions_out_of_step()
        if not s["killed_while_counting"]:
            raise SmokeFailure(
                "the rebuild finished before the worker was killed: use more --responses"
            )
        # Responses keep arriving while the heavy worker is gone: the results worker counts
        # them at once (the dead rebuild holds no lock).
        during = [self.submit(survey) for _ in range(3)]
        arrived = time.monotonic()
        wait_for("the responses sent after the kill", lambda: self.counted(during), 30)
        s["counted_meanwhile_s"] = round(time.monotonic() - arrived, 2)
        self.start("worker-heavy", ["docker/worker.sh", "heavy"])
        killed = time.monotonic()

        def repaired():
            return (
                version_id not in aggregation.versions_out_of_step()
                and (
                    ResultState.objects.filter(version_id=version_id, rebuilt_at__gt=killed_at)
                ).exists()
            )

        wait_for("reconcile to repair the results", repaired, 180, interval=0.5)
        s["repaired_after_s"] = round(time.monotonic() - killed, 2)
        stored = _stored_cells(version_id)
        from surveys.models import SurveyVersion

        version = SurveyVersion.objects.get(pk=version_id)
        fresh = aggregation.rebuild_frame(
            version, response_ids=aggregation._complete_ids(version_id)
        )
        expected = Counter()
        for row in fresh.itertuples(index=False):
            key = (row.question, row.breakdown, row.group, row.metric, row.row, row.key)
            expected[key] += int(row.count)
        if stored != +expected:
            diff = set(stored.items()) ^ set((+expected).items())
            raise SmokeFailure(f"stored figures differ from a full recount: {sorted(diff)[:5]}")
        s["cells"] = len(stored)
        s["counted"] = self.args.responses + len(during)


def _stored_cells(version_id: int) -> Counter:
    from surveys.results import aggregation
    from surveys.results.models import ResultCell

    totals = Counter()
    for *key, count in (
        ResultCell.objects.filter(version_id=version_id)
        .exclude(question="", metric__in=aggregation.FUNNEL_METRICS)
        .values_list("question", "breakdown", "group", "metric", "row", "key", "count")
    ):
        totals[tuple(key)] += count
    return +totals


def _benchmark_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "survey_aggregation_bench", ROOT / "benchmarks" / "survey_aggregation.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10000)
    parser.add_argument("--database", default="teilhabe_smoke")
    parser.add_argument("--redis-db", type=int, default=10)
    parser.add_argument("--reconcile-seconds", type=int, default=15)
    args = parser.parse_args()
    smoke = Smoke(args)
    started = time.monotonic()
    ok = True
    try:
        smoke.run()
    except Exception as exc:  # noqa: BLE001 - reported, then everything is stopped
        ok = False
        if not isinstance(exc, SmokeFailure):
            import traceback

            traceback.print_exc()
        print(f"smoke test FAILED: {exc} (logs in {smoke.logs})", flush=True)
    finally:
        smoke.stop_all()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        shutil.rmtree(smoke.tmp, ignore_errors=True)
    total = round(time.monotonic() - started, 1)
    print(f"\n{'step':<62} {'seconds':>8}")
    for entry in smoke.steps:
        mark = "ok" if entry["ok"] else "FAILED"
        print(f"{entry['step']:<62} {entry['seconds']:>8.1f}  {mark}")
    print(f"{'total':<62} {total:>8.1f}")
    print(
        json.dumps(
            {
                "smoke": "ok" if ok else "failed",
                "total_seconds": total,
                "steps": {e["step"]: e["seconds"] for e in smoke.steps},
            },
            ensure_ascii=False,
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
