"""Benchmark the email intake end to end (issue #4 §4 target: >= 150 messages/s in one process on
PostgreSQL, with the per-message query count reported; issue #16: >= 1.5x django-helpdesk's
get_email on the same messages in the same run, <= 12 queries per new-ticket message).

Run from the repository root: ``python bench/bench_intake.py [--messages N] [--rounds R]``. Uses
DATABASE_URL if set, else a local PostgreSQL database ``servicedesk_bench`` (created when
missing), like bench_ticket_create.py. Three bench customers (``bench-intake-*``) get an onITnow
ONS contract and four named contacts each. Every round feeds N deterministic, realistic messages
of 5-50 KB (plain text, some with an HTML alternative, some with a small attachment) through
``inbound_receive(transport="pipe")``: about 70 % open a ticket (raw stored, routed, ticket and
receipt outbox row committed), about 30 % reply to a ticket of the same round, threaded by the
receipt's Message-ID or by the subject token. Each round uses fresh Message-IDs. Query counts come
from an extra, unmeasured sample. The bench's tickets, inbound messages and outbox rows are
deleted before and after the run. Celery publishes go to a filesystem broker in a temporary
directory (SERVICEDESK_VAR_DIR, which also holds stored attachments), never to var/.

When ``make bench-peer`` has run, the same messages are also written as .eml files and, right
after each of our rounds, django-helpdesk 2.6.1 takes them through its own get_email path
(bench/peer/driver.py intake: local mailbox, its threading by subject token or In-Reply-To):
the table gives both rates per round, the median of the per-round ratios, both query counts and
both processes' peak RSS.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_portal import grid
from bench_ticket_create import (
    database_url,
    django_setup,
    postgres_database_ensure,
    refreshes_a_cache,
    var_dir_make,
    var_dir_remove,
)
from peer_client import NOT_INSTALLED, peer_available, peer_run, rate, ratio_median

PREFIX = "bench-intake"
CUSTOMERS = ("bench-intake-a", "bench-intake-b", "bench-intake-c")
CONTACTS_PER_CUSTOMER = 4
START = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)  # a Monday
# 60 s between messages: ~42 new tickets an hour over 12 senders stay under the hourly receipt
# limit (INTAKE_RECEIPTS_PER_HOUR = 5), so every new ticket writes its receipt.
STEP = timedelta(seconds=60)
REPLY_SHARE = 0.3
HTML_SHARE = 0.4
ATTACHMENT_SHARE = 0.15
QUERY_SAMPLE = 100
FILL_NUMBER = "BI-FILL-"
FILL_KEY = "receipt:bench-fill-"
TARGET_RATE = 150
TARGET_RATIO = 1.5  # ours / django-helpdesk's get_email, issue #16
TARGET_QUERIES_NEW = 12  # issue #16
WORDS_TEXT = (
    "de printer server mail laptop wachtwoord account netwerk vpn verbinding traag storing "
    "melding foutmelding scherm update installatie licentie gebruiker collega kantoor thuis "
    "sinds gisteren vanochtend opnieuw opgestart werkt niet meer graag hulp bij het oplossen "
    "the backup job failed again after the weekend and the share is not reachable from outside "
    "Outlook Teams SharePoint OneDrive Exchange firewall switch router Windows macOS"
)
WORDS = WORDS_TEXT.split(" ")


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    customer: str


@dataclass(frozen=True)
class Planned:
    """One message of a round: a new ticket, or a reply to the new ticket `reply_to`."""

    index: int
    sender: Sender
    subject: str
    body: bytes  # everything after the top-level headers (MIME headers of the body included)
    reply_to: int | None = None  # index of the new-ticket message it answers
    by_token: bool = False  # threaded by the subject token only (no In-Reply-To)


# --- Set-up --------------------------------------------------------------------------------------
def broker_dir_make() -> Path:
    """A throw-away var/ for this process: broker messages and stored attachments go there."""
    return var_dir_make(prefix="bench-intake-")


def senders_make() -> list[Sender]:
    """The bench customers, their ONS contracts and named contacts (get-or-create)."""
    from contracts.models import Contact, ContactRole, Contract, Customer, Package

    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code="onitnow", code="ons"
    )
    senders = []
    for code in CUSTOMERS:
        customer, _ = Customer.objects.get_or_create(code=code, defaults={"name": code})
        contract, _ = Contract.objects.get_or_create(
            reference=f"{code}-contract",
            defaults={
                "customer": customer,
                "provider": package.release.provider,
                "package": package,
                "start_date": date(2020, 1, 1),
            },
        )
        for n in range(CONTACTS_PER_CUSTOMER):
            name = f"Contact {code[-1].upper()}{n}"
            contact, _ = Contact.objects.get_or_create(
                customer=customer, email=f"user{n}@{code}.example", defaults={"name": name}
            )
            ContactRole.objects.get_or_create(
                contact=contact, contract=contract, role="named_contact"
            )
            senders.append(Sender(contact.name, contact.email, code))
    return senders


def fixtures_delete() -> None:
    """The bench's inbound messages (attachments cascade), outbox rows and tickets."""
    from intake.models import InboundMessage
    from notifications.models import OutboxEmail
    from tickets.models import Ticket

    tickets = Ticket.objects.filter(customer__code__in=CUSTOMERS)
    OutboxEmail.objects.filter(key__startswith=FILL_KEY).delete()
    Ticket.objects.filter(number__startswith=FILL_NUMBER).delete()
    InboundMessage.objects.filter(message_id__startswith=f"{PREFIX}-").delete()
    OutboxEmail.objects.filter(ticket__in=tickets).delete()
    OutboxEmail.objects.filter(to_email__icontains=f"@{PREFIX}-").delete()
    tickets.delete()


