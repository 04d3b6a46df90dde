"""Backups that restore: the database and the uploaded files in one archive.

``manage.py backup`` (``make backup``) writes ``atlas-<time>.tar.gz`` holding

- ``database.sqlite3``: a consistent copy made with SQLite's online backup API while the site
  keeps serving (readers and writers wait at most a moment), or ``database.pgdump``: ``pg_dump``'s
  custom format on PostgreSQL (one consistent snapshot; the site keeps serving);
- ``media/``: every file under MEDIA_ROOT (logos, covers and their renditions), when uploads are
  stored locally (with object storage, the bucket keeps its own versions);
- ``manifest.json``: when, which engine, and how many rows each table held.

``manage.py restore <archive>`` (``make restore BACKUP=…``) puts the database back as it was (the
SQLite file is overwritten through the same backup API, so open connections see the restored
data; PostgreSQL gets ``pg_restore --clean``) and writes the media files back into MEDIA_ROOT.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def _connection():
    connection = connections["default"]
    if connection.vendor not in DATABASE_FILES:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}")
    return connection


def _sqlite_copy(source_path, target_path):
    """SQLite's online backup API: a consistent copy, page by page, while others use the file."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _postgres(program, connection, *arguments):
    args, env = _postgres_command(program, connection)
    result = subprocess.run([*args, *map(str, arguments)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise CommandError(f"{program} failed: {result.stderr.strip()}")


def _postgres_command(program, connection):
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} is not installed: install the PostgreSQL client "
            "(apt-get install postgresql-client) in the version of the server or newer"
        )
    params = connection.settings_dict
    args = [program, "--no-owner", "--no-privileges", "--dbname", params["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            args += [option, str(params[key])]
    env = {**os.environ, "PGPASSWORD": params["PASSWORD"]} if params.get("PASSWORD") else None
    return args, env


def _row_counts(connection):
    """Rows of every table of the site's models (search indexes are rebuilt, not counted)."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _media_root():
    if settings.STORAGES["default"]["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return None
    return Path(settings.MEDIA_ROOT)


def backup(folder):
    """Write a backup archive into ``folder``; returns its path."""
    connection = _connection()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    archive = folder / f"atlas-{created:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / DATABASE_FILES[connection.vendor]
        if connection.vendor == "sqlite":
            _sqlite_copy(connection.settings_dict["NAME"], database)
        else:
            _postgres("pg_dump", connection, "--format=custom", "--file", str(database))
        media = _media_root()
        manifest = {
            "created": created.isoformat(),
            "engine": connection.vendor,
            "database": database.name,
            "media": media is not None,
            "rows": _row_counts(connection),
        }
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / "manifest.json", arcname="manifest.json")
            tar.add(database, arcname=database.name)
            if media is not None and media.is_dir():
                tar.add(media, arcname="media")
        partial.rename(archive)
    return archive


def restore(archive):
    """Put the database and media files of ``archive`` back; returns its manifest."""
    connection = _connection()
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
        work = Path(work)
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest["engine"] != connection.vendor:
            raise CommandError(
                f"This backup is of a {manifest['engine']} database; the site uses "
                f"{connection.vendor} (convert with the steps in docs/deploy.md)"
            )
        database = work / manifest["database"]
        if connection.vendor == "sqlite":
            connections.close_all()
            _sqlite_copy(database, connection.settings_dict["NAME"])
        else:
            connections.close_all()
            _postgres(
                "pg_restore", connection, "--clean", "--if-exists", "--single-transaction", database
            )
        media = _media_root()
        if media is not None and (work / "media").is_dir():
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
    return manifest
