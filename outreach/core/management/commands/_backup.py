"""What `manage.py backup` writes and `manage.py restore` reads (docs/operations.md).

A backup is one folder: the database (`database.dump`, PostgreSQL's custom format from pg_dump, or
`database.sqlite3`, a copy made with SQLite's backup API), the uploads (`media.tar`, every file under
MEDIA_ROOT) and `manifest.json`, written last: the SHA-256 of each of them and of every uploaded file,
when the backup was made and which migrations the database had. A folder without a manifest is an
unfinished backup. Neither the manifest nor any message names a host or a password."""

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import environ
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar"
POSTGRESQL, SQLITE = "postgresql", "sqlite"
ENGINES = {"django.db.backends.postgresql": POSTGRESQL, "django.db.backends.sqlite3": SQLITE}
# Connection options libpq's programs take from the environment rather than the command line.
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into, from Django's DATABASES entry or a DATABASE_URL."""

    engine: str
    name: str
    user: str = ""
    password: str = field(default="", repr=False)
    host: str = ""
    port: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings_dict: dict[str, Any]) -> "Database":
        engine = ENGINES.get(settings_dict.get("ENGINE", ""))
        if engine is None:
            raise CommandError(
                _("Only PostgreSQL and SQLite databases can be backed up and restored, not %(engine)s.")
                % {"engine": settings_dict.get("ENGINE")}
            )
        return cls(
            engine=engine,
            name=str(settings_dict.get("NAME") or ""),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            options=dict(settings_dict.get("OPTIONS") or {}),
        )

    @classmethod
    def from_url(cls, url: str) -> "Database":
        try:
            config = environ.Env.db_url_config(url)
        except Exception:  # whatever django-environ objects to: the message must not echo the URL
            raise CommandError(_("The database URL could not be read.")) from None
        return cls.from_settings(config)

    def describe(self) -> str:
        """Names the database without its host or credentials."""
        if self.engine == SQLITE:
            return _("the SQLite database %(name)s") % {"name": self.name}
        return _("the PostgreSQL database “%(name)s”") % {"name": self.name}

    # --- PostgreSQL -------------------------------------------------------------------------------

    def libpq_arguments(self) -> list[str]:
        arguments = []
        if self.host:
            arguments += ["--host", self.host]
        if self.port:
            arguments += ["--port", self.port]
        if self.user:
            arguments += ["--username", self.user]
        return [*arguments, "--dbname", self.name]

    def libpq_environment(self) -> dict[str, str]:
        # The password goes through the environment, never the command line other users can read.
        environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        if self.password:
            environment["PGPASSWORD"] = self.password
        for option, variable in LIBPQ_ENVIRONMENT.items():
            if option in self.options:
                environment[variable] = str(self.options[option])
        return environment

    def connect(self) -> Any:
        import psycopg

        parameters: dict[str, Any] = {"dbname": self.name, "connect_timeout": 10}
        for key, value in (
            ("host", self.host),
            ("port", self.port),
            ("user", self.user),
            ("password", self.password),
        ):
            if value:
                parameters[key] = value
        parameters.update({key: value for key, value in self.options.items() if key in LIBPQ_ENVIRONMENT})
        try:
            return psycopg.connect(**parameters)
        except psycopg.Error as error:
            raise CommandError(
                _("Could not connect to %(database)s: %(error)s")
                % {"database": self.describe(), "error": type(error).__name__}
            ) from None

    # --- Either -----------------------------------------------------------------------------------

    def table_count(self) -> int:
        """Tables outside the system schemas; 0 for a SQLite file that does not exist yet."""
        if self.engine == SQLITE:
            if not Path(self.name).exists():
                return 0
            with sqlite3.connect(self.name) as database:
                return database.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                ).fetchone()[0]
        with self.connect() as database:
            return database.execute(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]

    def applied_migrations(self) -> dict[str, list[str]]:
        """The migrations recorded in django_migrations, by app; empty when there is no such table."""
        query = "SELECT app, name FROM django_migrations ORDER BY app, id"
        if self.engine == SQLITE:
            with sqlite3.connect(self.name) as database:
                try:
                    rows = database.execute(query).fetchall()
                except sqlite3.OperationalError:
                    rows = []
        else:
            import psycopg

            with self.connect() as database:
                try:
                    rows = database.execute(query).fetchall()
                except psycopg.errors.UndefinedTable:
                    rows = []
        migrations: dict[str, list[str]] = {}
        for app, name in rows:
            migrations.setdefault(app, []).append(name)
        return migrations


def program(name: str) -> str:
    """The path of a PostgreSQL client program; CommandError saying how to install it when missing."""
    path = shutil.which(name)
    if path is None:
        raise CommandError(
            _(
                "%(program)s was not found. Install the PostgreSQL client programs of the server's "
                "major version or newer (Debian: apt-get install postgresql-client)."
            )
            % {"program": name}
        )
    return path


def media_files(root: Path) -> list[Path]:
    """Every regular file under `root`, sorted; links are left out (they could point anywhere)."""
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise CommandError(
            _("%(folder)s has no %(manifest)s: it is not a backup, or the backup did not finish.")
            % {"folder": folder, "manifest": MANIFEST}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise CommandError(_("%(path)s is not valid JSON.") % {"path": path}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise CommandError(
            _("%(path)s is not a manifest of backup format %(version)d.")
            % {"path": path, "version": FORMAT_VERSION}
        )
    return manifest
