"""A crawl over the demo at 360 px in every role: no page may scroll sideways and none may have
an accessibility violation (axe). The staff pages are walked once more at 1280 px: no page may
scroll sideways and no table may be wider than its box (cut off, or hidden behind a scroll bar
that a desktop does not need); axe is not run again there, it has seen the same markup at 360 px.
Screenshots of every page land in test-artifacts/crawl/.

Each role starts from its home (and the public pages for anonymous visitors) and follows the
links it is shown, breadth first, up to ``CRAWL_MAX_PAGES`` pages per role (default 70), so the
run stays bounded; downloads, the admin, the API and sign-out are not followed.
"""

import os
import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

MAX_PAGES = int(os.environ.get("CRAWL_MAX_PAGES", "70"))
SKIP = re.compile(
    r"^/(admin|api|accounts/logout|i18n|static|media)/"
    r"|\.(csv|xlsx|pdf|docx|zip|json|png|jpg|svg|xml)(\?|$)"
    r"|/(export|download|file|logout)\b"
    r"|/documents/\d+/file"
    r"|[?&](format|page)=",
)
# Pages of one kind look alike: a few of each kind are enough (the path with its numbers
# replaced is the kind).
PER_KIND = 2
# What sticks out on the right (outside the scrolling regions), to name it in the failure.
WIDEST = """(w) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > w + 1
    && !e.closest('.table-scroll, [role=region], pre'))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase()
    + (e.className ? '.' + String(e.className).split(' ')[0] : ''))"""
# Tables wider than the box they sit in (their scrolling region, or else their parent).
CUT_OFF = """() => [...document.querySelectorAll('table')]
  .map(t => [t, t.closest('.table-scroll, [role=region]') || t.parentElement])
  .filter(([t, box]) => t.getBoundingClientRect().width > box.clientWidth + 1)
  .map(([t, box]) => (box.getAttribute('aria-label')
    || document.getElementById(box.getAttribute('aria-labelledby'))?.textContent
    || t.className || 'table')
    + ' ' + Math.round(t.getBoundingClientRect().width) + '>' + box.clientWidth)"""


def _kind(path: str) -> str:
    return "/".join("N" if re.search(r"\d", part) else part for part in path.split("/"))


def _same_origin_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        href, _fragment = urldefrag(href)
        parsed = urlparse(href)
        if f"{parsed.scheme}://{parsed.netloc}" != origin:
            continue
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if not SKIP.search(path):
            found.append(path)
    return found


def _crawl(
    page, live_server, role: str, starts: list[str], *, width: int = 360
) -> tuple[list[str], list[str]]:
    """At 360 px: sideways scrolling and axe. Wider: sideways scrolling and cut-off tables."""
    from axe_playwright_python.sync_playwright import Axe

    phone = width <= 360
    axe = Axe()
    origin = live_server.url
    shots = ARTIFACTS / "crawl"
    shots.mkdir(parents=True, exist_ok=True)
    label = role if phone else f"{role}-{width}"
    queue, seen, kinds = deque(starts), set(), {}
    problems, visited = [], []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        kind = _kind(path.split("?")[0])
        if kinds.get(kind, 0) >= PER_KIND:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        response = page.goto(origin + path)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        page.wait_for_load_state("load")
        visited.append(path)
        page.screenshot(
            path=str(
                shots
                / f"{label}-{len(visited):02d}-{kind.strip('/').replace('/', '_') or 'home'}.png"
            ),
            full_page=True,
        )
        page_width = page.evaluate("document.documentElement.scrollWidth")
        if page_width > width:
            wide = page.evaluate(WIDEST, width)
            problems.append(f"{label} {path}: {page_width}px wide ({', '.join(wide)})")
        if phone:
            results = axe.run(page)
            for violation in results.response["violations"]:
                targets = [", ".join(node["target"]) for node in violation["nodes"][:2]]
                problems.append(f"{label} {path}: axe {violation['id']} at {'; '.join(targets)}")
        else:
            for table in page.evaluate(CUT_OFF):
                problems.append(f"{label} {path}: table cut off: {table}")
        for link in _same_origin_links(page, origin):
            if link not in seen:
                queue.append(link)
    return visited, problems


def _public_starts() -> list[str]:
    from django.urls import reverse

    from participation.models import Conference
    from surveys.models import Survey

    starts = ["/accounts/login/"]
    for conference in Conference.objects.all()[:1]:
        starts.append(reverse("participation:conference_register", args=[conference.pk]))
    for survey in Survey.objects.filter(access_mode="public", status="open")[:1]:
        starts.append(reverse("surveys:respond_public", args=[survey.public_id]))
    from participation.models import Process

    for process in Process.objects.all()[:1]:
        starts.append(reverse("measures:public", args=[process.pk]))
    return starts


def _staff_starts() -> list[str]:
    """The door and the registrations are deep in the link tree: visited first."""
    from django.urls import reverse

    from participation.models import Conference

    conference = Conference.objects.first()
    return [
        reverse("participation:registration_list", args=[conference.pk]),
        reverse("participation:check_in", args=[conference.pk]),
    ]


@pytest.fixture
def full_demo(transactional_db):
    from django.core.management import call_command

    call_command("load_territories", verbosity=0)
    call_command("seed_demo", verbosity=0)


def test_every_page_fits_360px_and_1280px_and_has_no_axe_violation(browser, live_server, full_demo):
    """One demo for all roles (seeding it is the slow part); each role in its own browser."""
    from participation.demo import DEMO_PASSWORD

    problems, counts = [], {}
    for role in ("staff", "facilitator", "expert", "anonymous"):
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            device_scale_factor=1,
            is_mobile=True,
            has_touch=True,
            locale="de-DE",
        )
        page = context.new_page()
        if role == "anonymous":
            starts = _public_starts()
        else:
            login(page, live_server, role, DEMO_PASSWORD)
            starts = ["/"] + (_staff_starts() if role == "staff" else [])
        visited, found = _crawl(page, live_server, role, starts)
        context.close()
        counts[role] = len(visited)
        problems.extend(found)
    # The staff see the most tables (monitoring, measures, registrations, results): on a
    # desktop every one of them fits its box.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    login(page, live_server, "staff", DEMO_PASSWORD)
    visited, found = _crawl(page, live_server, "staff", ["/", *_staff_starts()], width=1280)
    context.close()
    counts["staff-1280"] = len(visited)
    problems.extend(found)
    assert counts["staff"] >= 20 and counts["facilitator"] >= 8, counts
    assert counts["expert"] >= 2 and counts["anonymous"] >= 3, counts
    assert counts["staff-1280"] >= 20, counts
    assert not problems, f"{counts}\n" + "\n".join(problems)
