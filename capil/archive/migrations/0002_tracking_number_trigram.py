"""A trigram index for searching the archive by a part of a tracking number (issue 8).

`tracking_number__icontains` is `UPPER(tracking_number::text) LIKE UPPER('%…%')`: no b-tree can answer it, so
at a million archived applications every search read the whole table. PostgreSQL's pg_trgm answers it from a
GIN index on the same expression. pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create
it. Where it cannot be created the migration says so and goes on without the index (searches stay correct,
only slower). SQLite: nothing to do (its archive is small).
"""

from django.db import migrations, transaction

INDEX = "archive_number_trgm_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 — a missing privilege must not stop the deployment
        print(f"\n  archive: pg_trgm is not available ({exc.__class__.__name__}); "
              "searching by a part of a tracking number will read the whole archive.")
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "archive_archiverecord" '
        "USING gin (UPPER(tracking_number::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
