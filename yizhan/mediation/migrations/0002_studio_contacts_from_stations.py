# The studios' contacts move from stations_contact to mediation_studiocontact as stored: the same ids, and the
# encrypted number with its blind index copied byte for byte (nothing is decrypted or re-encrypted here).
# stations.0007 then deletes the copied rows from stations_contact and drops its studio column.

from django.core.management.color import no_style
from django.db import migrations

COLUMNS = ["name", "role", "phone", "phone_index", "is_public", "sort_order"]


def _copy(schema_editor, source, target, columns, where):
    quote = schema_editor.quote_name
    names = ", ".join(quote(column) for column in columns)
    selected = ", ".join(quote(column) if column else "NULL" for column in columns.values())
    schema_editor.execute(
        f"INSERT INTO {quote(target)} ({names}) SELECT {selected} FROM {quote(source)} WHERE {quote(where)} IS NOT NULL"
    )


def _reset_ids(schema_editor, model):
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def studio_contacts_to_mediation(apps, schema_editor):
    contact, studio_contact = apps.get_model("stations", "Contact"), apps.get_model("mediation", "StudioContact")
    columns = {column: column for column in ["id", "studio_id", *COLUMNS]}
    _copy(schema_editor, contact._meta.db_table, studio_contact._meta.db_table, columns, where="studio_id")
    _reset_ids(schema_editor, studio_contact)


def studio_contacts_back_to_stations(apps, schema_editor):
    """Backwards (stations.0007 has put the studio column back): new ids, so none can clash with a station's."""
    contact, studio_contact = apps.get_model("stations", "Contact"), apps.get_model("mediation", "StudioContact")
    columns = {"station_id": None, "studio_id": "studio_id", **{column: column for column in COLUMNS}}
    _copy(schema_editor, studio_contact._meta.db_table, contact._meta.db_table, columns, where="studio_id")


class Migration(migrations.Migration):

    dependencies = [
        ('mediation', '0001_initial'),
        ('stations', '0006_studio_tables_to_mediation'),
    ]

    operations = [
        migrations.RunPython(studio_contacts_to_mediation, studio_contacts_back_to_stations),
    ]
