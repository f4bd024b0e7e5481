"""The whole demo (``seed_demo``) loaded once per test session for the tests that ask for it.

A test that takes the ``demo_db`` fixture finds the demo in the test database without seeding
it: the demo is loaded once, inside a transaction that stays open, and every such test runs in
its own savepoint inside it (the ``db`` fixture's transaction), so that whatever a test writes
is rolled back and the next test sees the demo as seeded. The tests that ask for it run first,
one after the other; before the first test that does not ask for it, the outer transaction is
rolled back and the database is empty again, as every other test expects.

Tests that commit (``transactional_db``, ``live_server``, a real worker) cannot share an open
transaction and keep seeding their own demo; asking for ``demo_db`` there is refused.
"""

import shutil

import pytest
from pytest_django.fixtures import validate_django_db

FIXTURE = "demo_db"
COMMITTING = ("transactional_db", "live_server", "django_db_reset_sequences")


class SessionDemo:
    """The open transaction holding the demo on the default database connection."""

    def __init__(self, blocker, media_root):
        self.blocker = blocker
        # The files the demo writes; each test gets a copy of them as its MEDIA_ROOT.
        self.media_root = media_root
        self.atomic = None

    @property
    def loaded(self) -> bool:
        from django.db import connection

        return (
            self.atomic is not None
            and connection.in_atomic_block
            and bool(connection.atomic_blocks)
            and connection.atomic_blocks[0] is self.atomic
            and not connection.needs_rollback
        )

    def load(self) -> None:
        from django.core.management import call_command
        from django.db import connection, transaction
        from django.test import override_settings

        if self.loaded:
            return
        self.unload()
        shutil.rmtree(self.media_root, ignore_errors=True)
        self.media_root.mkdir(parents=True)
        with self.blocker.unblock(), override_settings(MEDIA_ROOT=self.media_root):
            self.atomic = transaction.atomic()
            # Not durable: a durable block inside a test is checked against the test's own
            # transaction, as Django's TestCase does.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            try:
                call_command("seed_demo", verbosity=0)
                # PostgreSQL checks the deferred foreign keys of every row queued in the
                # transaction at each test's end, where Django's TestCase asks for them; checked
                # here once, the demo's rows are not checked again in every test.
                connection.check_constraints()
            except BaseException:
                self.unload()
                raise

    def unload(self) -> None:
        from django.core.cache import cache
        from django.db import connection, transaction

        if self.atomic is None:
            return
        atomic, self.atomic = self.atomic, None
        with self.blocker.unblock():
            if connection.atomic_blocks and connection.atomic_blocks[0] is atomic:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
        # Cached entries may name rows that are gone now (and whose ids SQLite hands out again).
        cache.clear()


_session: SessionDemo | None = None


def _uses_demo(item) -> bool:
    return FIXTURE in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The demo's tests first and together (after pytest-django's ordering, which puts the
    tests in a rolled-back transaction before the committing ones): the demo is loaded once
    and rolled back once."""
    for item in items:
        if _uses_demo(item):
            committing = [name for name in COMMITTING if name in item.fixturenames]
            marker = item.get_closest_marker("django_db")
            if marker and any(validate_django_db(marker)[:2]):
                committing.append("django_db(transaction=True)")
            if committing:
                raise pytest.UsageError(
                    f"{item.nodeid}: {FIXTURE} lives in a transaction that is never committed; "
                    f"it cannot be combined with {', '.join(committing)}"
                )
    items[:] = [i for i in items if _uses_demo(i)] + [i for i in items if not _uses_demo(i)]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Whatever order the tests come in (one file, -k, another plugin's order), a test that
    # does not ask for the demo never sees it, and one that does always finds it whole.
    if _session is None:
        return
    if _uses_demo(item):
        _session.load()
    else:
        _session.unload()


@pytest.fixture(scope="session")
def _session_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    global _session
    _session = SessionDemo(django_db_blocker, tmp_path_factory.mktemp("demo") / "media")
    _session.load()
    yield _session
    _session.unload()
    _session = None


@pytest.fixture
def demo_db(_session_demo, db, settings, tmp_path):
    """The whole demo, seeded once per session; this test's writes to the database are rolled
    back, and it writes files into its own copy of the demo's files. Returns the demo
    process."""
    from django.core.cache import cache

    from participation.demo import PROCESS_TITLE
    from participation.models import Process

    assert _session_demo.loaded, "the session's demo transaction was closed during the test"
    # What seeding or an earlier test cached (rate-limit counters, progress) is not the demo's
    # data: each test starts with an empty cache, whichever ran before it.
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "demo-media"
    shutil.copytree(_session_demo.media_root, settings.MEDIA_ROOT)
    return Process.objects.get(title=PROCESS_TITLE)
