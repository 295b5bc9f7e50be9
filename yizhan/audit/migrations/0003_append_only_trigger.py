"""The audit log is append-only in the database itself on PostgreSQL: a trigger refuses every UPDATE and DELETE of a
row of ``audit_auditlog``, whoever sends it (the application, a script, psql), on top of the model's own refusal.

SQLite gets no trigger: Django empties tables there with ``DELETE FROM`` (``manage.py flush``, and the test runner
between transactional tests), which the trigger would stop; PostgreSQL empties them with ``TRUNCATE``, which row
triggers do not see. On SQLite the model and its queryset refuse changes and deletions, as before.
"""

from django.db import migrations

FUNCTION = "audit_auditlog_append_only"

CREATE = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditlog is append-only: % of an audit row refused', TG_OP
        USING HINT = 'Audit rows are kept (AUDIT_RETENTION_DAYS); they are never changed or deleted.';
END
$$;
DROP TRIGGER IF EXISTS {FUNCTION} ON audit_auditlog;
CREATE TRIGGER {FUNCTION} BEFORE UPDATE OR DELETE ON audit_auditlog
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON audit_auditlog;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_alter_auditlog_options_alter_auditlog_managers"),
    ]

    operations = [migrations.RunPython(install, remove, elidable=False)]
