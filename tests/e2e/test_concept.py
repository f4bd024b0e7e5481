"""The concept document in the browser: staff start the management summary, watch the
progress, download the PDF (its pages rendered to PNG); the published reader version on a
phone has no accessibility violations and no sideways scrolling."""

import subprocess
import threading
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def data(transactional_db, settings, tmp_path):
    from tests.measures.concept.helpers import build

    settings.MEDIA_ROOT = tmp_path / "media"
    return build()


@pytest.fixture
def worker(monkeypatch):
    """Run generation jobs in a background thread, as a Celery worker would, so the page
    shows the job waiting and running instead of finishing inside the request."""
    from measures.concept import services, tasks

    threads = []

    def delay_on_commit(job_id):
        def run():
            from django.db import connection

            try:
                services.job_run(job_id=job_id)
            finally:
                connection.close()

        thread = threading.Thread(target=run, daemon=True)
        threads.append(thread)
        from django.db import transaction

        transaction.on_commit(thread.start)

    monkeypatch.setattr(tasks.generate_concept, "delay_on_commit", delay_on_commit)
    yield threads
    for thread in threads:
        thread.join(timeout=120)


def test_staff_generates_the_summary_and_downloads_the_pdf(
    page, live_server, data, worker, screenshot
):
    data.staff.username = "konzept"
    data.staff.set_password("konzept-pw-123")
    data.staff.save()
    login(page, live_server, "konzept", "konzept-pw-123")
    page.goto(f"{live_server.url}/measures/{data.process.pk}/concept/")
    page.get_by_label("Managementfassung").check()
    page.get_by_role("button", name="Erstellen").click()
    page.wait_for_selector("progress#job-progress")
    screenshot(page, "concept-job-progress")
    seen = page.locator("#job-stage").inner_text()
    assert "%" in seen
    link = page.locator("#download-pdf")
    link.wait_for(timeout=120_000)
    assert page.locator("#job-status").inner_text() == "Fertig"
    screenshot(page, "concept-job-done")
    with page.expect_download() as info:
        link.click()
    download = info.value
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "concept-summary.pdf"
    download.save_as(str(pdf))
    assert pdf.read_bytes()[:5] == b"%PDF-"
    for old in ARTIFACTS.glob("concept-summary-page-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / "concept-summary-page")],
        check=True,
    )
    pages = sorted(ARTIFACTS.glob("concept-summary-page-*.png"))
    assert 2 <= len(pages) <= 12
    assert all(p.stat().st_size > 2000 for p in pages)


def test_published_reader_version_on_a_phone(
    phone_page, page, live_server, data, screenshot, django_capture_on_commit_callbacks
):
    from axe_playwright_python.sync_playwright import Axe

    from measures.concept import services

    job = services.concept_generate(
        concept=data.concept, user=data.staff, variant="full", publish=True
    )
    job.refresh_from_db()
    assert job.status == "done", job.error
    url = f"{live_server.url}/measures/concept/public/{data.process.pk}/{job.version_id}/"
    phone_page.goto(url)
    phone_page.wait_for_selector("h1.doc-title")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    results = Axe().run(phone_page)
    assert results.violations_count == 0, results.generate_report()
    screenshot(phone_page, "concept-reader-360")
    page.goto(url)
    page.wait_for_selector("h1.doc-title")
    screenshot(page, "concept-reader-1280")
    assert Path(ARTIFACTS / "concept-reader-360.png").exists()
