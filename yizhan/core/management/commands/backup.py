from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.core import backups


class Command(BaseCommand):
    help = (
        "Write an encrypted archive (BACKUP_KEY) of the database and the media files: SQLite's online backup or "
        "pg_dump, plus every file of the default storage. Default file: BACKUP_DIR/yizhan-<time>.yzbackup."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="the archive to write (default: in BACKUP_DIR)")

    def handle(self, output: Path | None, **options: Any) -> None:
        path = output or backups.default_backup_path()
        try:
            summary = backups.backup(path)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written: {summary.path} ({summary.size:,} bytes; {summary.engine} database, "
                f"{summary.media_files} media file(s))."
            )
        )
