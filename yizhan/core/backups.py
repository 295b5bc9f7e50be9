"""Backups that restore: one encrypted archive holds a consistent copy of the database and every media file.

**What is in an archive.** A tar stream, encrypted as a whole (below), of

- ``manifest.json`` — format, time, database engine, the last applied migration of each app, how many media files;
- the database, copied by the engine's own consistent mechanism: on SQLite the online backup API
  (``sqlite3.Connection.backup``: a page-by-page copy of one consistent state, safe while the site runs); on
  PostgreSQL ``pg_dump --format=custom`` (one snapshot transaction), restored with ``pg_restore``;
- ``media/<name>`` — every file of the default storage (local disk or S3-compatible), read after the database, so
  every file a database row names is there (a file is stored before the row that names it is committed).

**Encryption.** ``BACKUP_KEY``: one or more keys (comma-separated, newest first), each 32 random bytes in URL-safe
base64 (the format of ``Fernet.generate_key()``). The archive is written with the first; restore finds the key by
its id in the header, so older keys keep opening older archives. The stream is cut into chunks of ``CHUNK_BYTES``,
each sealed with AES-256-GCM under a nonce made of a random prefix, the chunk's number and a last-chunk flag, with
the file header as associated data: a changed, reordered, dropped or truncated chunk fails to open (the STREAM
construction), and nothing of a bad archive is used — restore decrypts and checks the whole file first.

The archive does not hold ``FIELD_ENCRYPTION_KEYS`` or ``BLIND_INDEX_KEY``: the restored database needs the same
ones, so keep them (and ``BACKUP_KEY``) safe apart from the archives.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import django
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MAGIC = b"YZBACKUP1\n"
KEY_ID_BYTES = 8
NONCE_PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_PREFIX_BYTES
CHUNK_BYTES = 1024 * 1024
_RECORD = struct.Struct(">BI")  # last-chunk flag, length of the sealed chunk
FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Tables whose rows mean the database holds someone's work: a restore refuses to replace them without --force.
WORK_TABLES = ("accounts_user", "audit_auditlog")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- keys and the encrypted stream -------------------------------------------------------------------------------


def _decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError) as exc:
        raise BackupError("BACKUP_KEY holds a key that is not URL-safe base64.") from exc
    if len(key) != 32:
        raise BackupError("Each key in BACKUP_KEY must be 32 bytes in URL-safe base64 (Fernet.generate_key()).")
    return key


def backup_keys() -> list[bytes]:
    """The keys in ``settings.BACKUP_KEY``, newest first; BackupError when none is set."""
    value = getattr(settings, "BACKUP_KEY", "") or ""
    texts = [t for t in (value if isinstance(value, list | tuple) else str(value).split(",")) if t.strip()]
    if not texts:
        raise BackupError(
            "Set BACKUP_KEY to encrypt backups: python -c "
            '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
        )
    return [_decode_key(t) for t in texts]


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"yizhan-backup-key-id:" + key).digest()[:KEY_ID_BYTES]


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only binary file that seals what is written, chunk by chunk, into ``out``; ``close()`` writes the
    last chunk (the one that says the stream is complete)."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        super().__init__()
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = secrets.token_bytes(NONCE_PREFIX_BYTES)
        self._header = MAGIC + key_id(key) + self._prefix
        self._buffer = bytearray()
        self._number = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        if self._number >= 2**32 - 1:
            raise BackupError("The backup is too large for one archive.")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self._header)
        self._out.write(_RECORD.pack(1 if last else 0, len(sealed)) + sealed)
        self._number += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()


def decrypt_file(source: BinaryIO, target: IO[bytes], keys: list[bytes]) -> None:
    """Open an archive written by ``EncryptingWriter`` into ``target``; BackupError for a wrong key or any change."""
    header = source.read(HEADER_BYTES)
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise BackupError("This file is not a Yizhan backup (or it is from a newer version).")
    wanted = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
    key = next((k for k in keys if key_id(k) == wanted), None)
    if key is None:
        raise BackupError("This backup was encrypted with a key that is not in BACKUP_KEY.")
    aead, prefix = AESGCM(key), header[len(MAGIC) + KEY_ID_BYTES :]
    number = 0
    while True:
        record = source.read(_RECORD.size)
        if len(record) < _RECORD.size:
            raise BackupError("The backup is incomplete (cut off before its end).")
        last, length = _RECORD.unpack(record)
        sealed = source.read(length)
        if len(sealed) != length or last not in (0, 1) or length > CHUNK_BYTES + 16:
            raise BackupError("The backup is damaged or incomplete.")
        try:
            target.write(aead.decrypt(_nonce(prefix, number, bool(last)), sealed, header))
        except InvalidTag as exc:
            raise BackupError("The backup is damaged or was changed: it does not decrypt.") from exc
        number += 1
        if last:
            break
    if source.read(1):
        raise BackupError("The backup has data after its end; it was changed.")


# --- the database ------------------------------------------------------------------------------------------------


def _engine() -> str:
    if connection.in_atomic_block:
        # The copy must see committed data only, and SQLite's backup API would wait for our own open transaction.
        raise BackupError("Backups and restores run outside a database transaction.")
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed; install PostgreSQL's client programs (postgresql-client).")
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()[-2000:]}")


def dump_database(path: Path) -> None:
    """A consistent copy of the whole database into ``path``."""
    if _engine() == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", _db_name()])


def load_database(path: Path) -> None:
    """Replace the database's contents with the copy in ``path`` (made by ``dump_database`` on the same engine)."""
    if _engine() == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore drops and recreates the tables: no open transaction of ours may hold them
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_db_name()}",
                str(path),
            ]
        )


