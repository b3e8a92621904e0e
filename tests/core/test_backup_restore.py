"""`manage.py backup` and `manage.py restore`: what was published, a grantee's encrypted contact and
the uploads come back whole in a new, empty database; a damaged backup, a database with tables and
uploads that would be overwritten are refused, and nothing is written."""

import io
import json
import shutil
import sqlite3
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from wagtail_factories import ImageFactory

from outreach.core.encryption import keyring_for
from tests.factories.cms import ArticlePageFactory
from tests.factories.grants import GranteeFactory


@pytest.fixture(autouse=True)
def in_english():
    # The commands' messages are asserted in the source language, whatever the site's default is.
    with translation.override("en"):
        yield


def postgres_url(name: str) -> str:
    """The URL of database `name` on the server the suite uses."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or '5432'}/{name}"


def server_connection():
    """An autocommit connection to the server's maintenance database, for CREATE/DROP DATABASE."""
    import psycopg

    db = connection.settings_dict
    parameters = {"dbname": "postgres", "autocommit": True, "host": db["HOST"] or "127.0.0.1"}
    for key, value in (("port", db["PORT"]), ("user", db["USER"]), ("password", db["PASSWORD"])):
        if value:
            parameters[key] = value
    return psycopg.connect(**parameters)


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """A new, empty database on the same server, with a unique name; dropped afterwards."""
    from psycopg import sql

    name = f"outreach_restore_{uuid.uuid4().hex[:12]}"
    with server_connection() as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with server_connection() as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore are for PostgreSQL; the SQLite path is tested below",
)
def test_a_backup_restores_pages_encrypted_grantees_and_uploads_into_a_new_database(
    home, media, tmp_path, empty_postgres_database
):
    for name in ("pg_dump", "pg_restore"):
        if shutil.which(name) is None:
            pytest.fail(
                f"{name} is not installed: install the PostgreSQL client (apt-get install postgresql-client)"
            )
    # given a published page, a grantee whose email is stored encrypted, and an uploaded image
    page = ArticlePageFactory(parent=home, title="Why the recruiters' promises fall apart", slug="promises")
    page.save_revision().publish()
    grantee = GranteeFactory(email="maryam.ahmadi@example.org")
    image = ImageFactory(title="Poster")
    image_path = Path(image.file.path)
    original_image = image_path.read_bytes()
    backup = tmp_path / "backup"

    # when the site is backed up
    call_command("backup", output=str(backup), stdout=io.StringIO())

    # then the folder holds the dump, the uploads and a manifest describing both
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["database"]["engine"] == "postgresql"
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"
    relative = image_path.relative_to(media).as_posix()
    assert relative in {entry["path"] for entry in manifest["media"]["files"]}
    assert "0001_initial" in manifest["migrations"]["grants"]
    assert manifest["created_at"].endswith("+00:00")
    # and it names no host nor password
    text = (backup / "manifest.json").read_text()
    assert "127.0.0.1" not in text and "postgres://" not in text

    # when it is restored into a new, empty database and an empty uploads folder
    restored_media = tmp_path / "restored-media"
    url = postgres_url(empty_postgres_database)
    out = io.StringIO()
    call_command("restore", str(backup), database_url=url, media_root=str(restored_media), stdout=out)
    assert "Restored the PostgreSQL database" in out.getvalue()
    assert "migrate" not in out.getvalue()

    # then the page, the grantee's email (still encrypted at rest) and the image are there
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as restored:
        title, live = restored.execute(
            "SELECT title, live FROM wagtailcore_page WHERE id = %s", [page.pk]
        ).fetchone()
        [stored_email] = restored.execute(
            "SELECT email FROM grants_grantee WHERE id = %s", [grantee.pk]
        ).fetchone()
    assert (title, live) == ("Why the recruiters' promises fall apart", True)
    assert "maryam" not in stored_email
    assert (
        keyring_for("GRANTS_ENCRYPTION_KEYS").decrypt(stored_email.encode()).decode()
        == "maryam.ahmadi@example.org"
    )
    assert (restored_media / relative).read_bytes() == original_image

    # and restoring again into that database, now with tables, is refused
    with pytest.raises(CommandError, match=r"already has \d+ tables"):
        call_command("restore", str(backup), database_url=url, media_root=str(tmp_path / "elsewhere"))
    assert not (tmp_path / "elsewhere").exists()


# --- SQLite (the embedded default) -------------------------------------------------------------------


