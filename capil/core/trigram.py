"""Trigram (pg_trgm) indexes for "contains" searches, created by migrations (issue 8).

Django's `field__icontains=x` is `UPPER(field::text) LIKE UPPER('%x%')` on PostgreSQL: no b-tree can answer it, so
at a city's volume every such search reads the whole table. A GIN index with `gin_trgm_ops` on that very
expression answers it for three characters or more. pg_trgm is a trusted extension (PostgreSQL 13+): a database
owner may create it. Where it cannot be created, the migration says so and goes on without the index — the
searches stay correct, only slower. SQLite: nothing to do (its tables are a developer's, small).

In a migration:  operations = [trigram_index("archive_archiverecord", "tracking_number", "archive_number_trgm_idx")]
"""

import sys

from django.db import migrations, transaction


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 — a missing privilege must not stop the deployment
            sys.stderr.write(f"\n  {name}: pg_trgm is not available ({exc.__class__.__name__}); searching "
                             f"{table}.{column} by a part of it will read the whole table.\n")
            return
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
