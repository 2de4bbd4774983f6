"""The back-office queue's ORDER BY as an index (D7, tickets.models.queue_order), so the first
page of 100,000 tickets is read from the index instead of sorting them all.

PostgreSQL only: SQLite cannot index NULLS LAST, and the embedded default serves a demo-sized
desk. Created here rather than in Ticket.Meta for that reason; the SQL is the one Django
generates for `models.Index(*queue_order())` on PostgreSQL.
"""

from django.db import migrations

NAME = "ticket_queue_order_idx"
COLUMNS = (
    "(CASE WHEN \"status\" IN ('in_progress', 'new', 'waiting_for_customer', "
    "'waiting_for_vendor') THEN 0 ELSE 1 END) ASC, \"priority_rank\" ASC NULLS LAST, "
    '"package_precedence" DESC, "earliest_due_at" ASC NULLS LAST, "created_at" ASC'
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "tickets_ticket" ({COLUMNS})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("tickets", "0011_ticket_completeness")]

    operations = [migrations.RunPython(create, drop)]
