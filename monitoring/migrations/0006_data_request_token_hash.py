import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    """Links already mailed keep working: their token is found by its hash from now on. With
    no salt they cannot be rebuilt, so the next reminder mails a fresh link."""
    DataRequest = apps.get_model("monitoring", "DataRequest")
    for pk, token in DataRequest.objects.values_list("pk", "token"):
        DataRequest.objects.filter(pk=pk).update(
            token_hash=hashlib.sha256(token.encode()).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_indicator_category"),
    ]

    operations = [
        migrations.AddField(
            model_name="datarequest",
            name="token_salt",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="datarequest",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="datarequest", name="token"),
        migrations.AlterField(
            model_name="datarequest",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
