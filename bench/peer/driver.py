"""Time django-helpdesk 2.6.1's own code paths in-process, for the same-run ratios of `make bench`.

Runs under the PEER venv (``bench/peer/.venv/bin/python bench/peer/driver.py OP ...``, made by
``make bench-peer``), never under the project's venv; bench/peer_client.py spawns it. Django
start-up, the database check and the fixtures are not timed. Every subcommand first deletes the
rows of its earlier runs (so each round does the same work), warms up on a few untimed items,
then times each item and prints ONE JSON line: ``seconds`` (per item), ``queries`` (per item, from
an extra sample run under CaptureQueriesContext) and what it checked.

- ``intake --dir D [--sample K]``: D holds a round's messages as .eml files and a
  ``manifest.json`` (``[{"file", "message_id", "reply_to", "by_token"}]``, in order; ``reply_to``
  is the index of the new-ticket message a reply answers). Each message goes through
  ``helpdesk.email.process_queue`` -- what ``manage.py get_email`` calls for every queue -- on a
  queue of type "local" whose directory holds just that message, so every message is timed on
  its own and in order. helpdesk threads a reply by its ``[slug-id]`` subject token or by an
  In-Reply-To naming a message it stored on a follow-up: a ``by_token`` reply gets the token of
  the ticket its original opened (as a reply to helpdesk's own mail carries it), any other reply
  an In-Reply-To/References naming its original's Message-ID (as a reply-all to the thread does).
  The replies' thread is checked afterwards: a reply that opened a ticket of its own fails.
- ``create --n N --path form|api``: ``form`` builds helpdesk's staff ``TicketForm`` the way its
  CreateTicketView does (the staff user's queue choices), validates it and calls ``save(user)``;
  ``api`` POSTs JSON to its DRF ``/api/tickets/`` with ``django.test.Client`` as a logged-in
  staff user. Both send its new-ticket mails.
- ``escalate --n N [--repeat R]``: N open tickets of a queue with ``escalate_days = 1``, created
  three days ago, no escalation exclusions; times ``manage.py escalate_tickets`` for that queue R
  times (fresh rows each time) and reports the time per escalated ticket of each run (every one
  of the N must be escalated) and the queries per escalated ticket.

- ``pages --tickets N --requests R``: helpdesk's staff pages at N tickets: N tickets (each with
  the "Ticket Opened" follow-up its own creation writes) over PAGE_QUEUES queues, registered in
  order over the last twelve months, a tenth assigned to the staff user, most closed, a sixth
  open (built once and kept while their number is N). Then, as gunicorn calls Django, through
  its WSGI handler in this process with the staff user's session: the dashboard
  (``/dashboard/``), and the staff ticket list as a browser shows it: the page (``/tickets/``)
  and the rows its table then asks for (``/datatables_ticket_list/<query>``, the first 25 in
  the default order). R requests each after 3 warm-up ones: ``pages`` maps the page's name to
  its seconds and ``queries`` to the SQL statements of one more request.

Mail goes to Django's locmem backend (cleared per item): rendered and built, never sent.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WARMUP = 10
QUERY_SAMPLE = 50
INTAKE_QUEUE = "peerin"
CREATE_QUEUE = "peercreate"
ESCALATE_QUEUE = "peeresc"
PAGE_QUEUES = 30  # queues of the pages bench, "peerpg-00".., as our bench has 30 contracts
PAGE_WARMUP = 3
QUEUE_ADDRESS = "servicedesk@localhost"  # the bench mail's To: not copied onto the ticket
STAFF = "bench-staff"


# --- Set-up --------------------------------------------------------------------------------------
def django_setup() -> Path:
    """Django with the peer's settings, migrated; returns the temporary media directory."""
    sys.path[:0] = [str(HERE), str(HERE.parent)]  # settings; bench/pg_database.py
    from pg_database import postgres_database_ensure
    from settings import DEFAULT_DATABASE_URL

    os.environ["DJANGO_SETTINGS_MODULE"] = "settings"
    media = Path(tempfile.mkdtemp(prefix="helpdesk-peer-media-"))
    os.environ["PEER_MEDIA_ROOT"] = str(media)
    postgres_database_ensure(os.environ.get("PEER_DATABASE_URL") or DEFAULT_DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)
    return media