# --- Messages ------------------------------------------------------------------------------------
def paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(20, 70))]
    return " ".join(words).capitalize() + "."


def text_of(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    total = 0
    while total < size:
        parts.append(paragraph(rng))
        total += len(parts[-1]) + 2
    return "\n\n".join(parts)


def qp_lines(text: str) -> bytes:
    """Plain 8-bit text with CRLF line ends, wrapped at 76 characters."""
    lines: list[str] = []
    for para in text.split("\n"):
        while len(para) > 76:
            cut = para.rfind(" ", 0, 76)
            cut = cut if cut > 0 else 76
            lines.append(para[:cut])
            para = para[cut:].lstrip()
        lines.append(para)
    return "\r\n".join(lines).encode("utf-8") + b"\r\n"


def attachment_of(rng: random.Random) -> tuple[str, bytes]:
    """A small PNG-looking file (the type sniffer recognises the header)."""
    content = b"\x89PNG\r\n\x1a\n" + bytes(
        rng.getrandbits(8) for _ in range(rng.randint(2, 8) * 1024)
    )
    return f"schermafdruk-{rng.randint(1, 999)}.png", content


def body_of(rng: random.Random, size: int, index: int, quoted: str = "") -> bytes:
    """MIME headers and a body of about `size` bytes: text, optionally an HTML alternative and an
    attachment. A reply's `quoted` history is appended to its text."""
    with_html = rng.random() < HTML_SHARE
    with_file = rng.random() < ATTACHMENT_SHARE
    name, content = attachment_of(rng) if with_file else ("", b"")
    room = max(size - len(content) * 4 // 3 - len(quoted), 2048)
    text = text_of(rng, room // 2 if with_html else room) + quoted
    plain = b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    plain += qp_lines(text)
    if with_html:
        html = "".join(f"<p>{p}</p>\r\n" for p in text.split("\n\n"))
        html_part = b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n"
        html_part += html.encode() + b"</body></html>\r\n"
        boundary = b"alt-%d" % index
        plain = (
            b'Content-Type: multipart/alternative; boundary="' + boundary + b'"\r\n\r\n'
            b"--"
            + boundary
            + b"\r\n"
            + plain
            + b"--"
            + boundary
            + b"\r\n"
            + html_part
            + b"--"
            + boundary
            + b"--\r\n"
        )
    if not with_file:
        return plain
    encoded = base64.encodebytes(content).replace(b"\n", b"\r\n")
    boundary = b"mixed-%d" % index
    return (
        b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
        b"--" + boundary + b"\r\n" + plain + b"--" + boundary + b"\r\n"
        b'Content-Type: image/png; name="' + name.encode() + b'"\r\n'
        b'Content-Disposition: attachment; filename="' + name.encode() + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--" + boundary + b"--\r\n"
    )


def plan(senders: list[Sender], count: int, seed: int) -> list[Planned]:
    """A deterministic round: new tickets round-robin over the senders, replies to earlier ones."""
    rng = random.Random(seed)
    planned: list[Planned] = []
    new: list[Planned] = []
    for i in range(count):
        size = rng.randint(5 * 1024, 46 * 1024)
        if new and i >= 10 and rng.random() < REPLY_SHARE:
            original = rng.choice(new)
            colleagues = [s for s in senders if s.customer == original.sender.customer]
            history = "\n".join(f"> {line}" for line in text_of(rng, 1500).split("\n"))
            quoted = f"\n\nOp 7 jun. 2027 schreef Servicedesk <servicedesk@localhost>:\n{history}"
            planned.append(
                Planned(
                    i,
                    rng.choice(colleagues),
                    f"Re: {original.subject}",
                    body_of(rng, size, i, quoted),
                    reply_to=original.index,
                    by_token=rng.random() < 0.5,
                )
            )
            continue
        sender = senders[len(new) % len(senders)]
        subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        message = Planned(i, sender, subject, body_of(rng, size, i))
        planned.append(message)
        new.append(message)
    return planned


def message_id_of(message: Planned, tag: str) -> str:
    return f"<{PREFIX}-{tag}-{message.index}@{message.sender.customer}.example>"


def raw_of(
    message: Planned, tag: str, moment: datetime, threads: dict[int, tuple[str, str]] | None
) -> bytes:
    """The message's bytes; a reply gets the receipt Message-ID or ticket token of its original
    (with `threads` None it gets no thread: the peer harness adds the peer's own)."""
    subject = message.subject
    head = [
        f"Return-Path: <{message.sender.email}>",
        f"From: {message.sender.name} <{message.sender.email}>",
        "To: Servicedesk <servicedesk@localhost>",
        f"Date: {moment.strftime('%a, %d %b %Y %H:%M:%S +0000')}",
        f"Message-ID: {message_id_of(message, tag)}",
        "MIME-Version: 1.0",
    ]
    if message.reply_to is not None and threads is not None:
        receipt_id, number = threads[message.reply_to]
        if message.by_token:
            subject = f"Re: [{number}] {message.subject[4:]}"
        else:
            head += [f"In-Reply-To: {receipt_id}", f"References: {receipt_id}"]
    head.append(f"Subject: {subject}")
    return ("\r\n".join(head) + "\r\n").encode() + message.body


# --- Measurements --------------------------------------------------------------------------------
def feed(
    messages: list[Planned], tag: str, clock: list[datetime], outcomes: Counter[str]
) -> tuple[float, list[int]]:
    """Receive every message in order; (seconds, primary keys of quarantined messages)."""
    from intake.services.receive import inbound_receive
    from notifications.services.outbox import message_id_for

    threads: dict[int, tuple[str, str]] = {}
    quarantined: list[int] = []
    started = time.perf_counter()
    for message in messages:
        clock[0] += STEP
        raw = raw_of(message, tag, clock[0], threads)
        inbound, created = inbound_receive(raw=raw, transport="pipe", now=clock[0])
        outcomes[inbound.outcome if created else "duplicate"] += 1
        if inbound.outcome == "ticket":
            threads[message.index] = (
                message_id_for(f"receipt:{inbound.pk}"),
                inbound.ticket.number if inbound.ticket else "",
            )
        elif inbound.outcome == "quarantined":
            quarantined.append(inbound.pk)
    return time.perf_counter() - started, quarantined


def queries_per_message(
    messages: list[Planned], clock: list[datetime]
) -> tuple[list[int], list[int], list[int]]:
    """Query counts of QUERY_SAMPLE messages: (new tickets, replies, those of either kind that
    read an expired per-process cache again: bench_ticket_create.refreshes_a_cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intake.services.receive import inbound_receive
    from notifications.services.outbox import message_id_for

    threads: dict[int, tuple[str, str]] = {}
    new: list[int] = []
    replies: list[int] = []
    refreshing: list[int] = []
    for message in messages[:QUERY_SAMPLE]:
        clock[0] += STEP
        raw = raw_of(message, "q", clock[0], threads)
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            inbound, _ = inbound_receive(raw=raw, transport="pipe", now=clock[0])
        sqls = [q["sql"] for q in ctx.captured_queries]
        if refreshes_a_cache(sqls):
            refreshing.append(len(sqls))
        else:
            (new if message.reply_to is None else replies).append(len(sqls))
        if inbound.outcome == "ticket":
            threads[message.index] = (
                message_id_for(f"receipt:{inbound.pk}"),
                inbound.ticket.number if inbound.ticket else "",
            )
    return new, replies, refreshing


def bench_counts() -> dict[str, int]:
    from intake.models import InboundMessage
    from notifications.models import OutboxEmail
    from tickets.models import Attachment, Ticket

    mine = InboundMessage.objects.filter(message_id__startswith=f"{PREFIX}-")
    return {
        "inbound": mine.count(),
        "tickets": Ticket.objects.filter(customer__code__in=CUSTOMERS).count(),
        "outbox": OutboxEmail.objects.filter(ticket__customer__code__in=CUSTOMERS).count(),
        "attachments": Attachment.objects.filter(inbound__in=mine).count(),
    }


# --- Report --------------------------------------------------------------------------------------
def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(metric) for metric, _ in rows)
    lines = [f"{'metric'.ljust(width)} | value", f"{'-' * width}-+-{'-' * 28}"]
    lines += [f"{metric.ljust(width)} | {value}" for metric, value in rows]
    return "\n".join(lines)


def peer_files_write(messages: list[Planned], directory: Path) -> None:
    """The round's messages as .eml files with a manifest, for the peer harness (bench/peer/
    driver.py intake): replies without a thread, which the driver gives the peer's own."""
    manifest = []
    moment = START
    for message in messages:
        moment += STEP
        name = f"{message.index:05d}.eml"
        (directory / name).write_bytes(raw_of(message, "peer", moment, None))
        manifest.append(
            {
                "file": name,
                "message_id": message_id_of(message, "peer"),
                "reply_to": message.reply_to,
                "by_token": message.by_token,
            }
        )
    (directory / "manifest.json").write_text(json.dumps(manifest))


def rounds_report(ours: list[float], peer: list[dict[str, Any]]) -> str:
    """Per round: our and the peer's messages/s and their ratio; the median of the ratios."""
    if not peer:
        return grid(["round", "ours msg/s"], [[str(n), f"{r:.0f}"] for n, r in enumerate(ours, 1)])
    theirs = [rate(p) for p in peer]
    rows = [
        [str(n), f"{o:.0f}", f"{t:.0f}", f"{o / t:.2f}"]
        for n, (o, t) in enumerate(zip(ours, theirs, strict=True), 1)
    ]
    rows.append(["median", "-", "-", f"{ratio_median(ours, theirs):.2f} (aim >= {TARGET_RATIO})"])
    return grid(["round", "ours msg/s", "peer msg/s", "ours/peer"], rows)


def mean_max(counts: list[int]) -> str:
    return f"{statistics.mean(counts):.2f} / {max(counts)}" if counts else "-"


def fill(size: int) -> None:
    """`size` more tickets (copies of one of the bench's, FILL_NUMBER numbers) and `size` more
    receipts in the outbox, a third of them to the bench's own senders but older than the
    receipt cap's hour: the tables the intake reads and writes, grown as a year of a busy desk
    grows them. Plain INSERT ... SELECT (seconds, not the service's minutes); then ANALYZE."""
    from django.db import connection

    from notifications.models import OutboxEmail
    from tickets.models import Ticket

    template = Ticket.objects.filter(customer__code__in=CUSTOMERS).order_by("pk").first()
    assert template is not None, "fill after a round: it copies one of the bench's tickets"
    columns = [str(f.column) for f in Ticket._meta.concrete_fields if not f.primary_key]
    chosen = [f"'{FILL_NUMBER}' || g" if c == "number" else f"t.{c}" for c in columns]
    outbox = [str(f.column) for f in OutboxEmail._meta.concrete_fields if not f.primary_key]
    filled = {
        "key": f"'{FILL_KEY}' || g",
        "message_id": f"'<{FILL_KEY}' || g || '@bench.example>'",
        "to_email": "CASE WHEN g %% 3 = 0 THEN 'user' || (g %% 4) || '@bench-intake-a.example' "
        "ELSE 'someone' || g || '@elsewhere.example' END",
        "created_at": "%s - (g * interval '1 minute')",
        "send_after": "%s - (g * interval '1 minute')",
        "planned_at": "%s - (g * interval '1 minute')",
        "state": "'sent'",
    }
    template_mail = OutboxEmail.objects.filter(key__startswith="receipt:").order_by("pk").first()
    assert template_mail is not None, "fill after a round: it copies one of its receipts"
    old = START - timedelta(hours=2)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Ticket._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(chosen)} FROM {Ticket._meta.db_table} t, "
            "generate_series(1, %s) g WHERE t.id = %s",
            [size, template.pk],
        )
        cursor.execute(
            f"INSERT INTO {OutboxEmail._meta.db_table} ({', '.join(outbox)}) "
            f"SELECT {', '.join(filled.get(c, f'o.{c}') for c in outbox)} "
            f"FROM {OutboxEmail._meta.db_table} o, generate_series(1, %s) g WHERE o.id = %s",
            [old, old, old, size, template_mail.pk],
        )
        cursor.execute(f"ANALYZE {Ticket._meta.db_table}")
        cursor.execute(f"ANALYZE {OutboxEmail._meta.db_table}")


