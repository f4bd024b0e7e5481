"""Load (or update to) an edition of the municipality register; without FILE the shipped one."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from monitoring import register
from monitoring.services import territory_register_load


class Command(BaseCommand):
    help = (
        "Load the Destatis municipality register (GV-ISys extract as CSV, or Destatis's quarterly "
        "XLSX). Keys the edition no longer lists stay, marked historic; --changes names their "
        "successors. The population becomes the raw series gv_bevoelkerung at the reference date."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None, metavar="FILE")
        parser.add_argument(
            "--reference-date",
            default=None,
            help="date of the population figures (YYYY-MM-DD or DD.MM.YYYY); read from the "
            "XLSX title when it names one",
        )
        parser.add_argument(
            "--changes",
            default=None,
            metavar="FILE",
            help="CSV of key changes: old key; new key (one per line)",
        )
        parser.add_argument(
            "--no-population", action="store_true", help="load the territories only"
        )

    def handle(self, *args, **options):
        try:
            if options["file"]:
                with open(options["file"], "rb") as handle:
                    edition = register.read(options["file"], handle.read())
            else:
                edition = register.read_shipped()
            if options["changes"]:
                with open(options["changes"], "rb") as handle:
                    edition.successors.update(register.read_successors(handle.read()))
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except register.RegisterError as exc:
            raise CommandError(str(exc)) from exc
        if options["reference_date"]:
            edition.reference_date = _date(options["reference_date"])
        if edition.reference_date is None and not options["no_population"]:
            raise CommandError(
                "The file does not name the date of its population figures: "
                "give --reference-date (or --no-population)."
            )
        counts = territory_register_load(register=edition, population=not options["no_population"])
        self.stdout.write(
            "territories: {created} created, {updated} updated, {historic} now historic; "
            "population values: {values_created} created, {values_updated} updated".format(**counts)
        )


def _date(text: str) -> date:
    from monitoring.periods import parse_period

    found = parse_period(text)
    if not found or found[2] is None:
        raise CommandError(f"Not a date: {text!r}")
    return found[2]
