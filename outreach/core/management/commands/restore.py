import hashlib
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ._backup import (
    CHUNK,
    MEDIA_ARCHIVE,
    POSTGRES_DUMP,
    SQLITE,
    SQLITE_COPY,
    Database,
    program,
    read_manifest,
    sha256_of,
)

# How many clashing uploads a refusal lists before "and N more".
LISTED = 5


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (create it first, e.g. "
        "with createdb) and the uploads folder. Everything is checked against the manifest before "
        "anything is written; a database that has tables is refused (docs/operations.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", help="The backup's folder (with manifest.json).")
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the one in the settings (DATABASE_URL).",
        )
        parser.add_argument(
            "--media-root", help="Restore the uploads here instead of into the settings' MEDIA_ROOT."
        )

    def handle(
        self, *args: Any, folder: str, database_url: str | None, media_root: str | None, **options: Any
    ) -> None:
        source = Path(folder).resolve()
        manifest = read_manifest(source)
        database = (
            Database.from_url(database_url)
            if database_url
            else Database.from_settings(connections["default"].settings_dict)
        )
        media_target = Path(media_root or settings.MEDIA_ROOT).resolve()

        # Every check before the first write: a refused restore changes nothing.
        database_file = self.checked_file(source, manifest["database"], {POSTGRES_DUMP, SQLITE_COPY})
        archive = self.checked_file(source, manifest["media"], {MEDIA_ARCHIVE})
        if manifest["database"].get("engine") != database.engine:
            raise CommandError(
                _("This backup is of a %(backup)s database; %(database)s is not.")
                % {"backup": manifest["database"].get("engine"), "database": database.describe()}
            )
        tables = database.table_count()
        if tables:
            raise CommandError(
                capfirst(
                    ngettext(
                        "%(database)s already has %(count)d table. A backup is restored only into an empty "
                        "database, so nothing is overwritten: create a new one (createdb) and restore into it.",
                        "%(database)s already has %(count)d tables. A backup is restored only into an empty "
                        "database, so nothing is overwritten: create a new one (createdb) and restore into it.",
                        tables,
                    )
                    % {"database": database.describe(), "count": tables}
                )
            )
        expected = {entry["path"]: entry for entry in manifest["media"].get("files", [])}
        to_write = self.media_plan(expected, media_target)

        self.restore_database(database, database_file)
        written = self.restore_media(archive, expected, to_write, media_target)
        self.stdout.write(
            _(
                "Restored %(database)s and %(count)d uploaded files (%(kept)d were already in place) into %(media)s."
            )
            % {
                "database": database.describe(),
                "count": written,
                "kept": len(expected) - len(to_write),
                "media": media_target,
            }
        )
        missing = self.migrations_missing(manifest.get("migrations") or {})
        if missing:
            self.stdout.write(
                _(
                    "The code has %(count)d migrations the backup's database had not applied (the first: "
                    "%(first)s). Run `manage.py migrate` against the restored database before serving it."
                )
                % {"count": len(missing), "first": missing[0]}
            )

    def checked_file(self, folder: Path, entry: dict[str, Any], names: set[str]) -> Path:
        name = entry.get("file")
        if name not in names:
            raise CommandError(_("The manifest names an unexpected file: %(name)s.") % {"name": name})
        path = folder / name
        if not path.is_file():
            raise CommandError(_("%(path)s is missing from the backup.") % {"path": path})
        if sha256_of(path) != entry.get("sha256"):
            raise CommandError(
                _("%(path)s does not match its checksum in the manifest: the backup is damaged.")
                % {"path": path}
            )
        return path

    def media_plan(self, expected: dict[str, dict[str, Any]], media_target: Path) -> set[str]:
        """The uploads to write; refuses when one would replace a different file already there."""
        to_write, clashes = set(), []
        for relative, entry in expected.items():
            pure = PurePosixPath(relative)
            if pure.is_absolute() or ".." in pure.parts:
                raise CommandError(_("The manifest names an unsafe path: %(path)s.") % {"path": relative})
            target = media_target.joinpath(*pure.parts)
            if not target.exists():
                to_write.add(relative)
            elif not target.is_file() or sha256_of(target) != entry["sha256"]:
                clashes.append(relative)
        if clashes:
            listed = ", ".join(clashes[:LISTED])
            more = len(clashes) - LISTED
            raise CommandError(
                ngettext(
                    "%(count)d uploaded file in the backup would replace a different file in %(media)s "
                    "(%(listed)s%(more)s). Restore into an empty uploads folder (--media-root).",
                    "%(count)d uploaded files in the backup would replace different files in %(media)s "
                    "(%(listed)s%(more)s). Restore into an empty uploads folder (--media-root).",
                    len(clashes),
                )
                % {
                    "count": len(clashes),
                    "media": media_target,
                    "listed": listed,
                    "more": _(" and %(count)d more") % {"count": more} if more > 0 else "",
                }
            )
        return to_write

    def restore_database(self, database: Database, dump: Path) -> None:
        if database.engine == SQLITE:
            Path(database.name).parent.mkdir(parents=True, exist_ok=True)
            with sqlite3.connect(dump) as source, sqlite3.connect(database.name) as target:
                source.backup(target)
            return
        command = [
            program("pg_restore"),
            # Objects belong to the user restoring, whatever role owned them on the old server.
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *database.libpq_arguments(),
            str(dump),
        ]
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from the settings or the operator
            command, env=database.libpq_environment(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise CommandError(
                _("pg_restore could not restore into %(database)s (nothing was kept):\n%(error)s")
                % {"database": database.describe(), "error": result.stderr.strip()}
            )

    def restore_media(
        self, archive: Path, expected: dict[str, dict[str, Any]], to_write: set[str], media_target: Path
    ) -> int:
        written = 0
        with tarfile.open(archive, "r") as tar:
            for member in tar:
                if member.name not in expected:
                    raise CommandError(
                        _("The uploads archive holds %(name)s, which the manifest does not list.")
                        % {"name": member.name}
                    )
                if member.name not in to_write:
                    continue
                if not member.isfile():
                    raise CommandError(
                        _("%(name)s in the uploads archive is not a file.") % {"name": member.name}
                    )
                target = media_target.joinpath(*PurePosixPath(member.name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                # Written beside its place and moved there once its checksum is right.
                with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as partial:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        partial.write(chunk)
                if digest.hexdigest() != expected[member.name]["sha256"]:
                    os.unlink(partial.name)
                    raise CommandError(
                        _("%(name)s in the uploads archive does not match its checksum.")
                        % {"name": member.name}
                    )
                os.chmod(partial.name, 0o644)
                os.replace(partial.name, target)
                written += 1
        return written

    def migrations_missing(self, applied: dict[str, list[str]]) -> list[str]:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        recorded = {(app, name) for app, names in applied.items() for name in names}
        return sorted(f"{app}.{name}" for app, name in loader.disk_migrations if (app, name) not in recorded)
