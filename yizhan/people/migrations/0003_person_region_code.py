"""Person.region_code: the village's code on the person's row (issue 12, docs/issue-12-province-scale.md).

The people list is scoped by a code prefix and ordered by village, then name in pinyin order. With the code on the
row, the scope and the count read ``people_person`` alone (no join to the regions), and on PostgreSQL an index on
``(region_code, name COLLATE "zh-Hans-x-icu", id)`` gives the list's order, so a page is an index scan. That index
uses ICU's collation, which SQLite does not have: it is created on PostgreSQL only (not in ``Meta.indexes``).
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

PG_INDEX = "person_region_pinyin_name"


def backfill(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    Region = apps.get_model("regions", "Region")
    Person._base_manager.using(schema_editor.connection.alias).update(
        region_code=Subquery(Region._base_manager.filter(pk=OuterRef("region_id")).values("code")[:1])
    )


def create_pg_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {PG_INDEX} ON people_person (region_code, name COLLATE "zh-Hans-x-icu", id)'
        )


def drop_pg_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_default_target_groups"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="region_code",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=12, verbose_name="village code"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_pg_index, drop_pg_index),
    ]
