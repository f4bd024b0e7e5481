"""The check step of an upload: nothing written before staff saw what will be written, a file
without a territory asks for one, indicators named, typed and directed as confirmed, the report
and the indicator page agree, the dry-run choice survives, messages in the reader's language."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.models import Area, ImportRun, Indicator, Value
from tests.monitoring.conftest import SAMPLES, initial_post, official

SAMPLE = Path(SAMPLES)
TOTAL = "Arbeitslosenquote Insgesamt (alle Erwerbspersonen)"
FOREIGN = "Arbeitslosenquote von Ausländerinnen und Ausländern (alle Erwerbspersonen)"


@pytest.fixture
def lower_saxony_process(lower_saxony):
    from tests.factories import ProcessFactory

    return ProcessFactory(territory_key="03", territory="Niedersachsen")


@pytest.fixture
def staff_client(client, lower_saxony_process):
    from participation.models import ProcessMembership
    from tests.factories import UserFactory

    user = UserFactory()
    ProcessMembership.objects.create(process=lower_saxony_process, user=user, role="staff")
    client.force_login(user)
    return client


def _upload(client, process, *, dry_run=False, metadata=True):
    data = {
        "file": SimpleUploadedFile(
            "indicator_5-3-2.csv", (SAMPLE / "indicator_5-3-2.csv").read_bytes()
        ),
        "format": "auto",
    }
    if metadata:
        data["metadata"] = SimpleUploadedFile(
            "meta_5-3-2.md", (SAMPLE / "meta_5-3-2.md").read_bytes()
        )
    if dry_run:
        data["dry_run"] = "on"
    response = client.post(reverse("monitoring:imports", args=[process.pk]), data)
    assert response.status_code == 302 and "/check/" in response["Location"], response
    return response["Location"]


def _post_for(form, **choices) -> dict:
    """The check form as a browser would send it, with the 5-3-2 file's columns mapped."""
    post = initial_post(form)
    for column, role, values in form.column_fields():
        if column == "Geschlecht":  # holds age groups too, so it is not guessed as sex
            post[role.name] = "sex"
        if column == "Kategorie":
            post[role.name] = "target_group"
            for field in values:
                label = field.label
                post[field.name] = (
                    "__total__" if label == TOTAL else "immigrants" if label == FOREIGN else ""
                )
    post.update(choices)
    return {k: v for k, v in post.items() if v is not None}


def test_file_without_territory_shows_what_it_writes_and_asks(staff_client, lower_saxony_process):
    url = _upload(staff_client, lower_saxony_process)
    page = staff_client.get(url)
    text = page.content.decode()
    check = page.context["check"]
    # nothing written yet; the page says what the file holds and what it does not say
    assert not Value.objects.exists() and not ImportRun.objects.exists()
    assert check.needs_territory and check.rows_without_territory == 227
    assert check.years == (2007, 2025) and "Juni 2007" in check.periods
    (proposal,) = check.proposals
    assert proposal.name == "Arbeitslosenquote"  # from the file, not a translation key
    assert proposal.kind == Indicator.Kind.RATE and proposal.unit == "%"
    assert proposal.decimals == 1
    assert "global_indicators" not in text
    assert "Zeilen nennen kein Gebiet" in text
    form = page.context["form"]
    assert form.fields["territory"].required
    # the process's territory is not taken silently: without a choice the form refuses
    refused = staff_client.post(url, _post_for(form, territory="", ind_0_direction="-1"))
    assert refused.status_code == 400 and not Value.objects.exists()
    # a direction is never guessed either
    refused = staff_client.post(
        url, _post_for(form, territory=lower_saxony_process_territory().pk, ind_0_direction="")
    )
    assert refused.status_code == 400 and not Value.objects.exists()


def lower_saxony_process_territory():
    from monitoring.models import Territory

    return Territory.objects.get(key="03")


