"""The session's demo (``demo_db``): seeded once, yet every test that asks for it finds it as
seeded, whatever an earlier test wrote or cached, and every other test finds an empty
database."""

from django.core.cache import cache

from participation.demo import PROCESS_TITLE
from participation.models import Process
from tests.factories import ProcessFactory
from workshops.models import Workshop

SEEDED_WORKSHOPS = 7


def _assert_pristine(process) -> None:
    assert process.title == PROCESS_TITLE
    assert Process.objects.count() == 1
    assert Workshop.objects.filter(process=process).count() == SEEDED_WORKSHOPS
    assert cache.get("demo-db-probe") is None


def test_a_test_may_change_the_demo(demo_db):
    _assert_pristine(demo_db)
    Workshop.objects.filter(process=demo_db).delete()
    Process.objects.filter(pk=demo_db.pk).update(title="Umbenannt")
    ProcessFactory()
    cache.set("demo-db-probe", 1)
    assert not Workshop.objects.exists() and Process.objects.count() == 2


def test_the_next_one_finds_it_as_seeded(demo_db):
    _assert_pristine(demo_db)


def test_a_test_without_it_finds_an_empty_database(db):
    assert not Process.objects.exists() and not Workshop.objects.exists()
    assert cache.get("demo-db-probe") is None
