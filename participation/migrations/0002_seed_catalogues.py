from django.db import migrations

from participation.catalogue_data import ensure_catalogues


def seed(apps, schema_editor):
    ensure_catalogues(apps.get_model("participation", "TargetGroup"),
                      apps.get_model("participation", "FieldOfAction"))


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
