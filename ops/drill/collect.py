"""What the database holds, read straight from PostgreSQL (not through PgBouncer, which the
drill restarts): samples of sweep lag and outbox backlog during the run, and after it the rows
each marker left, the outbox, the escalations, and what a sweep would still fire."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from ops.drill.topology import DATABASE, ROOT
from ops.drill.verify import exactly_once

DIRECT = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
SAMPLE_SQL = """
SELECT
  (SELECT coalesce(extract(epoch FROM now() - min(next_check_at)), 0) FROM tickets_ticket
    WHERE next_check_at <= now()),
  (SELECT count(*) FROM escalation_outboxemail WHERE state = 'pending' AND send_after <= now()),
  (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM escalation_outboxemail
    WHERE state = 'pending' AND send_after <= now())
"""


def query(sql: str, *args: Any, **named: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(DIRECT, autocommit=True, connect_timeout=5) as conn:
        return list(conn.execute(sql, named or args).fetchall())


def in_flight() -> int:
    from ops.drill.faults import IN_FLIGHT_SQL

    try:
        return int(query(IN_FLIGHT_SQL)[0][0])
    except psycopg.Error:
        return 0


@dataclass
class Samples:
    """(seconds since start, sweep lag s, outbox backlog rows, oldest pending s)."""

    rows: list[tuple[float, float, int, float]] = field(default_factory=list)


def sampler_run(
    begin: float, every: float, stop: threading.Event, out: Samples
) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(every):
            try:
                lag, backlog, oldest = query(SAMPLE_SQL)[0]
            except psycopg.Error:
                continue
            out.rows.append((time.time() - begin, float(lag), int(backlog), float(oldest)))

    thread = threading.Thread(target=loop, name="sampler", daemon=True)
    thread.start()
    return thread


def marker_counts(tag: str, read_object: Callable[[str], bytes]) -> dict[str, Counter[str]]:
    """Per table, how many rows hold each marker of this run. The raw mail is read where it is:
    in its row, or in the bucket under the row's `raw_file` (INTAKE_RAW_STORAGE=object); an
    object missing from the bucket counts as a mail lost."""
    pattern = re.compile(rf"{re.escape(tag)}-[a-z]+-\d+")
    like = f"%{tag}-%"
    tables = {
        "tickets": "SELECT subject FROM tickets_ticket WHERE subject LIKE %s",
        "messages": "SELECT body FROM tickets_ticketmessage WHERE body LIKE %s",
    }
    found: dict[str, Counter[str]] = {}
    for name, sql in tables.items():
        counts: Counter[str] = Counter()
        for (text,) in query(sql, like):
            counts.update(set(pattern.findall(text)))
        found[name] = counts
    found["inbound"] = Counter()
    # The raw message: a mail stored but not yet routed has no subject yet.
    rows = query(
        "SELECT raw, raw_file FROM intake_inboundmessage "
        "WHERE raw_file <> '' OR position(convert_to(%s, 'UTF8') in raw) > 0",
        f"{tag}-",
    )
    for raw, name in rows:
        data = _object_or_nothing(read_object, name) if name else bytes(raw)
        found["inbound"].update(set(pattern.findall(data.decode("utf-8", "replace"))))
    return found


def _object_or_nothing(read_object: Callable[[str], bytes], name: str) -> bytes:
    try:
        return read_object(name)
    except Exception:  # botocore's NoSuchKey: the mail's bytes are gone
        return b""


def intake_unrouted() -> int:
    """Stored mail whose routing has not finished (the stuck-mail retry routes it later)."""
    return int(query("SELECT count(*) FROM intake_inboundmessage WHERE outcome = 'received'")[0][0])


def outbox_rows() -> tuple[list[str], dict[str, int]]:
    sent = [
        r[0] for r in query("SELECT message_id FROM escalation_outboxemail WHERE state = 'sent'")
    ]
    states = dict(query("SELECT state, count(*) FROM escalation_outboxemail GROUP BY state"))
    return sent, {str(k): int(v) for k, v in states.items()}


def escalation_figures() -> dict[str, Any]:
    by_reason = dict(query("SELECT reason, count(*) FROM escalation_escalation GROUP BY reason"))
    doubled = query(
        "SELECT ticket_id, level, reason, clock_version, occasion FROM escalation_escalation "
        "GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1"
    )
    return {"by_reason": {str(k): int(v) for k, v in by_reason.items()}, "doubled": len(doubled)}


# Independent of the planner: which tickets must have had each escalation by `cut`.
DUE_SQL = {
    # Microsoft Critical: level 1 as soon as the ticket exists.
    "critical_created": "SELECT id FROM tickets_ticket WHERE priority_level = 'critical' "
    "AND created_at < %(cut)s",
    # A response clock still running a margin past its due time (none is paused in the drill):
    # one answered sooner may be answered before a sweep sees it, then no breach is raised.
    "response_breach": "SELECT ticket_id FROM tickets_slaclock WHERE metric = 'response' "
    "AND due_at < %(cut)s AND (stopped_at IS NULL OR stopped_at > due_at + %(margin)s)",
}


def escalations_due(end: float, margin: float) -> dict[str, dict[str, Any]]:
    """Per reason: the tickets that must have it by `end` - `margin` (the sweep's interval and
    a killed sweep's lease), against the escalations found: exactly one each (a ticket may
    have it without being due by then)."""
    cut = datetime.fromtimestamp(end - margin, tz=UTC)
    found: dict[str, dict[str, Any]] = {}
    for reason, sql in DUE_SQL.items():
        due = [str(r[0]) for r in query(sql, cut=cut, margin=timedelta(seconds=margin))]
        fired = query(
            "SELECT ticket_id, count(*) FROM escalation_escalation WHERE reason = %s GROUP BY 1",
            reason,
        )
        check = exactly_once(due, {str(t): int(n) for t, n in fired})
        found[reason] = {"due": check.checked, "missing": check.lost, "doubled": check.doubled}
    return found


def unfired_at(when: float, env: dict[str, str]) -> list[str]:
    """What a sweep at `when` would still fire (a dry run): escalations that were due by then
    and never fired. Empty when every due escalation fired."""
    moment = datetime.fromtimestamp(when, tz=UTC).isoformat()
    direct = dict(env, DATABASE_URL=DIRECT)
    done = subprocess.run(
        [sys.executable, "manage.py", "escalation_sweep", "--now", moment],
        cwd=ROOT,
        env=direct,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line.startswith("would fire")]
