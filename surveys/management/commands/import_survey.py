"""``python manage.py import_survey FILE [--process ID] [--json]``: import an XLSForm or
LimeSurvey file as a draft survey and print the import report.

Exits 1 (with the reason on stderr) when the file is not a survey or the import is refused;
nothing is written then. With ``--json`` the last line of the output is one JSON object:
``survey_id``, ``questions``, ``sections``, ``languages``, ``warnings`` (``{question, message}``).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from participation.models import Process
from surveys.interchange import NotASurvey
from surveys.services.interchange import survey_import


class Command(BaseCommand):
    help = "Import a survey from an XLSForm (.xlsx/.xls) or LimeSurvey (.lss) file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the .xlsx, .xls or .lss file")
        parser.add_argument(
            "--process", type=int, help="id of the process (needed when there are several)"
        )
        parser.add_argument(
            "--json", action="store_true", help="end with the report as one JSON line"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        process = self._process(options.get("process"))
        try:
            report = survey_import(user=None, process=process, data=path.read_bytes())
        except NotASurvey as exc:
            raise CommandError(f"{path} is not a survey: {exc.message}") from exc
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in getattr(exc, "message_dict", {"": exc.messages}).items()
            )
            raise CommandError(
                f"{path} could not be imported, nothing was saved: {problems}"
            ) from exc
        self.stdout.write(
            f"Imported {path.name} ({report.format}) as survey {report.survey.pk} "
            f"'{report.survey}' in process {process.pk}: {report.questions} questions in "
            f"{report.sections} sections, languages {', '.join(report.languages)}."
        )
        if report.warnings:
            self.stdout.write(f"{len(report.warnings)} item(s) could not be mapped:")
            for issue in report.warnings:
                self.stdout.write(f"  - {issue.question or '(survey)'}: {issue.message}")
        else:
            self.stdout.write("Everything was mapped.")
        if options["json"]:
            data = report.as_dict()
            data.pop("format")
            self.stdout.write(json.dumps(data, ensure_ascii=False))

    def _process(self, pk: int | None) -> Process:
        if pk is not None:
            process = Process.objects.filter(pk=pk).first()
            if process is None:
                raise CommandError(f"There is no process with id {pk}.")
            return process
        processes = list(Process.objects.order_by("pk")[:2])
        if len(processes) == 1:
            return processes[0]
        if not processes:
            raise CommandError("There is no process yet; create one first.")
        raise CommandError("There are several processes: choose one with --process ID.")
