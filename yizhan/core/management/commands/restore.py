from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yizhan.core import backups


class Command(BaseCommand):
    help = (
        "Bring back the database and media files from an archive written by `manage.py backup`. The whole archive "
        "is decrypted and checked first; a database that already holds users or audit records is replaced only with "
        "--force. Run `manage.py migrate` afterwards when the code is newer than the backup."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="the archive (.yzbackup)")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data with the backup's contents"
        )

    def handle(self, file: Path, force: bool, **options: Any) -> None:
        try:
            summary = backups.restore(file, force=force)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.path} (made {summary.created_at}): {summary.engine} database and "
                f"{summary.media_files} media file(s). Run `manage.py migrate` if the code is newer than the backup."
            )
        )