def _db_name() -> str:
    return str(connection.settings_dict["NAME"])


def holds_data() -> bool:
    """Whether the database holds someone's work: users or audit rows (a freshly migrated one holds neither)."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in WORK_TABLES:
            if table in tables:
                # Table names are fixed above, quoted by the backend.
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _migrations() -> dict[str, str]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    latest: dict[str, str] = {}
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


# --- media -------------------------------------------------------------------------------------------------------


def media_names(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, folders walked."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from media_names(storage, f"{folder}/{sub}" if folder else sub)


def _safe_media_name(name: str) -> str:
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in name:
        raise BackupError(f"The backup holds a media file with an unsafe name: {name!r}.")
    return name


# --- backup and restore ------------------------------------------------------------------------------------------


@dataclass
class Summary:
    path: Path
    engine: str
    media_files: int
    created_at: str
    size: int = 0


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(path: Path) -> Summary:
    """Write an encrypted archive of the database and the media files to ``path`` (written to a temporary name
    next to it and renamed when complete, so a failed backup never leaves a file that looks whole)."""
    key = backup_keys()[0]
    engine = _engine()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="yizhan-backup-") as work:
        database = Path(work) / DATABASE_MEMBER[engine]
        dump_database(database)
        names = list(media_names())
        created_at = timezone.now().isoformat()
        manifest = {
            "format": FORMAT,
            "created_at": created_at,
            "engine": engine,
            "database": DATABASE_MEMBER[engine],
            "migrations": _migrations(),
            "media_files": len(names),
            "django": django.get_version(),
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out, EncryptingWriter(out, key) as sealed:
                with tarfile.open(fileobj=sealed, mode="w|") as archive:
                    _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
                    archive.add(database, arcname=DATABASE_MEMBER[engine], recursive=False)
                    for name in names:
                        with default_storage.open(name, "rb") as media:
                            info = tarfile.TarInfo(MEDIA_PREFIX + name)
                            info.size = default_storage.size(name)
                            info.mode = 0o600
                            archive.addfile(info, media)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Summary(path=path, engine=engine, media_files=len(names), created_at=created_at, size=path.stat().st_size)


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError as exc:
        raise BackupError("The backup has no manifest; it is not a Yizhan backup.") from exc
    if member is None:
        raise BackupError("The backup's manifest is not a file.")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup has format {manifest.get('format')!r}; this version reads format {FORMAT}.")
    return manifest


def restore(path: Path, *, force: bool = False) -> Summary:
    """Bring back the database and the media files of the archive at ``path``. Checks everything first (key,
    integrity, engine) and refuses a database that holds data unless ``force``; then replaces the database and
    writes the media files (files not in the archive are left as they are)."""
    keys = backup_keys()
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    engine = _engine()
    with tempfile.TemporaryDirectory(prefix="yizhan-restore-") as work:
        plain = Path(work) / "backup.tar"
        with path.open("rb") as source, plain.open("wb") as target:
            decrypt_file(source, target, keys)
        with tarfile.open(plain, mode="r:") as archive:
            manifest = read_manifest(archive)
            if manifest.get("engine") != engine:
                raise BackupError(
                    f"This backup is of a {manifest.get('engine')} database; this site uses {engine}. "
                    "Restore it on the same kind of database."
                )
            database_member = archive.extractfile(DATABASE_MEMBER[engine])
            if database_member is None:
                raise BackupError("The backup holds no database.")
            media = [m for m in archive.getmembers() if m.isfile() and m.name.startswith(MEDIA_PREFIX)]
            names = [_safe_media_name(m.name[len(MEDIA_PREFIX) :]) for m in media]
            if not force and holds_data():
                raise BackupError(
                    "This database already holds data (users or audit records). Restore into an empty database, "
                    "or add --force to replace everything in it with the backup."
                )
            database = Path(work) / DATABASE_MEMBER[engine]
            with database.open("wb") as out:
                shutil.copyfileobj(database_member, out)
            load_database(database)
            for member, name in zip(media, names, strict=True):
                content = archive.extractfile(member)
                if content is None:
                    continue
                if default_storage.exists(name):
                    default_storage.delete(name)
                saved = default_storage.save(name, File(content, name=name))
                if saved != name:
                    raise BackupError(f"Media file {name} was stored as {saved}; check the storage.")
    return Summary(
        path=path,
        engine=engine,
        media_files=len(names),
        created_at=str(manifest.get("created_at", "")),
        size=path.stat().st_size,
    )


def default_backup_path() -> Path:
    folder = Path(getattr(settings, "BACKUP_DIR", "var/backups"))
    return folder / f"yizhan-{timezone.localtime():%Y%m%d-%H%M%S}.yzbackup"
