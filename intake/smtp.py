"""The SMTP listener (aiosmtpd): 250 only after the raw message is stored (issue #4 §1).

4xx on a temporary failure (the sender retries), 5xx on a policy rejection (over the size
limit). Routing runs after the raw message is stored; its failures quarantine, never bounce.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from intake.models import Transport
from intake.parsing import MessageRejected
from intake.services.receive import inbound_receive

log = logging.getLogger(__name__)


def _receive(raw: bytes, mailbox: str) -> str:
    close_old_connections()
    try:
        inbound, created = inbound_receive(
            raw=raw, transport=Transport.SMTP, mailbox=mailbox, now=timezone.now()
        )
    except MessageRejected as exc:
        return f"552 5.3.4 {exc}"
    except DatabaseError:
        log.exception("SMTP intake: temporary failure")
        return "451 4.3.0 Temporary failure, please try again later"
    return f"250 2.0.0 Message accepted ({inbound.pk}{'' if created else ', duplicate'})"


class IntakeHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mailbox = ",".join(envelope.rcpt_tos)[:200]
        return await sync_to_async(_receive, thread_sensitive=True)(raw, mailbox)


def smtp_controller(host: str | None = None, port: int | None = None) -> Controller:
    return Controller(
        IntakeHandler(),
        hostname=host or settings.INTAKE_SMTP_HOST,
        port=port if port is not None else settings.INTAKE_SMTP_PORT,
        data_size_limit=settings.INTAKE_MAX_BYTES,
        decode_data=False,
    )
