"""Compile the gettext catalogues (.po -> .mo) in pure Python, so no GNU gettext is needed."""

from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po into .mo (only where the .po is newer)."

    def handle(self, *args, **options):
        compiled = 0
        bases = [*map(Path, settings.LOCALE_PATHS)]
        bases += [
            Path(app.path) / "locale"
            for app in apps.get_app_configs()
            if not app.name.startswith("django.") and "site-packages" not in app.path
        ]
        for base in bases:
            for po_path in base.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"compiled {compiled} catalogue(s)")
