from django.db import migrations


def seed(apps, schema_editor):
    from measures.catalogue_data import ensure_area_links

    ensure_area_links(
        apps.get_model("participation", "FieldOfAction"),
        apps.get_model("monitoring", "Area"),
        apps.get_model("measures", "FieldOfActionArea"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0001_initial"),
        ("participation", "0002_seed_catalogues"),
        ("monitoring", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