@pytest.fixture
def sqlite_site(tmp_path, media) -> Path:
    """A SQLite database with a migrations table and one row, and one uploaded file."""
    path = tmp_path / "site.sqlite3"
    with sqlite3.connect(path) as database:
        database.execute(
            "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)"
        )
        database.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('grants', '0001_initial', '')"
        )
        database.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        database.execute("INSERT INTO notes (text) VALUES ('Ask, don''t judge.')")
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "leaflet.pdf").write_bytes(b"%PDF-1.4 leaflet")
    return path


def back_up(database: Path, folder: Path) -> None:
    call_command("backup", output=str(folder), database_url=f"sqlite:///{database}", stdout=io.StringIO())


def restore(folder: Path, database: Path, media_root: Path) -> None:
    call_command(
        "restore", str(folder), database_url=f"sqlite:///{database}", media_root=str(media_root),
        stdout=io.StringIO(),
    )  # fmt: skip


@pytest.mark.django_db
def test_a_sqlite_backup_is_a_copy_made_with_the_backup_api_and_restores_whole(sqlite_site, tmp_path):
    # when
    back_up(sqlite_site, tmp_path / "backup")
    restore(tmp_path / "backup", tmp_path / "restored.sqlite3", tmp_path / "restored-media")
    # then
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["engine"] == "sqlite"
    assert manifest["migrations"] == {"grants": ["0001_initial"]}
    [entry] = manifest["media"]["files"]
    assert entry["path"] == "documents/leaflet.pdf"
    with sqlite3.connect(tmp_path / "restored.sqlite3") as restored:
        assert restored.execute("SELECT text FROM notes").fetchall() == [("Ask, don't judge.",)]
    assert (tmp_path / "restored-media" / "documents" / "leaflet.pdf").read_bytes() == b"%PDF-1.4 leaflet"


@pytest.mark.django_db
def test_a_restore_into_a_database_with_tables_is_refused_and_changes_nothing(sqlite_site, tmp_path):
    back_up(sqlite_site, tmp_path / "backup")
    # given a target that already has a table
    target = tmp_path / "busy.sqlite3"
    with sqlite3.connect(target) as busy:
        busy.execute("CREATE TABLE important (id INTEGER)")
    # when / then
    with pytest.raises(
        CommandError,
        match="The SQLite database .* already has 1 table. A backup is restored only into an empty database",
    ):
        restore(tmp_path / "backup", target, tmp_path / "restored-media")
    with sqlite3.connect(target) as busy:
        assert [row[0] for row in busy.execute("SELECT name FROM sqlite_master")] == ["important"]
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.django_db
def test_a_damaged_backup_is_refused_before_anything_is_written(sqlite_site, tmp_path):
    back_up(sqlite_site, tmp_path / "backup")
    # given a media archive changed after the backup
    with tarfile.open(tmp_path / "backup" / "media.tar", "a") as archive:
        extra = tmp_path / "extra.txt"
        extra.write_text("slipped in")
        archive.add(extra, arcname="documents/extra.txt")
    # when / then
    with pytest.raises(
        CommandError, match="does not match its checksum in the manifest: the backup is damaged"
    ):
        restore(tmp_path / "backup", tmp_path / "restored.sqlite3", tmp_path / "restored-media")
    assert not (tmp_path / "restored.sqlite3").exists()
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.django_db
def test_uploads_that_would_replace_different_files_are_refused(sqlite_site, tmp_path):
    back_up(sqlite_site, tmp_path / "backup")
    # given an uploads folder with another file of the same name
    clash = tmp_path / "restored-media" / "documents" / "leaflet.pdf"
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"%PDF-1.4 a different leaflet")
    # when / then
    with pytest.raises(CommandError, match=r"1 uploaded file in the backup would replace a different file"):
        restore(tmp_path / "backup", tmp_path / "restored.sqlite3", tmp_path / "restored-media")
    assert clash.read_bytes() == b"%PDF-1.4 a different leaflet"
    assert not (tmp_path / "restored.sqlite3").exists()


@pytest.mark.django_db
def test_a_backup_never_writes_into_a_folder_that_is_not_empty(sqlite_site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "older.txt").write_text("an earlier backup")
    with pytest.raises(CommandError, match="already exists and is not empty"):
        back_up(sqlite_site, tmp_path / "backup")
    assert [path.name for path in (tmp_path / "backup").iterdir()] == ["older.txt"]


@pytest.mark.django_db
def test_a_folder_without_a_manifest_is_not_restored(tmp_path):
    (tmp_path / "half").mkdir()
    with pytest.raises(
        CommandError, match="has no manifest.json: it is not a backup, or the backup did not finish"
    ):
        restore(tmp_path / "half", tmp_path / "restored.sqlite3", tmp_path / "restored-media")