def test_confirmed_import_and_the_indicator_page_agree(
    staff_client, lower_saxony_process, django_capture_on_commit_callbacks
):
    url = _upload(staff_client, lower_saxony_process)
    form = staff_client.get(url).context["form"]
    work = Area.objects.get(code="work")
    post = _post_for(
        form,
        territory=lower_saxony_process_territory().pk,
        ind_0_area=work.pk,
        ind_0_direction="-1",
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, post)
    assert done.status_code == 302, done.context["form"].errors if done.context else done
    run = ImportRun.objects.get()
    assert run.status == "applied" and run.created == 227
    indicator = Indicator.objects.get(code="5.3.2")
    assert indicator.name == "Arbeitslosenquote" and indicator.area == work
    assert indicator.kind == Indicator.Kind.RATE and indicator.direction == -1
    assert indicator.unit == "%" and not indicator.numerator.additive
    assert set(Value.objects.values_list("territory__key", flat=True)) == {"03"}
    report = staff_client.get(done["Location"]).content.decode()
    assert "5.3.2 Arbeitslosenquote" in report and "2007–2025" in report
    page = staff_client.get(
        reverse("monitoring:indicator", args=[lower_saxony_process.pk, "5.3.2"])
    )
    text = page.content.decode()
    assert "Noch keine Werte" not in text
    table = dict((line.label, cells) for line, cells in page.context["table"])
    totals = Value.objects.filter(cell="tg=|sex=|age=")
    first = totals.order_by("period__year", "period__reference_date").first()
    assert first.period.year == 2007
    assert table["Alle"][0] == f"{first.value:.1f}".replace(".", ",")
    assert f"{first.value:.1f}".replace(".", ",") in text
    foreign = Value.objects.filter(target_group__code="immigrants", cell__endswith="|sex=|age=")
    # the file has one year more for foreign nationals than for all
    assert foreign.count() == totals.count() + 1 and len(table) == 2


def test_dry_run_survives_the_check_step(
    staff_client, lower_saxony_process, django_capture_on_commit_callbacks
):
    url = _upload(staff_client, lower_saxony_process, dry_run=True)
    form = staff_client.get(url).context["form"]
    assert form["dry_run"].value()
    post = _post_for(
        form,
        territory=lower_saxony_process_territory().pk,
        ind_0_area=Area.objects.get(code="work").pk,
        ind_0_direction="context",
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, post)
    assert done.status_code == 302
    assert not Value.objects.exists() and not Indicator.objects.filter(code="5.3.2").exists()
    assert ImportRun.objects.get().status == "dry_run"
    # the report leads back to the same file, to import it for real
    report = staff_client.get(done["Location"]).content.decode()
    assert url in report


def test_count_for_a_percent_unit_is_refused(staff_client, lower_saxony_process):
    url = _upload(staff_client, lower_saxony_process)
    form = staff_client.get(url).context["form"]
    post = _post_for(
        form,
        territory=lower_saxony_process_territory().pk,
        ind_0_area=Area.objects.get(code="work").pk,
        ind_0_direction="-1",
        ind_0_kind="count",
    )
    refused = staff_client.post(url, post)
    assert refused.status_code == 400 and "Anteil, keine Anzahl" in refused.content.decode()


def test_messages_are_in_the_readers_language(staff_client, lower_saxony_process):
    data = official(
        ["2023;03101;;arbeitslose;5", "2023;0999;;arbeitslose;1"], "Jahr;AGS;Gebiet;Reihe;Wert"
    )
    response = staff_client.post(
        reverse("monitoring:imports", args=[lower_saxony_process.pk]),
        {"file": SimpleUploadedFile("t.csv", data), "format": "official"},
    )
    check_page = staff_client.get(response["Location"])
    assert "0999" in check_page.content.decode()
    assert "nicht im Gebietsverzeichnis" in check_page.content.decode()
    done = staff_client.post(response["Location"], _post_for(check_page.context["form"]))
    run = ImportRun.objects.get()
    assert run.status == "rejected"
    german = staff_client.get(done["Location"]).content.decode()
    assert "unbekannter Gebietsschlüssel" in german and "unknown territory key" not in german
    english = staff_client.get(done["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    staff_client.cookies["django_language"] = "en"
    english = staff_client.get(done["Location"]).content.decode()
    assert "unknown territory key" in english


def test_check_page_is_refused_to_other_processes(
    client, staff_client, lower_saxony_process, mprocess, member
):
    url = _upload(staff_client, lower_saxony_process)
    other = member("staff")
    client.force_login(other)
    assert client.get(url).status_code in (403, 404)
    foreign = url.replace(f"/{lower_saxony_process.pk}/", f"/{mprocess.pk}/")
    assert client.get(foreign).status_code == 404


def test_update_the_check_with_a_changed_mapping_writes_nothing(staff_client, lower_saxony_process):
    url = _upload(staff_client, lower_saxony_process)
    page = staff_client.get(url)
    before = page.context["check"].rows_with_breakdown
    assert before == 227  # Geschlecht and Kategorie are kept as breakdowns at first
    post = _post_for(page.context["form"], action="preview")
    again = staff_client.post(url, post)
    assert again.status_code == 200 and not Value.objects.exists()
    assert not ImportRun.objects.exists()
    after = again.context["check"].rows_with_breakdown
    assert 0 < after < before  # the 25-year-olds stay a breakdown, the rest is drawn
    # the choices made so far stay on the page
    form = again.context["form"]
    roles = {column: role.value() for column, role, _values in form.column_fields()}
    assert roles["Geschlecht"] == "sex" and roles["Kategorie"] == "target_group"
