"""The SMTP listener (aiosmtpd): 250 only after the raw message is stored (issue #4 §1).

4xx on a temporary failure (the sender retries), 5xx on a policy rejection (over the size
limit). Routing runs after the raw message is stored; its failures quarantine, never bounce.

A refusal is recorded too (issue #10 §1): the listener reads the whole DATA itself, keeping at
most INTAKE_MAX_BYTES in memory (beyond it the rest is counted and dropped), so a message over
the limit leaves a quarantined record with its headers and size before the 552 goes out. Long
lines are taken in, not refused (mailers that break RFC 5321's 1000 bytes still lose nothing).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from intake.models import Transport
from intake.parsing import MessageRejected
from intake.raw import RawStoreUnavailable
from intake.services.receive import inbound_receive, inbound_refuse, size_refusal

log = logging.getLogger(__name__)
END_OF_DATA = b".\r\n"


class DataMeter:
    """Stands in for the session's stream reader during DATA: counts every byte and, past
    `limit`, swallows the rest of the message (up to the lone dot) so memory stays bounded."""

    def __init__(self, reader: asyncio.StreamReader, limit: int) -> None:
        self.reader = reader
        self.limit = limit
        self.size = 0
        self.over = False
        self._end_pending = False

    async def read(self, n: int = -1) -> bytes:
        chunk = await self.reader.read(n)
        self.size += len(chunk)
        return chunk

    async def readuntil(self, separator: bytes = b"\r\n") -> bytes:
        if self._end_pending:
            self._end_pending = False
            return END_OF_DATA
        try:
            line = await self.reader.readuntil(separator)
        except asyncio.LimitOverrunError as overrun:  # one line longer than the whole limit
            self.size += len(await self.reader.read(overrun.consumed))
            return await self._swallow(at_line_start=False)
        if line == END_OF_DATA:
            return line
        self.size += len(line)
        if self.size > self.limit:
            return await self._swallow(at_line_start=True)
        return line

    async def _swallow(self, *, at_line_start: bool) -> bytes:
        self.over = True
        while True:
            try:
                line = await self.reader.readuntil(b"\r\n")
            except asyncio.LimitOverrunError as overrun:
                self.size += len(await self.reader.read(overrun.consumed))
                at_line_start = False
                continue
            if at_line_start and line == END_OF_DATA:
                self._end_pending = True
                return b"\r\n"
            self.size += len(line)
            at_line_start = True


class IntakeSMTP(SMTP):
    """aiosmtpd's session with the DATA stream metered (see the module text)."""

    def __init__(self, handler: Any, **kwargs: Any) -> None:
        # Lines up to the whole size limit; the meter enforces the limit on the message.
        self.line_length_limit = max(settings.INTAKE_MAX_BYTES, SMTP.line_length_limit)
        super().__init__(handler, **kwargs)
        self.meter: DataMeter | None = None

    async def smtp_DATA(self, arg: str) -> None:  # noqa: N802
        reader = self._reader
        self.meter = DataMeter(reader, settings.INTAKE_MAX_BYTES)
        self._reader = self.meter  # type: ignore[assignment]
        try:
            await super().smtp_DATA(arg)
        finally:
            self._reader = reader


def _receive(raw: bytes, mailbox: str) -> str:
    close_old_connections()
    try:
        inbound, created = inbound_receive(
            raw=raw, transport=Transport.SMTP, mailbox=mailbox, now=timezone.now()
        )
    except MessageRejected as exc:
        return f"552 5.3.4 {exc}"
    except (DatabaseError, RawStoreUnavailable):
        log.exception("SMTP intake: temporary failure")
        return "451 4.3.0 Temporary failure, please try again later"
    return f"250 2.0.0 Message accepted ({inbound.pk}{'' if created else ', duplicate'})"


def _refuse(head: bytes, size: int, mailbox: str) -> str:
    """Over the limit: record the refusal (headers and size), then 552."""
    close_old_connections()
    reason = size_refusal(size)
    try:
        inbound_refuse(
            raw=head,
            size=size,
            reason=reason,
            transport=Transport.SMTP,
            mailbox=mailbox,
            now=timezone.now(),
        )
    except DatabaseError:
        log.exception("SMTP intake: temporary failure recording a refusal")
        return "451 4.3.0 Temporary failure, please try again later"
    return f"552 5.3.4 {reason}"


class IntakeHandler:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mailbox = ",".join(envelope.rcpt_tos)[:200]
        meter = getattr(server, "meter", None)
        if isinstance(meter, DataMeter) and meter.over:
            return await sync_to_async(_refuse, thread_sensitive=True)(raw, meter.size, mailbox)
        return await sync_to_async(_receive, thread_sensitive=True)(raw, mailbox)


class IntakeController(Controller):
    def factory(self) -> SMTP:
        return IntakeSMTP(self.handler, **self.SMTP_kwargs)


def smtp_controller(host: str | None = None, port: int | None = None) -> Controller:
    return IntakeController(
        IntakeHandler(),
        hostname=host or settings.INTAKE_SMTP_HOST,
        port=port if port is not None else settings.INTAKE_SMTP_PORT,
        # No limit in aiosmtpd itself: it would answer 552 without telling the handler, and
        # nothing would be recorded. The meter enforces INTAKE_MAX_BYTES instead.
        data_size_limit=None,
        decode_data=False,
    )