def staff_user() -> Any:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username=STAFF,
        defaults={"email": "staff@helpdesk.example", "is_staff": True, "is_superuser": True},
    )
    return user


def queue_make(slug: str, **fields: Any) -> Any:
    """The bench queue `slug` (created or reset to `fields`), with none of its tickets left."""
    from helpdesk.models import Queue, Ticket

    defaults = {
        "title": f"Bench {slug}",
        "email_address": QUEUE_ADDRESS,
        "allow_public_submission": False,
        "allow_email_submission": False,
        "email_box_type": None,
        "escalate_days": None,
        "logging_type": "none",
    }
    defaults.update(fields)
    queue, _ = Queue.objects.update_or_create(slug=slug, defaults=defaults)
    Ticket.objects.filter(queue=queue).delete()
    return queue


def mail_clear() -> int:
    """Drop the messages the locmem backend kept (memory stays flat); how many there were."""
    from django.core import mail

    count = len(getattr(mail, "outbox", []))
    mail.outbox = []
    return count


def timed(items: list[Any], action: Callable[[Any], Any]) -> tuple[list[float], int]:
    """Seconds of `action(item)` for every item, and the mails it built."""
    seconds: list[float] = []
    mails = 0
    for item in items:
        mails += mail_clear()
        started = time.perf_counter()
        action(item)
        seconds.append(time.perf_counter() - started)
    return seconds, mails + mail_clear()


def counted(items: list[Any], action: Callable[[Any], Any]) -> list[int]:
    """SQL statements of `action(item)` for every item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for item in items:
        mail_clear()
        with CaptureQueriesContext(connection) as ctx:
            action(item)
        counts.append(len(ctx.captured_queries))
    return counts


# --- intake --------------------------------------------------------------------------------------
class Intake:
    """helpdesk's local-mailbox intake, one message per process_queue call, threads checked."""

    def __init__(self, directory: Path, manifest: list[dict[str, Any]]) -> None:
        self.directory = directory
        self.manifest = manifest
        self.mailbox = Path(tempfile.mkdtemp(prefix="helpdesk-peer-mailbox-"))
        self.logger = logging.getLogger(f"django.helpdesk.queue.{INTAKE_QUEUE}")
        # What process_email does for a queue whose logging type is "none".
        self.logger.handlers = []
        self.logger.propagate = False
        self.queue: Any = None
        self.tickets: dict[int, int] = {}
        self.outcomes: Counter[str] = Counter()

    def reset(self) -> None:
        self.queue = queue_make(
            INTAKE_QUEUE,
            allow_email_submission=True,
            email_box_type="local",
            email_box_local_dir=str(self.mailbox),
            email_box_interval=0,
        )
        self.tickets = {}

    def raw_of(self, index: int) -> bytes:
        """The message's bytes with helpdesk's threading for a reply."""
        entry = self.manifest[index]
        raw = (self.directory / entry["file"]).read_bytes()
        original = entry.get("reply_to")
        if original is None:
            return raw
        head, _, body = raw.partition(b"\r\n\r\n")
        if entry.get("by_token"):
            token = f"[{INTAKE_QUEUE}-{self.tickets[original]}] ".encode()
            head = head.replace(b"\r\nSubject: Re: ", b"\r\nSubject: Re: " + token, 1)
        else:
            msgid = self.manifest[original]["message_id"].encode()
            head += b"\r\nIn-Reply-To: " + msgid + b"\r\nReferences: " + msgid
        return head + b"\r\n\r\n" + body

    def receive(self, index: int) -> None:
        """Timed by the caller: what get_email does for one message in the mailbox."""
        from helpdesk.email import process_queue

        process_queue(self.queue, logger=self.logger)

    def place(self, index: int) -> None:
        (self.mailbox / self.manifest[index]["file"]).write_bytes(self.raw_of(index))

    def check(self, index: int) -> None:
        """Which ticket the message landed on, against the thread it belongs to."""
        from helpdesk.models import FollowUp

        entry = self.manifest[index]
        if any(self.mailbox.iterdir()):
            for left in self.mailbox.iterdir():
                left.unlink()
            self.outcomes["left in the mailbox"] += 1
            return
        followup = FollowUp.objects.filter(message_id=entry["message_id"]).first()
        if followup is None:
            self.outcomes["no follow-up"] += 1
        elif entry.get("reply_to") is None:
            self.tickets[index] = followup.ticket_id
            self.outcomes["ticket"] += 1
        elif followup.ticket_id == self.tickets.get(entry["reply_to"]):
            self.outcomes["reply"] += 1
        else:
            self.outcomes["reply on the wrong ticket"] += 1

    def run(self, indexes: list[int], measure: str) -> tuple[list[Any], int]:
        """Every message in order: (seconds or query counts, mails built)."""
        results: list[Any] = []
        mails = 0
        for index in indexes:
            self.place(index)
            if measure == "seconds":
                seconds, built = timed([index], self.receive)
                results += seconds
                mails += built
            else:
                results += counted([index], self.receive)
            self.check(index)
        return results, mails


