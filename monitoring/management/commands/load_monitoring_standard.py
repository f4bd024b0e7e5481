"""Load the shipped standard indicator set (areas, series, indicators, territories)."""

from django.core.management.base import BaseCommand

from monitoring import services


class Command(BaseCommand):
    help = "Create or update the standard indicator set of the integration monitoring."

    def handle(self, *args, **options):
        counts = services.standard_indicators_load()
        self.stdout.write(
            self.style.SUCCESS(
                "Standard set loaded (new: {areas} areas, {series} series, {indicators} "
                "indicators, {territories} territories).".format(**counts)
            )
        )
