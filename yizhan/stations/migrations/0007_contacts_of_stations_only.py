# A stations.Contact is a station's only: the studios' contacts were copied to mediation.StudioContact
# (mediation.0002), so their rows go, and with them the studio column and the station-or-studio constraint.
# Studio and StudioMember leave this app's migration state (their tables belong to mediation now).

import django.db.models.deletion
from django.db import migrations, models


def delete_copied_studio_contacts(apps, schema_editor):
    apps.get_model("stations", "Contact").objects.filter(studio__isnull=False).delete()


def keep_moved_ids_unused(apps, schema_editor):
    """The studios' contacts kept their ids in mediation (audit rows name them stations.contact #id). PostgreSQL's
    sequence never hands those ids out again; on SQLite, remaking the table above restarted its id counter at the
    highest id left, so it is moved past the studios' contacts' ids."""
    if schema_editor.connection.vendor != "sqlite":
        return
    table = apps.get_model("stations", "Contact")._meta.db_table
    moved = apps.get_model("mediation", "StudioContact").objects.aggregate(top=models.Max("id"))["top"]
    if moved is None:
        return
    schema_editor.execute("DELETE FROM sqlite_sequence WHERE name = %s AND seq < %s", [table, moved])
    schema_editor.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s WHERE NOT EXISTS "
        "(SELECT 1 FROM sqlite_sequence WHERE name = %s)",
        [table, moved, table],
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_rolemembership_studio_in_mediation'),
        ('mediation', '0002_studio_contacts_from_stations'),
        ('stations', '0006_studio_tables_to_mediation'),
    ]

    operations = [
        # Backwards, mediation.0002 copies the studios' contacts back once the column is there again.
        migrations.RunPython(delete_copied_studio_contacts, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='contact',
            name='contact_of_station_or_studio',
        ),
        migrations.RemoveField(
            model_name='contact',
            name='studio',
        ),
        migrations.AlterField(
            model_name='contact',
            name='station',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='stations.station', verbose_name='station'),
        ),
        migrations.RunPython(keep_moved_ids_unused, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='StudioMember'),
                migrations.DeleteModel(name='Studio'),
            ],
        ),
    ]
