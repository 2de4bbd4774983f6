"""Benchmark the outbox send path (``escalation.services.outbox.outbox_send``) against a loopback
SMTP server: emails per second with two worker processes, and every email delivered exactly once.

Run from the repository root: ``python bench/bench_outbox.py [--emails M] [--runs R]
[--workers W]``. Uses DATABASE_URL if set, else a local PostgreSQL database ``servicedesk_bench``
(created when missing), like bench_ticket_create.py. An aiosmtpd server on 127.0.0.1 counts the
messages it accepts by Message-ID. Each run writes M outbox rows with ``outbox_enqueue`` (50 per
transaction; the on-commit publishes go to a filesystem broker in a temporary directory and are
never consumed), then W worker processes call ``outbox_send`` over their share of the ids
(row i goes to worker i mod W) with EMAIL_URL pointing at the server. A last run has every worker
walk all ids in the same order, so they compete for each row (SELECT ... FOR UPDATE SKIP LOCKED):
the exactly-once check under contention. The bench rows are deleted before and after each run.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing as mp
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from bench_ticket_create import database_url, django_setup, postgres_database_ensure

KEY_PREFIX = "bench-outbox:"
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # enqueue and send time: every row is due
PER_TRANSACTION = 50
BODY_TEXT = (
    "Ticket SD-2026-{i:06d} heeft de oplostijd overschreden.\n\n"
    "Prioriteit: Top (P1). Klant: Bench BV. Contract: bench-outbox-contract.\n"
    "Bekijk het ticket: https://servicedesk.example/tickets/{i}/\n\n"
    "Dit bericht is automatisch verzonden door de servicedesk.\n"
) * 3


# --- SMTP server ---------------------------------------------------------------------------------
class CountingHandler:
    """aiosmtpd handler that keeps nothing but a count per Message-ID."""

    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        headers = self.parser.parsebytes(envelope.content)
        self.seen[str(headers.get("Message-ID", "")).strip()] += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smtp_start() -> tuple[Any, CountingHandler]:
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler


def environment_set(port: int) -> Path:
    """Mail to the loopback server; Celery publishes to a broker directory of our own."""
    var = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    for sub in ("celery/broker", "celery/processed", "mail"):
        (var / sub).mkdir(parents=True)
    os.environ["SERVICEDESK_VAR_DIR"] = str(var)
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    return var


# --- Outbox rows ---------------------------------------------------------------------------------
def rows_delete() -> None:
    from escalation.models import OutboxEmail

    OutboxEmail.objects.filter(key__startswith=KEY_PREFIX).delete()


def rows_enqueue(run: int, count: int) -> tuple[list[int], float]:
    """`count` rows through outbox_enqueue, PER_TRANSACTION a transaction: (ids, rows/s)."""
    from django.db import transaction

    from escalation.services.outbox import Email, outbox_enqueue

    ids: list[int] = []
    started = time.perf_counter()
    for first in range(0, count, PER_TRANSACTION):
        with transaction.atomic():
            for i in range(first, min(first + PER_TRANSACTION, count)):
                email = Email(
                    to_email=f"escalation.{i % 7}@bench-outbox.example",
                    to_name=f"Escalation contact {i % 7}",
                    language="nl",
                    subject=f"[SD-2026-{i:06d}] Oplostijd overschreden (run {run})",
                    body_text=BODY_TEXT.format(i=i),
                    body_html="<p>" + BODY_TEXT.format(i=i).replace("\n", "<br>\n") + "</p>",
                )
                row = outbox_enqueue(key=f"{KEY_PREFIX}{run}:{i:05d}", email=email, now=NOW)
                if row is None:
                    raise RuntimeError(f"outbox key of row {i} already written")
                ids.append(row.pk)
    return ids, count / (time.perf_counter() - started)


def rows_check(ids: list[int], seen: Counter[str]) -> tuple[int, int, int, int]:
    """(arrived once, arrived more than once, missing, rows not marked sent once)."""
    from escalation.models import OutboxEmail, OutboxState

    rows = list(OutboxEmail.objects.filter(pk__in=ids).values_list("message_id", "state"))
    rows += [("", "")] * (len(ids) - len(rows))  # rows that disappeared count as missing
    once = sum(1 for mid, _ in rows if seen[mid] == 1)
    more = sum(1 for mid, _ in rows if seen[mid] > 1)
    missing = sum(1 for mid, _ in rows if seen[mid] == 0)
    not_sent = sum(1 for _, state in rows if state != OutboxState.SENT)
    not_sent += OutboxEmail.objects.filter(pk__in=ids).exclude(attempts=1).count()
    return once, more, missing, not_sent
