"""Long texts and raw mail are compressed with lz4 on PostgreSQL (issue #16: pglz cost about
1.5 ms of every email's database time)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

COLUMNS = {
    ("intake_inboundmessage", "raw"),
    ("intake_inboundmessage", "body_text"),
    ("intake_inboundmessage", "body_html"),
    ("tickets_ticket", "description"),
    ("tickets_ticket", "reproduction_steps"),
    ("tickets_ticket", "business_impact"),
    ("tickets_ticketmessage", "body"),
    ("escalation_outboxemail", "body_text"),
    ("escalation_outboxemail", "body_html"),
}


def test_the_long_columns_use_lz4() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "WHERE a.attcompression = 'l' AND c.relname = ANY(%s)",
            [sorted({table for table, _ in COLUMNS})],
        )
        found = set(cursor.fetchall())
    assert found == COLUMNS


def test_a_compressed_value_reads_back_whole() -> None:
    from intake.models import InboundMessage

    if connection.vendor != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    raw = b"Subject: x\r\n\r\n" + b"regel met tekst\r\n" * 4000
    row = InboundMessage.objects.create(
        dedupe_key="lz4-test",
        message_id="lz4@x",
        sha256="0" * 64,
        size=len(raw),
        raw=raw,
        transport="pipe",
        received_at="2026-06-01T10:00:00Z",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(raw) FROM intake_inboundmessage WHERE id = %s", [row.pk]
        )
        assert cursor.fetchone()[0] == "lz4"
    assert bytes(InboundMessage.objects.get(pk=row.pk).raw) == raw
