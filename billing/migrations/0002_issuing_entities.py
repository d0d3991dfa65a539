from django.db import migrations

from billing import reference_data


def load(apps, schema_editor):
    reference_data.load(apps.get_model("billing", "IssuingEntity"), apps.get_model("billing", "ExchangeRate"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
