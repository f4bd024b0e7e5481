from django.db import migrations

TABLE = "monitoring_indicatorvalue"


def bytewise(apps, schema_editor):
    # The cell key is compared, never shown in order: byte-wise comparison (collation "C")
    # makes the unique index several times cheaper to build and to maintain on PostgreSQL.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER TABLE {TABLE} ALTER COLUMN cell TYPE varchar(500) COLLATE "C"')


def database_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE {TABLE} ALTER COLUMN cell TYPE varchar(500) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0008_value_no_period_target_group_index")]

    operations = [migrations.RunPython(bytewise, database_default, elidable=False)]
