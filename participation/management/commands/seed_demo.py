"""Load the demo process. Idempotent: running it twice creates nothing twice."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from participation import demo

# The catalogue cites monitoring figures, so the monitoring demo runs before it.
APPS_WITH_DEMO = ["surveys", "workshops", "monitoring", "measures"]


class Command(BaseCommand):
    help = "Load the demo integration-concept process with users, phases and example data."

    def handle(self, *args, **options):
        with transaction.atomic():
            ctx = demo.seed()
            for app in APPS_WITH_DEMO:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(ctx)
        self.stdout.write(
            self.style.SUCCESS(f"Demo process ready: {ctx.process} (id {ctx.process.pk})")
        )
        self.stdout.write(
            "Demo accounts (local use only), password "
            f"'{demo.DEMO_PASSWORD}': " + ", ".join(u for u, *_ in demo.DEMO_USERS)
        )
