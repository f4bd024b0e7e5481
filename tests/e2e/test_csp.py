"""Every page passes the Content-Security-Policy: a crawl as each role (and as a stranger on the
public pages) fails on any violation Chromium reports, and on any page without the header."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

PAGES_PER_ROLE = 30
# Links a crawl must not follow: leaving the session, files (no page to check), actions.
SKIP = (
    "/accounts/logout",
    "/i18n/",
    "/download",
    "/export",
    ".csv",
    ".xlsx",
    ".pdf",
    ".docx",
    ".svg",
    ".sav",
    "/api/v1/",
    "/api/schema/",
    "/delete",
    "/erase",
    "/cancel",
    "/opt-out",
    "/healthz",
)


@pytest.fixture
def full_demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)


def _public_pages() -> list[str]:
    from measures.models import ReportingLink
    from monitoring.models import DataRequest
    from participation.models import Conference, Process
    from surveys.models import Survey
    from surveys.results.models import ResultsPublication
    from workshops.models import Workshop

    process = Process.objects.order_by("pk").first()
    pages = ["/accounts/login/", "/workshops/join/", f"/measures/public/{process.pk}/"]
    for survey in Survey.objects.filter(status="open", access_mode="public"):
        pages.append(f"/surveys/s/{survey.public_id}/")
    for publication in ResultsPublication.objects.filter(public=True):
        pages.append(f"/surveys/public/{publication.survey.public_id}/results/")
    for conference in Conference.objects.all()[:1]:
        pages.append(f"/register/{conference.pk}/")
    for request in DataRequest.objects.filter(status="open")[:1]:
        pages.append(f"/monitoring/deliver/{request.token}/")
    for link in ReportingLink.objects.all()[:1]:
        pages.append(f"/measures/report/{link.token}/")
    for workshop in Workshop.objects.exclude(join_code="")[:1]:
        pages.append(f"/workshops/p/{workshop.join_code}/")
    return pages


def _script_pages() -> list[str]:
    """Staff pages that run the site's scripts (a crawl might not reach them in time)."""
    from django.urls import reverse

    from monitoring.models import IndicatorValue
    from participation.models import Conference, Interview
    from surveys.models import Survey
    from workshops.models import Workshop

    interview = Interview.objects.order_by("pk").first()
    conference = Conference.objects.order_by("pk").first()
    workshop = Workshop.objects.order_by("pk").first()
    survey = Survey.objects.exclude(current_version=None).order_by("pk").first()
    value = IndicatorValue.objects.select_related("indicator").order_by("pk").first()
    return [
        "/",
        reverse("participation:interview_detail", args=[interview.process_id, interview.pk]),
        reverse("participation:check_in", args=[conference.pk]),
        reverse("workshops:board", args=[workshop.pk]),
        reverse("workshops:check_in", args=[workshop.pk]),
        reverse("surveys:designer", args=[survey.pk]),
        reverse("surveys:preview", args=[survey.pk]),
        reverse("monitoring:indicator", args=[workshop.process_id, value.indicator.code]),
    ]


def _crawl(page, base: str, start: list[str], *, follow: bool) -> tuple[list[str], list[str]]:
    """Visit ``start`` (and, with ``follow``, the site's links from there) and return the
    visited paths and every CSP problem found."""
    problems: list[str] = []
    current = {"path": ""}

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            problems.append(f"{current['path']}: {message.text[:300]}")

    page.on("console", on_console)
    queue = deque(start)
    seen: set[str] = set()
    visited: list[str] = []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        current["path"] = path
        response = page.goto(base + path, wait_until="load")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path)
        policy = response.headers.get("content-security-policy", "")
        if (
            "script-src 'self'" not in policy
            or "unsafe-inline" in policy.split("script-src")[1].split(";")[0]
        ):
            problems.append(f"{path}: missing or weak policy {policy!r}")
        if not follow:
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.netloc != urlparse(base).netloc:
                continue
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if target not in seen and not any(s in target for s in SKIP):
                queue.append(target)
    page.remove_listener("console", on_console)
    return visited, problems


def test_pages_of_every_role_pass_the_content_security_policy(browser, live_server, full_demo):
    from django.contrib.auth import get_user_model

    from participation.demo import DEMO_PASSWORD

    get_user_model().objects.create_superuser("admin-csp", "admin@example.org", DEMO_PASSWORD)
    all_problems: list[str] = []
    visits: dict[str, int] = {}
    roles = [
        ("stranger", None, _public_pages(), False),
        ("staff", "staff", _script_pages(), True),
        ("facilitator", "facilitator", ["/"], True),
        ("expert", "expert", ["/"], True),
        ("admin", "admin-csp", ["/admin/", "/api/docs/"], True),
    ]
    for role, username, start, follow in roles:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
        page = context.new_page()
        if username:
            login(page, live_server, username, DEMO_PASSWORD)
        visited, problems = _crawl(page, live_server.url, start, follow=follow)
        visits[role] = len(visited)
        all_problems += [f"[{role}] {p}" for p in problems]
        if role == "admin":
            # Swagger UI starts from its own script file and renders the operations.
            page.goto(live_server.url + "/api/docs/")
            page.wait_for_selector(".opblock", timeout=20_000)
        context.close()
    assert not all_problems, "\n".join(all_problems)
    assert visits["stranger"] >= 6 and all(n >= 5 for n in visits.values()), visits