def intake(args: argparse.Namespace) -> dict[str, Any]:
    directory = Path(args.dir)
    manifest = json.loads((directory / "manifest.json").read_text())
    run = Intake(directory, manifest)
    everything = list(range(len(manifest)))
    try:
        run.reset()
        run.run(everything[:WARMUP], "seconds")
        run.reset()
        run.outcomes.clear()
        seconds, mails = run.run(everything, "seconds")
        outcomes = dict(run.outcomes)
        run.reset()
        sample = everything[: args.sample]
        queries, _ = run.run(sample, "queries")
        run.reset()
    finally:
        shutil.rmtree(run.mailbox, ignore_errors=True)
    new = [manifest[i].get("reply_to") is None for i in everything]
    return {
        "seconds": seconds,
        "new": new,
        "queries_new": [q for q, i in zip(queries, sample, strict=True) if new[i]],
        "queries_reply": [q for q, i in zip(queries, sample, strict=True) if not new[i]],
        "outcomes": outcomes,
        "ok": outcomes.get("ticket", 0) == sum(new)
        and outcomes.get("reply", 0) == len(new) - sum(new),
        "mails": mails,
    }


# --- create --------------------------------------------------------------------------------------
def create(args: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client
    from helpdesk.forms import TicketForm
    from helpdesk.models import Ticket
    from helpdesk.views.staff import get_user_queues

    queue = queue_make(CREATE_QUEUE)
    staff = staff_user()
    client = Client()
    client.force_login(staff)

    def fields(i: int) -> dict[str, Any]:
        return {
            "queue": queue.pk,
            "title": f"Bench ticket {i}",
            "submitter_email": f"user{i % 12}@peer-bench.example",
            "priority": 3,
        }

    def by_form(i: int) -> None:
        form = TicketForm(
            data={**fields(i), "body": "Created by bench/peer/driver.py.", "assigned_to": ""},
            queue_choices=get_user_queues(staff),
        )
        if not form.is_valid():
            raise RuntimeError(f"TicketForm refused: {form.errors.as_json()}")
        form.save(user=staff)

    def by_api(i: int) -> None:
        data = {**fields(i), "description": "Created by bench/peer/driver.py."}
        response = client.post("/api/tickets/", data, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"API refused: {response.status_code} {response.content[:500]!r}")

    action = by_form if args.path == "form" else by_api
    timed(list(range(WARMUP)), action)
    queue_make(CREATE_QUEUE)
    seconds, mails = timed(list(range(args.n)), action)
    made = Ticket.objects.filter(queue=queue).count()
    queries = counted(list(range(args.n, args.n + min(args.n, QUERY_SAMPLE))), action)
    queue_make(CREATE_QUEUE)
    return {"seconds": seconds, "queries": queries, "ok": made == args.n, "mails": mails}


# --- escalate ------------------------------------------------------------------------------------
def escalation_fixtures(queue: Any, count: int, owner: Any) -> None:
    """`count` open tickets, created three days ago at priority 3, none escalated yet."""
    from django.utils import timezone
    from helpdesk.models import Ticket

    Ticket.objects.filter(queue=queue).delete()
    created = timezone.now() - timedelta(days=3)
    Ticket.objects.bulk_create(
        Ticket(
            title=f"Escalation bench ticket {i}",
            queue=queue,
            submitter_email=f"user{i % 12}@peer-bench.example",
            description="Created by bench/peer/driver.py.",
            status=Ticket.OPEN_STATUS,
            priority=3,
            assigned_to=owner,
        )
        for i in range(count)
    )
    # `created` is auto_now_add: bulk_create stamps it with now, an update does not.
    Ticket.objects.filter(queue=queue).update(created=created, modified=created)


def escalate(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command
    from helpdesk.models import EscalationExclusion, Ticket

    queue = queue_make(ESCALATE_QUEUE, escalate_days=1)
    EscalationExclusion.objects.all().delete()
    owner = staff_user()

    def sweep(count: int) -> None:
        call_command("escalate_tickets", queues=[ESCALATE_QUEUE])

    escalation_fixtures(queue, WARMUP, owner)
    timed([WARMUP], sweep)
    per_ticket: list[float] = []
    escalated: list[int] = []
    mails = 0
    for _ in range(args.repeat):
        escalation_fixtures(queue, args.n, owner)
        [total], built = timed([args.n], sweep)
        escalated.append(Ticket.objects.filter(queue=queue, priority=2).count())
        per_ticket.append(total / max(escalated[-1], 1))
        mails += built
    sample = min(args.n, QUERY_SAMPLE)
    escalation_fixtures(queue, sample, owner)
    [queries] = counted([sample], sweep)
    queue_make(ESCALATE_QUEUE, escalate_days=1)
    return {
        "seconds": per_ticket,
        "escalated": escalated,
        "queries": [queries / sample],
        "ok": all(e == args.n for e in escalated),
        "mails": mails,
    }


# --- pages ---------------------------------------------------------------------------------------
def page_tickets(count: int, owner: Any) -> list[Any]:
    """The pages bench's queues with `count` tickets (kept from an earlier run when it left
    exactly that many), each with its opening follow-up."""
    from django.db import connection
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    queues = [
        Queue.objects.get_or_create(
            slug=f"peerpg-{n:02d}",
            defaults={"title": f"Bench pages {n:02d}", "email_address": QUEUE_ADDRESS},
        )[0]
        for n in range(PAGE_QUEUES)
    ]
    theirs = Ticket.objects.filter(queue__in=queues)
    if theirs.count() == count:
        return queues
    theirs.delete()
    now = timezone.now()
    start = now - timedelta(days=365)
    step = ((now - start) / max(count, 1)).total_seconds()
    # Statuses as a desk a year old has them: most closed, some resolved, open work, reopened.
    statuses = [Ticket.CLOSED_STATUS] * 70 + [Ticket.RESOLVED_STATUS] * 12
    statuses += [Ticket.OPEN_STATUS] * 16 + [Ticket.REOPENED_STATUS] * 2
    batch = 5000
    for first in range(0, count, batch):
        Ticket.objects.bulk_create(
            Ticket(
                title=f"Peer pages ticket {i}",
                queue=queues[i % PAGE_QUEUES],
                submitter_email=f"user{i % 500}@peer-bench.example",
                description="Created by bench/peer/driver.py.",
                # The newest tickets are the open ones, as at a desk.
                status=Ticket.OPEN_STATUS if i > count - count // 20 else statuses[i % 100],
                priority=1 + i % 5,
                assigned_to=owner if i % 10 == 0 else None,
            )
            for i in range(first, min(first + batch, count))
        )
    # `created` is auto_now_add: bulk_create stamps it with now; registered in id order instead.
    first_id = theirs.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE helpdesk_ticket SET created = %s + (id - %s) * make_interval(secs => %s), "
            "modified = %s + (id - %s) * make_interval(secs => %s) WHERE queue_id = ANY(%s)",
            [start, first_id, step, start, first_id, step, [q.pk for q in queues]],
        )
    opened = theirs.values_list("id", "created")
    for first in range(0, count, batch):
        FollowUp.objects.bulk_create(
            FollowUp(ticket_id=pk, date=created, title="Ticket Opened", public=True, user=owner)
            for pk, created in opened.order_by("id")[first : first + batch]
        )
    with connection.cursor() as cursor:
        for table in ("helpdesk_ticket", "helpdesk_followup"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return queues


def pages(args: argparse.Namespace) -> dict[str, Any]:
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Ticket
    from wsgi_get import WsgiGet  # bench/, on the path since django_setup()

    staff = staff_user()
    queues = page_tickets(args.tickets, staff)
    client = Client()
    client.force_login(staff)
    found = re.search(rb'"url": "(/datatables_ticket_list/[^"]+)"', client.get("/tickets/").content)
    if found is None:
        raise RuntimeError("the ticket list names no datatables URL")
    rows_url = found.group(1).decode() + "?draw=1&start=0&length=25"
    views: dict[str, list[str]] = {
        "dashboard": ["/dashboard/"],
        "staff ticket list": ["/tickets/", rows_url],
    }
    wsgi_get = WsgiGet(client)

    def get(url: str) -> None:
        status = wsgi_get(url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")

    seconds: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    for name, urls in views.items():
        for _ in range(PAGE_WARMUP):
            for url in urls:
                get(url)
        seconds[name] = []
        for _ in range(args.requests):
            started = time.perf_counter()
            for url in urls:
                get(url)
            seconds[name].append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as ctx:
            for url in urls:
                get(url)
        queries[name] = len(ctx.captured_queries)
    rows = client.get(rows_url).json()
    tickets = Ticket.objects.filter(queue__in=queues).count()
    return {
        "pages": seconds,
        "queries": queries,
        "tickets": tickets,
        "rows_shown": len(rows.get("data", [])),
        "ok": tickets == args.tickets and len(rows.get("data", [])) == min(25, tickets),
    }


# --- Entry point ---------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ops = parser.add_subparsers(dest="op", required=True)
    p_intake = ops.add_parser("intake")
    p_intake.add_argument("--dir", required=True)
    p_intake.add_argument("--sample", type=int, default=QUERY_SAMPLE)
    p_create = ops.add_parser("create")
    p_create.add_argument("--n", type=int, required=True)
    p_create.add_argument("--path", choices=("form", "api"), required=True)
    p_escalate = ops.add_parser("escalate")
    p_escalate.add_argument("--n", type=int, required=True)
    p_escalate.add_argument("--repeat", type=int, default=1, help="timed runs, each on fresh rows")
    p_pages = ops.add_parser("pages")
    p_pages.add_argument("--tickets", type=int, required=True)
    p_pages.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if args.op == "pages":
        # A database of its own: 100,000 tickets beside them would slow the other ops' queries.
        sys.path.insert(0, str(HERE))
        from settings import DEFAULT_DATABASE_URL

        base = os.environ.get("PEER_DATABASE_URL") or DEFAULT_DATABASE_URL
        os.environ["PEER_DATABASE_URL"] = f"{base}_pages"
        del sys.modules["settings"]  # read again by django.setup(), with this database
    media = django_setup()
    try:
        result = {"intake": intake, "create": create, "escalate": escalate, "pages": pages}[
            args.op
        ](args)
    finally:
        shutil.rmtree(media, ignore_errors=True)
    import django

    result.update(
        op=args.op,
        helpdesk=_version("django-helpdesk"),
        django=django.get_version(),
        peak_rss_kb=peak_rss_kb(),
    )
    print(json.dumps(result))
    return 0


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM): ru_maxrss would carry over the RSS of the bench
    process that spawned it, since Linux keeps it across execve."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    sys.exit(main())
