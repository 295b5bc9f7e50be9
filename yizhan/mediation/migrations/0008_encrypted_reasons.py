"""Free-text reasons about people into the encrypted field: mandatory-report grounds, recusal reasons and the grounds
of their decisions, joint-session override reasons, police-referral notes.

Three steps per field: the column becomes text (ciphertext is longer than 500 characters of plaintext), the values
are encrypted in place (reverse: decrypted), then the field is the ``EncryptedField`` (no change to the column).
Backwards, the values are decrypted and the column is ``varchar(500)`` again (every value was at most 500 characters).

Not atomic as a whole: PostgreSQL refuses an ALTER TABLE after an UPDATE in the same transaction while deferred
foreign-key checks are pending. Each step runs on its own (the data step in one transaction) and the data steps skip
values already converted, so a migration interrupted half-way can be run again.
"""

from django.db import migrations, models

import yizhan.core.fields
from yizhan.core import crypto

FIELDS = (
    ("mandatoryreport", "grounds", "grounds", False),
    ("recusal", "reason", "reason", False),
    ("recusal", "decision_note", "grounds of the decision", True),
    ("jointsessionoverride", "reason", "reason", False),
    ("policereferral", "note", "note", True),
)


def _convert(apps, convert):
    for model_name, field, _label, _blank in FIELDS:
        model = apps.get_model("mediation", model_name)
        rows = model._base_manager.exclude(**{field: ""}).values_list("pk", field)
        for pk, value in list(rows.iterator()):
            model._base_manager.filter(pk=pk).update(**{field: convert(value)})


def _encrypted(value):
    return value.startswith(crypto.PREFIX)


def encrypt(apps, schema_editor):
    _convert(apps, lambda value: value if _encrypted(value) else crypto.encrypt(value))


def decrypt(apps, schema_editor):
    _convert(apps, lambda value: crypto.decrypt(value) if _encrypted(value) else value)


def _alter(field_class):
    operations = []
    for model_name, field, label, blank in FIELDS:
        if field_class == "text":
            new = models.TextField(label, blank=blank, default="")
        elif field_class == "encrypted":
            new = yizhan.core.fields.EncryptedField(label, kind="text", blank=blank)
        operations.append(migrations.AlterField(model_name=model_name, name=field, field=new))
    return operations


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("mediation", "0007_safety")]

    operations = [
        *_alter("text"),
        migrations.RunPython(encrypt, decrypt, atomic=True),
        *_alter("encrypted"),
    ]
