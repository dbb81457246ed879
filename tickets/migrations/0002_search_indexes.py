"""GIN indexes for full-text search: PostgreSQL only (SQLite searches with LIKE instead)."""

from django.db import migrations

INDEXES = [
    ("ticket_search_gin", "tickets_ticket"),
    ("message_search_gin", "tickets_message"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_vector)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
