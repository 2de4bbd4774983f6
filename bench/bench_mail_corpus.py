"""Run a folder of real-world messages through the email intake and report what a customer would
see (issue #10 §1, §1b).

Run from the repository root: ``python bench/bench_mail_corpus.py [--corpus DIR] [--runs N]``.
The corpus defaults to ``../shared/mail-corpus`` (every ``*.eml`` file below it, any depth). A
throw-away SQLite database and var/ directory in a temporary folder get the catalogue
(``load_catalog``) and the demo data (``seed_demo``); nothing touches var/ or DATABASE_URL.

Every message goes through the real pipeline (``inbound_receive``, transport "pipe") twice: as
sent, and with ``From`` rewritten to a demo named contact (Ruud Kuipers) and a fresh Message-ID,
so it takes the ticket path. Each run happens in a transaction that is rolled back, so the runs
meet the same data; the figures come from the first run, the rate is the median of all runs.

Printed: crashes (exceptions out of the pipeline), messages lost (no InboundMessage row, or a row
still without an outcome), outcomes per kind, and how many stored subjects / texts / ticket
descriptions still hold U+FFFD or raw MIME (MIME header lines, boundary lines, base64 runs).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(os.environ.get("MAIL_CORPUS_DIR") or ROOT.parent / "shared" / "mail-corpus")
DEMO_FROM = b"From: Ruud Kuipers <ruud.kuipers@kuipers.example>"
START = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)  # a Monday morning
STEP = timedelta(minutes=20)  # under the hourly receipt cap per sender

RAW_MIME = [
    re.compile(r"(?im)^content-type:\s*[a-z]+/[a-z0-9.+-]+"),
    re.compile(r"(?im)^content-transfer-encoding:\s*\S+"),
    re.compile(r"(?im)^content-disposition:\s*(attachment|inline)"),
    re.compile(r"(?m)(^[A-Za-z0-9+/]{60,}={0,2}\s*\n){3,}"),  # a base64 run of 3+ lines
]
_BOUNDARY = re.compile(rb"(?i)boundary\s*=\s*\"?([^\";\r\n]{1,100})")


def boundaries_of(raw: bytes) -> set[str]:
    """The multipart boundaries the message declares (their lines are MIME structure)."""
    return {b.decode("latin-1").strip() for b in _BOUNDARY.findall(raw)}


def raw_mime_in(text: str, boundaries: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    if any(pattern.search(text) for pattern in RAW_MIME):
        return True
    lines = {line.strip() for line in text.splitlines() if line.startswith("--")}
    return any(f"--{b}" in lines or f"--{b}--" in lines for b in boundaries)


def messages_of(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.eml") if p.is_file())


def rewritten(raw: bytes, index: int, run: int, own_from: bool) -> bytes:
    """`raw` with a fresh Message-ID (and, if `own_from`, the demo contact as `From`)."""
    head, sep, body = _split(raw)
    lines = _header_fields(head)
    kept = [f for f in lines if not re.match(rb"(?i)message-id\s*:", f)]
    if own_from:
        kept = [f for f in kept if not re.match(rb"(?i)(from|sender)\s*:", f)]
        kept.insert(0, DEMO_FROM)
    kind = b"from" if own_from else b"sent"
    kept.insert(0, b"Message-ID: <corpus-%d-%s-%d@bench.example>" % (index, kind, run))
    return b"\r\n".join(kept) + (sep or b"\r\n\r\n") + body


def _split(raw: bytes) -> tuple[bytes, bytes, bytes]:
    found = re.search(rb"\r?\n\r?\n", raw)
    if not found:
        return raw, b"", b""
    return raw[: found.start()], raw[found.start() : found.end()], raw[found.end() :]


def _header_fields(head: bytes) -> list[bytes]:
    """Header fields with their folded continuation lines."""
    fields: list[bytes] = []
    for line in re.split(rb"\r?\n", head):
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += b"\r\n" + line
        else:
            fields.append(line)
    return [f for f in fields if f]


@dataclass
class Figures:
    crashes: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    duplicates: int = 0
    quarantined: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    replacement: dict[str, list[str]] = field(default_factory=dict)
    raw_mime: dict[str, list[str]] = field(default_factory=dict)

    def flag(self, kind: dict[str, list[str]], what: str, label: str) -> None:
        kind.setdefault(what, []).append(label)


def environment_make() -> Path:
    """A throw-away var/ and SQLite database, the catalogue and the demo data."""
    var = Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    for sub in ("celery/broker", "celery/processed", "mail", "media"):
        (var / sub).mkdir(parents=True)
    os.environ["SERVICEDESK_VAR_DIR"] = str(var)
    os.environ["MEDIA_ROOT"] = str(var / "media")
    os.environ["DATABASE_URL"] = f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=StringIO())
    call_command("seed_demo", "--now", START.isoformat(), stdout=StringIO())
    logging.disable(logging.ERROR)  # a quarantined message is counted, not logged with its trace
    return var


def run_once(files: list[Path], run: int, figures: Figures | None) -> tuple[int, float]:
    """Every message twice through the pipeline in a rolled-back transaction: (count, seconds)."""
    from django.db import transaction

    from intake.models import InboundMessage, Outcome
    from intake.services.receive import inbound_receive

    count, elapsed = 0, 0.0
    with transaction.atomic():
        for index, path in enumerate(files):
            original = path.read_bytes()
            for own_from in (False, True):
                how = "as demo contact" if own_from else "as sent"
                label = f"{path.relative_to(path.parents[1])} ({how})"
                raw = rewritten(original, index, run, own_from) if own_from or run else original
                now = START + STEP * count
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        inbound, created = inbound_receive(raw=raw, transport="pipe", now=now)
                except Exception:
                    elapsed += time.perf_counter() - started
                    count += 1
                    if figures is not None:
                        figures.crashes.append(f"{label}: {traceback.format_exc(limit=3)}")
                    continue
                elapsed += time.perf_counter() - started
                count += 1
                if figures is None:
                    continue
                row = InboundMessage.objects.filter(pk=inbound.pk).first()
                if row is None or row.outcome == Outcome.RECEIVED:
                    figures.lost.append(label)
                    continue
                if not created:
                    figures.duplicates += 1
                    continue
                figures.outcomes[row.outcome] += 1
                if row.outcome == Outcome.QUARANTINED:
                    figures.quarantined.append(f"{label}: {row.error[:200]}")
                inspect(row, label, figures, boundaries_of(raw))
        transaction.set_rollback(True)
    return count, elapsed


def inspect(row: object, label: str, figures: Figures, boundaries: set[str]) -> None:
    from intake.models import InboundMessage

    assert isinstance(row, InboundMessage)
    texts = {"stored subject": row.subject, "stored text": row.body_text}
    first = row.ticket.inbound_messages.order_by("pk").first() if row.ticket else None
    if row.ticket is not None and first == row:
        texts["ticket subject"] = row.ticket.subject
        texts["ticket description"] = row.ticket.description
    if row.ticket_message is not None:
        texts["ticket message"] = row.ticket_message.body
    for what, text in texts.items():
        if "\ufffd" in text:
            figures.flag(figures.replacement, what, label)
        if what != "stored subject" and raw_mime_in(text, boundaries):
            figures.flag(figures.raw_mime, what, label)


def report(figures: Figures, total: int, rates: list[float], verbose: bool) -> None:
    print(f"messages through the pipeline: {total} (each file as sent and as a demo contact)")
    print(f"crashes: {len(figures.crashes)}")
    for crash in figures.crashes:
        print("  ", crash)
    print(f"lost: {len(figures.lost)}")
    for lost in figures.lost:
        print("  ", lost)
    print(f"duplicates (same message delivered again, no effect): {figures.duplicates}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(figures.outcomes.items())))
    for quarantined in figures.quarantined:
        print("   quarantined:", quarantined)
    for title, found in (("U+FFFD", figures.replacement), ("raw MIME", figures.raw_mime)):
        labels = {label for group in found.values() for label in group}
        print(f"messages with {title}: {len(labels)}")
        for what, group in sorted(found.items()):
            print(f"   in {what}: {len(group)}")
            if verbose:
                for label in group:
                    print("      ", label)
    shown = ", ".join(f"{r:.0f}" for r in rates)
    print(f"messages per second: {statistics.median(rates):.0f} (median of {shown})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median rate)")
    parser.add_argument("--verbose", action="store_true", help="name every flagged message")
    args = parser.parse_args()
    files = messages_of(args.corpus)
    if not files:
        # The corpus is not part of the repository: `make bench` goes on without it.
        print(f"skipped: no .eml files under {args.corpus} (set MAIL_CORPUS_DIR)", file=sys.stderr)
        return 0
    var = environment_make()
    try:
        figures = Figures()
        rates: list[float] = []
        total = 0
        for run in range(max(args.runs, 1)):
            total, seconds = run_once(files, run, figures if run == 0 else None)
            rates.append(total / seconds if seconds else 0.0)
        report(figures, total, rates, args.verbose)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    return 1 if figures.crashes or figures.lost else 0


if __name__ == "__main__":
    sys.exit(main())
