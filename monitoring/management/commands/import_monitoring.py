"""Import monitoring figures from files or directories (same import as the web upload)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from monitoring import services
from monitoring.parsing import problem
from monitoring.services.imports import NO_FILE, translated
from participation.models import Process


class Command(BaseCommand):
    help = (
        "Import Open SDG CSV (with meta_<id>.md metadata), official statistics tables (CSV with "
        "';') and XLSX files. All or nothing: when any row is invalid nothing is written, "
        "unless --skip-invalid is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
        parser.add_argument(
            "--format", default="auto", choices=["auto", "opensdg", "official", "xlsx"]
        )
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object last")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report the invalid ones",
        )
        parser.add_argument(
            "--territory", default=None, help="territory key for rows without GeoCode/AGS"
        )
        parser.add_argument(
            "--create-territories",
            action="store_true",
            help="create territories for unknown keys instead of rejecting rows",
        )
        parser.add_argument(
            "--process", type=int, default=None, help="process id the imports belong to"
        )
        parser.add_argument("--source", default="", help="source noted on every value")

    def handle(self, *args, **options):
        process = None
        if options["process"]:
            process = Process.objects.filter(pk=options["process"]).first()
            if process is None:
                raise CommandError(f"No process with id {options['process']}.")
        try:
            files = services.files_from_paths(options["paths"])
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if not files:
            report = services.ImportReport(
                dry_run=options["dry_run"],
                rejected=[translated({"file": p, **problem(0, NO_FILE)}) for p in options["paths"]],
            )
        else:
            report = services.values_import(
                files=files,
                fmt=options["format"],
                process=process,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                default_territory=options["territory"],
                create_territories=options["create_territories"],
                source=options["source"],
                record=not options["dry_run"],
            )
        result = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                gettext(
                    "rows read %(read)s, created %(created)s, updated %(updated)s, unchanged "
                    "%(unchanged)s, rejected %(rejected)s, skipped %(skipped)s"
                )
                % {
                    "read": report.rows_read,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": len(report.rejected),
                    "skipped": len(report.skipped),
                }
            )
            self._per_file(report)
        if report.rejected:
            raise SystemExit(1)

    def _per_file(self, report) -> None:
        """Per file: rejections grouped by reason (count, first rows), skipped rows, and
        whether the file would import on its own."""
        for summary in report.files:
            if summary["would_import"]:
                verdict = gettext("would import on its own")
            else:
                verdict = gettext("would NOT import")
            self.stdout.write(
                f"{summary['file']}: "
                + gettext("%(rows)s rows, %(rejected)s rejected, %(skipped)s skipped")
                % {
                    "rows": summary["rows_read"],
                    "rejected": summary["rejected"],
                    "skipped": summary["skipped"],
                }
                + f" – {verdict}"
            )
            for kind, groups, stream in (
                (gettext("rejected"), summary["rejected_groups"], self.stderr),
                (gettext("skipped"), summary["skipped_groups"], self.stdout),
            ):
                for group in groups:
                    rows = ", ".join(str(e["row"]) for e in group["examples"])
                    stream.write(
                        f"  {kind} {group['count']}× {group['reason']} "
                        + gettext("(first rows: %(rows)s)") % {"rows": rows}
                    )
        if report.rejected and report.files:
            alone = report.files_that_would_import
            self.stdout.write(
                gettext("Files that would import on their own: %(files)s")
                % {"files": ", ".join(alone) if alone else "–"}
            )
