"""How the Statement pool scales: writing through the service, listing, exporting, coding, and
the service with its sources as the product calls it (an interview passage coded, a card
written on a conference table, a survey answer turned into a statement).

Usage: python benchmarks/statement_pool.py [--quick]

Runs against a throw-away test database (SQLite unless DATABASE_URL says otherwise). Prints
what it measures; the last line is one JSON object with absolute figures and ratios against a
baseline measured in the same run (a bare ``Statement.objects.create`` per row, and a bare
``values_list`` read of the same rows).
"""

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main(quick: bool) -> dict:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run(300 if quick else 3000)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from core.spreadsheets import csv_bytes, xlsx_bytes
    from participation import services
    from participation.interviews import selectors as interview_selectors
    from participation.interviews import services as interview_services
    from participation.models import (
        FieldOfAction,
        Interview,
        ProcessMembership,
        Statement,
        TargetGroup,
    )
    from participation.statements.selectors import statement_export_rows, statement_list

    user = get_user_model().objects.create_user("bench", password="bench-pw-123")
    process = services.process_create(
        user=get_user_model().objects.create_superuser("root", password="root-pw-123"),
        title="Benchmark",
        territory="Kreis",
        period_start="2025-01-01",
        period_end="2025-12-31",
    )
    ProcessMembership.objects.create(process=process, user=user, role="staff")
    fields = list(FieldOfAction.objects.all())
    groups = list(TargetGroup.objects.all())

    baseline_write, _ = timed(
        lambda: [
            Statement.objects.create(process=process, text=f"b{i}", source_label="x")
            for i in range(n)
        ]
    )
    Statement.objects.all().delete()
    service_write, _ = timed(
        lambda: [
            services.statement_create(
                process=process,
                text=f"Aussage {i} über Sprache und Arbeit",
                kind=Statement.Kind.values[i % 5],
                fields_of_action=[fields[i % len(fields)]],
                target_groups=[groups[i % len(groups)]],
                author=user,
            )
            for i in range(n)
        ]
    )
    print(f"write {n} statements: service {service_write:.2f}s, bare create {baseline_write:.2f}s")

    baseline_read, _ = timed(lambda: list(Statement.objects.values_list("id", "text")))
    export_rows_time, (headers, rows) = timed(
        lambda: statement_export_rows(statement_list(user=user))
    )
    csv_time, _ = timed(lambda: csv_bytes(headers, rows))
    xlsx_time, _ = timed(lambda: xlsx_bytes(headers, rows))
    print(
        f"export {n}: rows {export_rows_time:.3f}s, csv {csv_time:.3f}s, xlsx {xlsx_time:.3f}s "
        f"(bare read {baseline_read:.3f}s)"
    )

    client = Client()
    client.force_login(user)
    client.get("/statements/")  # warm-up: templates, catalogues and URL resolver load once
    with CaptureQueriesContext(connection) as queries:
        page_time, response = timed(lambda: client.get("/statements/", {"kind": "need"}))
    assert response.status_code == 200
    print(f"statement list page (50 of {n}): {page_time * 1000:.0f} ms, {len(queries)} queries")

    interview = Interview.objects.create(
        process=process,
        held_on=date(2025, 3, 1),
        facilitator=user,
        interviewee_pseudonym="I-1",
        consent_given_on=date(2025, 3, 1),
        consent_scope="x",
        transcript=" ".join(f"Satz {i}." for i in range(n)),
        target_group=groups[0],
    )
    codes = interview_services.code_system_seed(process=process, user=user)
    passages = max(50, n // 10)
    code_time, _ = timed(
        lambda: [
            interview_services.passage_code(
                interview=interview,
                user=user,
                start=i * 8,
                end=i * 8 + 7,
                codes=[codes[i % len(codes)]],
            )
            for i in range(passages)
        ]
    )
    freq_time, freq = timed(lambda: interview_selectors.code_frequencies(process=process))
    print(
        f"code {passages} passages: {code_time:.2f}s; frequencies over them: "
        f"{freq_time * 1000:.0f} ms (total {freq.total})"
    )
    # The service with sources, through the services the product calls: each writes its source
    # (or reads it) and then the statement with a link to it.
    from participation.conference.services import card_create
    from participation.models import Conference, TopicTable
    from surveys.results.services import free_text_to_statement
    from surveys.services import definition as survey_definition
    from surveys.services.responses import response_submit

    each = passages
    conference = Conference.objects.create(
        process=process, title="Auftakt", date=date(2025, 4, 1), venue="Kreishaus", capacity=200
    )
    table = TopicTable.objects.create(
        conference=conference, field_of_action=fields[0], facilitator=user, title="Sprache"
    )
    card_time, _ = timed(
        lambda: [
            card_create(
                table=table,
                user=user,
                text=f"Karte {i}: mehr Sprachkurse am Abend",
                kind=Statement.Kind.values[i % 5],
                target_groups=[groups[i % len(groups)]],
            )
            for i in range(each)
        ]
    )
    survey = survey_definition.survey_create_from_definition(
        user=None,
        process=process,
        status="open",
        definition={
            "title": {"de": "Befragung"},
            # a survey opens only with a complete privacy notice
            "privacy_notice": {
                "de": "Verantwortlicher: Kreis Bench\nDatenschutzkontakt: dsb@example.org\n"
                "Zweck: Benchmark\nRechtsgrundlage: Art. 6 Abs. 1 lit. a DSGVO\n"
                "Empfänger: niemand\nSpeicherdauer: ein Tag"
            },
            "languages": ["de"],
            "default_language": "de",
            "access_mode": "public",
            "anonymised": True,
            "sections": [
                {
                    "code": "s1",
                    "title": {"de": "Seite"},
                    "questions": [{"code": "wish", "type": "text", "text": {"de": "Wunsch?"}}],
                }
            ],
        },
    )
    import uuid

    from surveys.models import Answer

    for i in range(each):
        response_submit(
            survey=survey,
            client_id=uuid.uuid4(),
            answers={"wish": f"Antwort {i}: Beratung in der eigenen Sprache"},
            language="de",
        )
    answers = list(Answer.objects.filter(response__survey=survey).exclude(value_text=""))
    answer_time, _ = timed(
        lambda: [free_text_to_statement(answer=answer, user=user) for answer in answers]
    )
    assert Statement.objects.filter(process=process).count() >= n + 3 * each
    bare_each = baseline_write / n
    sourced_each = (code_time + card_time + answer_time) / (3 * each)
    print(
        f"with sources, {each} each: interview passage {code_time / each * 1000:.2f} ms, "
        f"conference card {card_time / each * 1000:.2f} ms, survey answer "
        f"{answer_time / each * 1000:.2f} ms per statement (bare create "
        f"{bare_each * 1000:.2f} ms)"
    )
    return {
        "statements": n,
        "source_passage_ms_each": round(code_time / each * 1000, 2),
        "source_card_ms_each": round(card_time / each * 1000, 2),
        "source_survey_answer_ms_each": round(answer_time / each * 1000, 2),
        "service_with_sources_vs_bare_write": round(sourced_each / bare_each, 2),
        "service_write_s": round(service_write, 3),
        "bare_write_s": round(baseline_write, 3),
        "service_vs_bare_write": round(service_write / baseline_write, 2),
        "export_rows_s": round(export_rows_time, 3),
        "export_vs_bare_read": round(export_rows_time / max(baseline_read, 1e-6), 1),
        "csv_s": round(csv_time, 3),
        "xlsx_s": round(xlsx_time, 3),
        "list_page_ms": round(page_time * 1000, 1),
        "list_page_queries": len(queries),
        "passages_coded": passages,
        "passage_code_ms_each": round(code_time / passages * 1000, 2),
        "frequencies_ms": round(freq_time * 1000, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(quick="--quick" in sys.argv)))
