"""Load the shipped municipality register: every German territory, so that any valid key
imports without creating territories. The population series follows with
``manage.py load_territories`` (``make install`` runs it)."""

from django.db import migrations


def load(apps, schema_editor):
    from monitoring import register
    from monitoring.services.territories import RegisterModels, territory_register_load

    models = RegisterModels(
        Territory=apps.get_model("monitoring", "Territory"),
        Series=apps.get_model("monitoring", "Series"),
        Period=apps.get_model("monitoring", "Period"),
        Value=apps.get_model("monitoring", "Value"),
    )
    territory_register_load(register=register.read_shipped(), models=models, population=False)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0003_territory_register_fields")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=True)]