def run(count: int, rounds: int, var: Path) -> int:
    from django.db import connection

    from intake.models import InboundMessage

    fixtures_delete()
    senders = senders_make()
    messages = plan(senders, count, seed=4)
    placeholder = {m.index: ("<x@y.example>", "SD-2027-000000") for m in messages}
    sizes = [len(raw_of(m, "size", START, placeholder)) for m in messages]
    peer_dir = var / "peer-mail"
    if peer_available():
        peer_dir.mkdir()
        peer_files_write(messages, peer_dir)
    else:
        print(NOT_INSTALLED, file=sys.stderr)
    clock = [START]
    outcomes: Counter[str] = Counter()
    seconds: list[float] = []
    quarantined: list[int] = []
    peer: list[dict[str, Any]] = []
    for r in range(rounds):
        elapsed, bad = feed(messages, f"r{r}", clock, outcomes)
        seconds.append(elapsed)
        quarantined += bad
        line = f"round {r + 1}: {count / elapsed:.0f} messages/s"
        if peer_dir.is_dir():  # the peer's round right after ours (its sample once)
            peer.append(peer_run("intake", dir=peer_dir, sample=QUERY_SAMPLE if r == 0 else 0))
            line += f", peer {rate(peer[-1]):.0f} messages/s"
        print(line, file=sys.stderr)
    counts = bench_counts()
    new_q, reply_q, refresh_q = queries_per_message(messages, clock)
    rates = [count / s for s in seconds]
    every = new_q + reply_q
    replies = sum(1 for m in messages if m.reply_to is not None)
    rows = [
        ("database", f"{connection.vendor} {connection.settings_dict['NAME']}"),
        ("messages per round x rounds", f"{count} x {rounds}"),
        ("new tickets / replies per round", f"{count - replies} / {replies}"),
        (
            "message size (KB) min / median / max",
            f"{min(sizes) / 1024:.1f} / {statistics.median(sizes) / 1024:.1f} / "
            f"{max(sizes) / 1024:.1f}",
        ),
        ("median (messages/s)", f"{statistics.median(rates):.0f} (target >= {TARGET_RATE})"),
        ("median ms per message", f"{1000 / statistics.median(rates):.2f}"),
        ("outcomes, all rounds", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))),
        ("inbound rows written", str(counts["inbound"])),
        ("tickets written", str(counts["tickets"])),
        ("outbox rows written (receipts)", str(counts["outbox"])),
        ("attachments stored", str(counts["attachments"])),
        (f"queries per message, mean of {len(every)}", f"{statistics.mean(every):.2f}"),
        ("queries per message, max", str(max(every))),
        (
            "queries per new ticket, mean / max",
            f"{mean_max(new_q)} (aim <= {TARGET_QUERIES_NEW})",
        ),
        ("queries per reply, mean / max", mean_max(reply_q)),
        (
            "messages that refreshed an expired cache, n / max queries",
            f"{len(refresh_q)} / {max(refresh_q, default=0)}",
        ),
        (
            "peak RSS of this intake process (MB)",
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}",
        ),
    ]
    if peer:
        rows += [
            ("peer queries per new ticket, mean / max", mean_max(peer[0]["queries_new"])),
            ("peer queries per reply, mean / max", mean_max(peer[0]["queries_reply"])),
            ("peer mails built per round", str(peer[0]["mails"])),
            (
                "peer peak RSS (MB), largest round",
                f"{max(p['peak_rss_kb'] for p in peer) / 1024:.0f}",
            ),
        ]
    print(rounds_report(rates, peer))
    print()
    print(table(rows))
    if quarantined:
        print(f"\n{len(quarantined)} messages quarantined (expected 0); first errors:")
        for row in InboundMessage.objects.filter(pk__in=quarantined[:3]):
            print(f"- {row.message_id}: {row.error[-500:]}")
        return 1
    if outcomes["ticket"] + outcomes["reply"] != count * rounds:
        print(f"\nunexpected outcomes: {dict(outcomes)}")
        return 1
    return 0


