"""Backups restore: the demo goes through `manage.py backup` and `manage.py restore` and comes back identical, every
row of every table and every media file, on SQLite and on PostgreSQL (whichever DATABASE_URL the suite runs on)."""

import io
import os
import random
from importlib import import_module

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from yizhan.audit.services import Action, record
from yizhan.core import backups
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.reference import load as load_station_reference
from yizhan.tests.factories import UserFactory

KEY = Fernet.generate_key().decode()
MEDIA = {"backup-test/photos/a.jpg": b"\xff\xd8 photo bytes", "backup-test/lists/b.xlsx": b"PK spreadsheet"}


def _tables() -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(repr(row) for row in cursor.fetchall())
    return rows


def _media() -> dict[str, bytes]:
    found = {}
    for name in backups.media_names():
        if name.startswith("backup-test/"):
            with default_storage.open(name, "rb") as f:
                found[name] = f.read()
    return found


def _quiet(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _reference_data():
    """The rows the data migrations put in (service lines, target groups): an earlier transactional test of this
    worker may have emptied the tables, and the demo needs them."""
    with scopes_disabled():
        load_station_reference()
        import_module("yizhan.people.migrations.0002_default_target_groups").add_groups(django_apps, None)


@pytest.mark.django_db(transaction=True)
def test_backup_of_the_demo_restores_every_row_and_file(settings, tmp_path):
    settings.BACKUP_KEY = f"{KEY},{Fernet.generate_key().decode()}"
    _reference_data()
    _quiet("seed_demo")
    for name, content in MEDIA.items():
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
    before, media_before = _tables(), _media()
    assert len(before["audit_auditlog"]) > 100
    assert media_before == MEDIA

    archive = tmp_path / "demo.yzbackup"
    assert "Backup written" in _quiet("backup", "--output", str(archive))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    raw = archive.read_bytes()
    assert raw.startswith(backups.MAGIC)
    for clear in ("瓜沥镇".encode(), b"SQLite format", b"PGDMP"):  # nothing readable: encrypted
        assert clear not in raw

    # Work goes on after the backup: new rows, a changed and a deleted file.
    with scopes_disabled():
        UserFactory(username="after_backup")
        record(actor=None, action=Action.UPDATE, target_repr="after the backup")
    default_storage.delete("backup-test/photos/a.jpg")
    default_storage.delete("backup-test/lists/b.xlsx")
    default_storage.save("backup-test/lists/b.xlsx", ContentFile(b"changed"))
    assert _tables() != before

    with pytest.raises(CommandError, match="already holds data.*--force"):
        _quiet("restore", str(archive))
    assert "after_backup" in str(_tables()["accounts_user"])  # refused: nothing changed

    assert "Restored" in _quiet("restore", str(archive), "--force")
    assert _tables() == before
    assert _media() == MEDIA

    # Into an empty database no --force is needed.
    call_command("flush", "--noinput", verbosity=0)
    assert not backups.holds_data()
    _quiet("restore", str(archive))
    assert _tables() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_wrong_key_damage_and_other_files(settings, tmp_path):
    settings.BACKUP_KEY = KEY
    archive = tmp_path / "b.yzbackup"
    _quiet("backup", "-o", str(archive))
    settings.BACKUP_KEY = Fernet.generate_key().decode()
    with pytest.raises(CommandError, match="key that is not in BACKUP_KEY"):
        _quiet("restore", str(archive), "--force")
    settings.BACKUP_KEY = KEY
    data = bytearray(archive.read_bytes())
    damaged = tmp_path / "damaged.yzbackup"
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged"):
        _quiet("restore", str(damaged), "--force")
    cut = tmp_path / "cut.yzbackup"
    cut.write_bytes(archive.read_bytes()[:-40])
    with pytest.raises(CommandError, match="damaged|incomplete"):
        _quiet("restore", str(cut), "--force")
    other = tmp_path / "other.txt"
    other.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a Yizhan backup"):
        _quiet("restore", str(other))
    with pytest.raises(CommandError, match="No backup file"):
        _quiet("restore", str(tmp_path / "missing.yzbackup"))


@pytest.mark.django_db
def test_backup_refuses_to_run_inside_a_transaction(settings, tmp_path):
    settings.BACKUP_KEY = KEY
    with pytest.raises(CommandError, match="outside a database transaction"):
        _quiet("backup", "-o", str(tmp_path / "x"))


def test_backup_needs_a_key(settings, tmp_path):
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="Set BACKUP_KEY"):
        _quiet("backup", "-o", str(tmp_path / "x"))
    settings.BACKUP_KEY = "too-short"
    with pytest.raises(CommandError, match="32 bytes|base64"):
        _quiet("backup", "-o", str(tmp_path / "x"))
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("size", [0, 1, backups.CHUNK_BYTES - 1, backups.CHUNK_BYTES, 2 * backups.CHUNK_BYTES + 7])
def test_encrypted_stream_round_trip_and_chunk_tampering(size):
    key = os.urandom(32)
    plain = random.Random(size).randbytes(size)  # noqa: S311 - test data, not a secret
    sealed = io.BytesIO()
    with backups.EncryptingWriter(sealed, key) as writer:
        writer.write(plain[: size // 3])
        writer.write(plain[size // 3 :])
    out = io.BytesIO()
    backups.decrypt_file(io.BytesIO(sealed.getvalue()), out, [os.urandom(32), key])
    assert out.getvalue() == plain
    # Dropping the last chunk (a truncation at a chunk boundary) is found.
    data = sealed.getvalue()
    if size > backups.CHUNK_BYTES:
        first_record = backups.HEADER_BYTES + backups._RECORD.size + backups.CHUNK_BYTES + 16
        with pytest.raises(backups.BackupError, match="incomplete"):
            backups.decrypt_file(io.BytesIO(data[:first_record]), io.BytesIO(), [key])
    with pytest.raises(backups.BackupError, match="after its end"):
        backups.decrypt_file(io.BytesIO(data + b"x"), io.BytesIO(), [key])
