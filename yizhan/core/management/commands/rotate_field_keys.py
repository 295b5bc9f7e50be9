from argparse import ArgumentParser
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Field

from yizhan.core import crypto
from yizhan.core.fields import EncryptedField


def _column(field: Field[Any, Any]) -> str:
    """The column of a concrete field (django-stubs types ``column`` as optional: other fields have none)."""
    if field.column is None:
        raise CommandError(f"{field} has no column")
    return field.column


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key in FIELD_ENCRYPTION_KEYS. Put the new key first, keep "
        "the old ones after it, run this, then remove the old keys."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, batch_size: int, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
            if not fields:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(_column(model._meta.pk))
            columns = [connection.ops.quote_name(_column(f)) for f in fields]
            count = 0
            last = None
            while True:
                with transaction.atomic(), connection.cursor() as cursor:
                    where = f"WHERE {pk} > %s" if last is not None else ""
                    cursor.execute(
                        # Table and column names come from the models, quoted by the backend; values are parameters.
                        f"SELECT {pk}, {', '.join(columns)} FROM {table} {where} ORDER BY {pk} LIMIT %s",  # noqa: S608
                        ([last] if last is not None else []) + [batch_size],
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    for row in rows:
                        last = row[0]
                        values = [crypto.rotate(v) if v else v for v in row[1:]]
                        if values != list(row[1:]):
                            assignments = ", ".join(f"{c} = %s" for c in columns)
                            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from the models, quoted
                            cursor.execute(sql, values + [row[0]])
                            count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} row(s) re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s) re-encrypted with the newest key."))
