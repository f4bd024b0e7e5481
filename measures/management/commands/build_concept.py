"""Write the concept document (full or summary) or the yearly integration report to a file.

For counties that script their yearly run. Nothing is stored in the database; the file is
written only when the whole document was built. With ``--json`` the last line is one JSON
object: pages, chapters, measures, endnotes, notes, seconds, fingerprint, bytes, output.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from measures.concept import gather, services
from participation.models import Process


class Command(BaseCommand):
    help = "Build the concept document or the integration report of a process into a file."

    def add_arguments(self, parser):
        parser.add_argument("--process", type=int, required=True, help="Id of the process.")
        parser.add_argument("--variant", choices=["full", "summary", "report"], required=True)
        parser.add_argument("--year", type=int, help="Report year (needed for --variant report).")
        parser.add_argument("--format", choices=["pdf", "docx", "html"], required=True)
        parser.add_argument("--language", choices=["de", "en"], default="de")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")

    def handle(self, *args, **options):
        process = Process.objects.filter(pk=options["process"]).first()
        if process is None:
            raise CommandError(f"There is no process with id {options['process']}.")
        if options["variant"] == "report" and not options["year"]:
            raise CommandError("--variant report needs --year YYYY.")
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"The folder {output.parent} does not exist.")
        concept = services.concept_ensure(process=process)
        started = time.perf_counter()
        fmt = options["format"]
        built = services.build_files(
            concept,
            variant=options["variant"],
            year=options["year"] if options["variant"] == "report" else None,
            language=options["language"],
            formats=(fmt,),
        )
        data = built.files[fmt]
        output.write_bytes(data)
        doc = built.document
        summary = {
            "process": process.pk,
            "variant": options["variant"],
            "year": options["year"],
            "format": fmt,
            "language": options["language"],
            "pages": built.pages,
            "chapters": len(doc.chapters),
            "measures": doc.measures,
            "endnotes": len(doc.endnotes),
            "notes": len(doc.notes),
            "seconds": round(time.perf_counter() - started, 3),
            "fingerprint": gather.fingerprint(
                built.snapshot,
                variant=options["variant"],
                year=options["year"],
                language=options["language"],
            ),
            "bytes": len(data),
            "output": str(output),
        }
        for note in doc.notes:
            self.stderr.write(f"note: {note}")
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{output}: {summary['pages']} pages, {summary['chapters']} chapters, "
                    f"{summary['measures']} measures, {summary['endnotes']} endnotes "
                    f"({summary['seconds']} s)"
                )
            )