def growth(count: int, rounds: int, size: int) -> None:
    """The same rounds before and after `fill(size)`: messages/s and queries, and their ratio
    (the aim: flat, from an empty desk to a busy one)."""
    messages = plan(senders_make(), count, seed=5)
    clock = [START + timedelta(days=7)]
    before = [count / feed(messages, f"g0-{r}", clock, Counter())[0] for r in range(rounds)]
    queries_before = queries_per_message(messages, clock)[0]
    started = time.perf_counter()
    fill(size)
    took = time.perf_counter() - started
    clock[0] += timedelta(days=1)
    after = [count / feed(messages, f"g1-{r}", clock, Counter())[0] for r in range(rounds)]
    queries_after = queries_per_message(messages, clock)[0]
    print()
    print(
        table(
            [
                (f"growth: {size} tickets and {size} outbox rows added", f"in {took:.0f} s"),
                ("messages/s before, rounds", ", ".join(f"{r:.0f}" for r in before)),
                ("messages/s after, rounds", ", ".join(f"{r:.0f}" for r in after)),
                (
                    "after / before (medians)",
                    f"{statistics.median(after) / statistics.median(before):.2f} (aim: flat)",
                ),
                ("queries per new ticket before", mean_max(queries_before)),
                ("queries per new ticket after", mean_max(queries_after)),
            ]
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000, help="messages per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--fill",
        type=int,
        default=100_000,
        help="then the rounds again after adding this many tickets and outbox rows (0: not)",
    )
    args = parser.parse_args()
    var = broker_dir_make()
    url = database_url()
    postgres_database_ensure(url)
    django_setup(url)
    try:
        code = run(args.messages, args.rounds, var)
        if args.fill and code == 0:
            growth(min(args.messages, 300), args.rounds, args.fill)
        return code
    finally:
        fixtures_delete()
        var_dir_remove(var)


if __name__ == "__main__":
    sys.exit(main())
