"""Visit.region_code and ScheduledVisit.region_code: the person's village code on her visits (issue 12).

The home page's figures, the calendars and the overdue list of a province admin counted the open visits through a join
with every resident of the province (a seq scan of 200,000 people for 11,000 visits); with the code on the row they
read the visits alone. Filled from ``people_person.region_code`` here, kept by ``save()``/``bulk_create`` and by a
person's move (``Person.save()``).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    alias = schema_editor.connection.alias
    code = Subquery(Person._base_manager.filter(pk=OuterRef("person_id")).values("region_code")[:1])
    for name in ("Visit", "ScheduledVisit"):
        apps.get_model("people", name)._base_manager.using(alias).update(region_code=code)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_scheduled_visit_open_due'),
    ]

    operations = [
        migrations.AddField(
            model_name='scheduledvisit',
            name='region_code',
            field=models.CharField(db_index=True, default='', editable=False, max_length=12, verbose_name='village code'),
        ),
        migrations.AddField(
            model_name='visit',
            name='region_code',
            field=models.CharField(db_index=True, default='', editable=False, max_length=12, verbose_name='village code'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
