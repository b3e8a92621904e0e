import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ._backup import (
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_ARCHIVE,
    POSTGRES_DUMP,
    SQLITE,
    SQLITE_COPY,
    Database,
    media_files,
    program,
    sha256_of,
)


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into a new folder: database.dump (pg_dump's "
        "custom format) or database.sqlite3, media.tar and manifest.json with a SHA-256 of each file "
        "and the migrations applied. Restore with `manage.py restore FOLDER` (docs/operations.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", required=True, help="A folder that does not exist yet, or is empty.")
        parser.add_argument(
            "--database-url",
            help="Back up this database instead of the one in the settings (DATABASE_URL).",
        )

    def handle(self, *args: Any, output: str, database_url: str | None, **options: Any) -> None:
        database = (
            Database.from_url(database_url)
            if database_url
            else Database.from_settings(connections["default"].settings_dict)
        )
        folder = Path(output).resolve()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise CommandError(
                _("%(folder)s already exists and is not empty: give every backup a folder of its own.")
                % {"folder": folder}
            )
        # The backup holds personal data: readable by its owner only.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)

        database_file = self.back_up_database(database, folder)
        media_root = Path(settings.MEDIA_ROOT)
        files = self.back_up_media(media_root, folder / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "engine": database.engine,
                "file": database_file.name,
                "size": database_file.stat().st_size,
                "sha256": sha256_of(database_file),
            },
            "media": {
                "file": MEDIA_ARCHIVE,
                "size": (folder / MEDIA_ARCHIVE).stat().st_size,
                "sha256": sha256_of(folder / MEDIA_ARCHIVE),
                "files": files,
            },
            "migrations": database.applied_migrations(),
        }
        manifest_path = folder / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(manifest_path, 0o600)
        self.stdout.write(
            _("Backed up %(database)s and %(count)d uploaded files into %(folder)s.")
            % {"database": database.describe(), "count": len(files), "folder": folder}
        )

    def back_up_database(self, database: Database, folder: Path) -> Path:
        if database.engine == SQLITE:
            target = folder / SQLITE_COPY
            if not Path(database.name).is_file():
                raise CommandError(
                    capfirst(_("%(database)s does not exist.") % {"database": database.describe()})
                )
            # SQLite's online backup API: a consistent copy even while the site writes (WAL included).
            with sqlite3.connect(database.name) as source, sqlite3.connect(target) as copy:
                source.backup(copy)
            os.chmod(target, 0o600)
            return target
        target = folder / POSTGRES_DUMP
        command = [program("pg_dump"), "--format=custom", "--file", str(target), *database.libpq_arguments()]
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from the settings
            command, env=database.libpq_environment(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise CommandError(
                _("pg_dump could not back up %(database)s:\n%(error)s")
                % {"database": database.describe(), "error": result.stderr.strip()}
            )
        os.chmod(target, 0o600)
        return target

    def back_up_media(self, media_root: Path, archive: Path) -> list[dict[str, Any]]:
        files = []
        with tarfile.open(archive, "w") as tar:
            for path in media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                info = tar.gettarinfo(str(path), arcname=relative)
                # Hashed as it is archived, so the manifest describes exactly the bytes in the archive.
                with path.open("rb") as source:
                    hashing = HashingReader(source)
                    tar.addfile(info, hashing)
                files.append({"path": relative, "size": info.size, "sha256": hashing.digest.hexdigest()})
        os.chmod(archive, 0o600)
        return files


class HashingReader:
    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.digest.update(data)
        return data
