"""The ticket a message refers to (D13): our Message-IDs first, then the subject token.

Every reply runs these lookups, so each is one plain SQL query rebuilding the ticket as the ORM
would (contracts.joined), its long texts left out as `defer(*LONG_TEXTS)` leaves them: the
ORM's compilation of a ticket's sixty columns cost more than the database's answer
(bench/bench_intake.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Model

from contracts.joined import joined_fetch, joined_select
from intake.models import InboundMessage
from intake.parsing import Parsed
from notifications.models import OutboxEmail
from tickets.models import LONG_TEXTS, Ticket

TOKEN = re.compile(r"\[(SD-\d{4}-\d{6})\]")

_TICKET: dict[str, type[Model]] = {"t": Ticket}
_LEAVE_OUT = {"t": LONG_TEXTS}


def thread_ticket(parsed: Parsed) -> Ticket | None:
    """The ticket a message refers to: our Message-IDs first, then the subject token."""
    ids = [*parsed.in_reply_to, *parsed.references]
    if ids:
        marks = ", ".join(["%s"] * len(ids))
        # The mail of ours it answers; of several, the newest (OutboxEmail's own ordering).
        sent = _ticket_where(
            f"JOIN {OutboxEmail._meta.db_table} o ON o.ticket_id = t.id "
            f"WHERE o.message_id IN ({marks}) ORDER BY o.created_at DESC, o.id",
            [f"<{i}>" for i in ids],
        )
        if sent is not None:
            return sent
        # A Message-ID can be reused by another message (issue #10 §1): it only counts
        # when every stored message with it belongs to one and the same ticket.
        earlier = set(
            InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False).values_list(
                "ticket_id", flat=True
            )[:20]
        )
        if len(earlier) == 1:
            return _ticket_where("WHERE t.id = %s", [earlier.pop()])
    token = TOKEN.search(parsed.subject)
    if token is None:
        return None
    return _ticket_where("WHERE t.number = %s", [token.group(1)])


def _ticket_where(rest: str, params: list[Any]) -> Ticket | None:
    found = joined_fetch(
        f"SELECT {joined_select(_TICKET, _LEAVE_OUT)} FROM {Ticket._meta.db_table} t {rest} "
        "LIMIT 1",
        params,
        _TICKET,
        _LEAVE_OUT,
    )
    return found[0][0]["t"] if found else None
