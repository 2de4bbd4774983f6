"""Large text and byte columns compressed with lz4 on PostgreSQL (issue #16).

PostgreSQL compresses a value of more than about 2 KB before storing it out of line; its default
method, pglz, cost about 1.5 ms of every email's 5-6 database milliseconds (the raw message, its
text and HTML, the ticket's description: bench_intake). lz4 compresses a little less and several
times faster. Setting a column's method is a change of the catalogue only: existing values stay as
they are and are still read, new values use lz4, no table is rewritten and no lock is held for
longer than the catalogue change, so the migrations are safe under traffic. Other databases, and a
PostgreSQL built without lz4, are left alone.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _lz4_available(schema_editor: Any) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def lz4_columns(app_label: str, columns: dict[str, tuple[str, ...]]) -> migrations.RunPython:
    """A migration operation: the `columns` of each model of `app_label` (model name -> field
    names) compressed with lz4 from now on; reversed, with PostgreSQL's default again."""

    def statements(apps: Any, schema_editor: Any, method: str) -> None:
        if not _lz4_available(schema_editor):
            return
        quote = schema_editor.quote_name
        for model_name, fields in columns.items():
            meta = apps.get_model(app_label, model_name)._meta
            changes = ", ".join(
                f"ALTER COLUMN {quote(meta.get_field(name).column)} SET COMPRESSION {method}"
                for name in fields
            )
            schema_editor.execute(f"ALTER TABLE {quote(meta.db_table)} {changes}")

    return migrations.RunPython(
        lambda apps, editor: statements(apps, editor, "lz4"),
        lambda apps, editor: statements(apps, editor, "default"),
        elidable=False,
    )
