"""The dispute types of issue 11 (reference data: ``yizhan/mediation/reference.py``)."""

from django.db import migrations


def load(apps, schema_editor):
    from yizhan.mediation.reference import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("mediation", "0003_cases")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
