"""The search index (catalog/search_index.py): FTS5 tables kept by triggers on SQLite, pg_trgm GIN
indexes on PostgreSQL. On PostgreSQL the migration creates the ``pg_trgm`` extension, which
needs a user allowed to create it (or the extension installed beforehand)."""

from django.db import migrations

from catalog import search_index

TABLES = ("catalog_company", "catalog_case", "catalog_policy", "catalog_person")


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search_index.sqlite_install(connection, TABLES)
    elif connection.vendor == "postgresql":
        search_index.postgresql_install(connection, TABLES)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search_index.sqlite_uninstall(connection, TABLES)
    elif connection.vendor == "postgresql":
        search_index.postgresql_uninstall(connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_citation_source_order"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
