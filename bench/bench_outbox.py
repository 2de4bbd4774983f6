"""Benchmark the outbox send path (``notifications.services.outbox.outbox_send``) against a loopback
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
    from notifications.models import OutboxEmail

    OutboxEmail.objects.filter(key__startswith=KEY_PREFIX).delete()


def rows_enqueue(run: int, count: int) -> tuple[list[int], float]:
    """`count` rows through outbox_enqueue, PER_TRANSACTION a transaction: (ids, rows/s)."""
    from django.db import transaction

    from notifications.services.outbox import Email, outbox_enqueue

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
    from notifications.models import OutboxEmail, OutboxState

    rows = list(OutboxEmail.objects.filter(pk__in=ids).values_list("message_id", "state"))
    rows += [("", "")] * (len(ids) - len(rows))  # rows that disappeared count as missing
    once = sum(1 for mid, _ in rows if seen[mid] == 1)
    more = sum(1 for mid, _ in rows if seen[mid] > 1)
    missing = sum(1 for mid, _ in rows if seen[mid] == 0)
    not_sent = sum(1 for _, state in rows if state != OutboxState.SENT)
    not_sent += OutboxEmail.objects.filter(pk__in=ids).exclude(attempts=1).count()
    return once, more, missing, not_sent


# --- Workers -------------------------------------------------------------------------------------
def worker(ids: list[int], barrier: Any, results: Any) -> None:
    """One worker process: set Django up, connect, wait for the start, send its ids."""
    import django

    django.setup()
    from django.db import connection

    from notifications.services.outbox import outbox_send

    connection.ensure_connection()
    barrier.wait()
    sent = sum(outbox_send(outbox_id=outbox_id, now=NOW) for outbox_id in ids)
    connection.close()
    results.put(sent)


def send_round(shards: list[list[int]]) -> tuple[float, int]:
    """Run one worker per shard from a common start: (seconds until all are done, rows sent)."""
    ctx = mp.get_context("spawn")  # no inherited connections, sockets or SMTP server thread
    barrier = ctx.Barrier(len(shards) + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=worker, args=(shard, barrier, results)) for shard in shards]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    sent = sum(results.get(timeout=900) for _ in procs)
    elapsed = time.perf_counter() - started
    for proc in procs:
        proc.join(timeout=60)
    return elapsed, sent


def run_once(run: int, count: int, workers: int, handler: CountingHandler, contend: bool) -> dict:
    rows_delete()
    ids, enqueue_rate = rows_enqueue(run, count)
    handler.seen.clear()
    shards = [ids] * workers if contend else [ids[w::workers] for w in range(workers)]
    elapsed, sent = send_round(shards)
    once, more, missing, not_sent = rows_check(ids, handler.seen)
    rows_delete()
    return {
        "run": str(run),
        "mode": "contended" if contend else "sharded",
        "emails": count,
        "enqueue/s": f"{enqueue_rate:.0f}",
        "seconds": f"{elapsed:.2f}",
        "emails/s": f"{count / elapsed:.1f}",
        "sent": sent,
        "received": sum(handler.seen.values()),
        "once": once,
        "twice+": more,
        "missing": missing,
        "not sent": not_sent,
    }


# --- Report --------------------------------------------------------------------------------------
def table(rows: list[dict]) -> str:
    head = list(rows[0])
    cells = [[str(row[h]) for h in head] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.rjust(w) for c, w in zip(cell, widths, strict=True)) for cell in cells]
    return "\n".join(lines)


def exactly_once(row: dict) -> bool:
    count = row["emails"]
    return row["once"] == row["sent"] == row["received"] == count and row["not sent"] == 0


def run(args: argparse.Namespace, handler: CountingHandler) -> bool:
    from django.conf import settings
    from django.db import connection

    rows = [run_once(r, args.emails, args.workers, handler, False) for r in range(1, args.runs + 1)]
    rows.append(run_once(args.runs + 1, args.emails, args.workers, handler, True))
    rate = statistics.median(float(r["emails/s"]) for r in rows if r["mode"] == "sharded")
    ok = all(exactly_once(r) for r in rows)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"SMTP: aiosmtpd on {settings.EMAIL_HOST}:{settings.EMAIL_PORT} (one connection a mail)")
    print(f"{args.workers} worker processes calling outbox_send; seconds = first send to last\n")
    print(table(rows))
    print(f"\nmedian of the sharded runs: {rate:.1f} emails/s")
    verdict = "yes" if ok else "NO"
    print(f"every message arrived exactly once (by Message-ID), rows all sent: {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000, help="outbox rows per run")
    parser.add_argument("--runs", type=int, default=3, help="sharded runs (the median is shown)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    controller, handler = smtp_start()
    var = environment_set(controller.port)
    try:
        url = database_url()
        postgres_database_ensure(url)
        django_setup(url)
        rows_delete()
        ok = run(args, handler)
    finally:
        rows_delete()
        controller.stop()
        shutil.rmtree(var, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
