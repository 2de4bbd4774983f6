"""Delivery-status reports: the desk's mail that bounced (issue #10 §3).

A report (RFC 3464 `multipart/report; report-type=delivery-status`, or a common non-standard
bounce from a mailer daemon) names the message it reports on: the Message-ID in its
`message/rfc822` or `text/rfc822-headers` part, an `Original-Message-ID` field, its own
`In-Reply-To`/`References`, or (non-standard bounces) a quoted `Message-ID:` line. A report
that says the delivery failed marks the outbox row `bounced` (time and reason) and flags the
contacts with that address; an escalation's bounced mail goes to the next person in line
(`escalation_fallback`, as for a 5xx). A report on a message the desk did not send changes
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesParser

from contracts.models import Contact
from escalation.services.fallback import escalation_fallback
from intake.identity import split_head
from intake.parsing.headers import head_only
from notifications.models import OutboxEmail, OutboxState

_MSGID = re.compile(r"<([^<>\s]{3,250})>")
_QUOTED_ID = re.compile(rb"(?im)^[ >\t]*(?:original-)?message-id:[ \t]*(<[^<>\s]{3,250}>)")
_BOUNCE_SUBJECT = re.compile(
    r"(?i)undeliver|returned mail|delivery (status notification|failure|has failed)|"
    r"failure notice|mail delivery failed|niet (afgeleverd|bezorgd)|onbestelbaar|"
    r"unzustellbar|non remis"
)
_BOUNCE_LOCAL = ("mailer-daemon", "postmaster", "mail-daemon")
SCAN_BYTES = 256 * 1024


@dataclass(frozen=True)
class DeliveryReport:
    message_ids: list[str]  # normalised "<id>" candidates of the original message
    failed: bool  # a recipient failed for good ("delayed" / "delivered" reports do not)
    recipients: list[str] = field(default_factory=list)  # the failed final recipients
    reason: str = ""


def _ids(value: str) -> list[str]:
    return [f"<{found.lower()}>" for found in _MSGID.findall(value or "")]


def _field(block: Message, name: str) -> str:
    value = block.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _report_fields(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    blocks = re.split(r"\r?\n\r?\n", text.strip())
    return [BytesParser(policy=policy.compat32).parsebytes(b.encode(), True) for b in blocks]


def _original_ids(part: Message) -> list[str]:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return _ids(_field(inner[0], "Message-ID"))
    raw = part.get_payload(decode=True)
    if isinstance(raw, bytes):
        return [m.decode("ascii", "replace").lower() for m in _QUOTED_ID.findall(raw)]
    return []


def delivery_report(raw: bytes, sender: str, subject: str) -> DeliveryReport | None:
    """The report in `raw`, or None when it is not a delivery-status report."""
    # The headers decide whether it is a report at all; only a report is parsed whole (most
    # mail is not one, and the intake reads every message here).
    head = BytesParser(policy=policy.compat32).parsebytes(head_only(raw), headersonly=True)
    standard = head.get_content_type() == "multipart/report" and (
        str(head.get_param("report-type") or "").lower() == "delivery-status"
    )
    local = sender.rpartition("@")[0].lower()
    nonstandard = local in _BOUNCE_LOCAL or (
        bool(_BOUNCE_SUBJECT.search(subject)) and head.get("Auto-Submitted") is not None
    )
    if not standard and not nonstandard:
        return None
    message = BytesParser(policy=policy.compat32).parsebytes(raw)
    own_id = _ids(_field(message, "Message-ID"))
    ids: list[str] = []
    actions: list[str] = []
    recipients: list[str] = []
    diagnostics: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status"):
            for block in _report_fields(part):
                ids += _ids(_field(block, "Original-Message-ID"))
                action = _field(block, "Action").lower()
                if action:
                    actions.append(action)
                if action == "failed":
                    recipient = _field(block, "Final-Recipient").rpartition(";")[2].strip()
                    recipients.append(recipient.strip("<>").lower())
                    diagnostics.append(
                        _field(block, "Diagnostic-Code").rpartition(";")[2].strip()
                        or _field(block, "Status")
                    )
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            ids += _original_ids(part)
    ids += _ids(_field(message, "Original-Message-ID"))
    ids += _ids(_field(message, "In-Reply-To")) + _ids(_field(message, "References"))
    if not ids or (nonstandard and not standard):
        body = split_head(raw)[1][:SCAN_BYTES]
        ids += [m.decode("ascii", "replace").lower() for m in _QUOTED_ID.findall(body)]
    unique = [i for i in dict.fromkeys(ids) if i not in own_id]
    # A standard report says what happened; a non-standard bounce is a failure by its nature.
    failed = "failed" in actions if actions else True
    reason = "; ".join(d for d in diagnostics if d)[:500] or (subject[:200] or "bounced")
    return DeliveryReport(unique, failed, recipients, reason)


def bounces_record(*, report: DeliveryReport, now: datetime) -> str:
    """Mark the outbox rows the report is about; returns what happened, for the record."""
    rows = list(OutboxEmail.objects.filter(message_id__in=report.message_ids[:50]))
    if not rows:
        return "delivery report about a message the desk did not send"
    if not report.failed:
        return "delivery report (not failed: delayed or delivered) on " + ", ".join(
            f"outbox #{row.pk}" for row in rows
        )
    done: list[str] = []
    for row in rows:
        # Compare-and-set: a row marks bounced once; a second report changes nothing.
        marked = (
            OutboxEmail.objects.filter(pk=row.pk)
            .exclude(state=OutboxState.BOUNCED)
            .update(state=OutboxState.BOUNCED, bounced_at=now, bounce_reason=report.reason)
        )
        if marked and row.escalation_id is not None:
            # The same permanent refusal as a 5xx, reported later: the next person is told.
            escalation_fallback(outbox_id=row.pk, now=now)
        # Only the address the desk wrote to: a report cannot flag anyone else.
        Contact.objects.filter(email__iexact=row.to_email, email_bounced_at__isnull=True).update(
            email_bounced_at=now, email_bounce_reason=report.reason[:2000]
        )
        done.append(f"outbox #{row.pk} to {row.to_email}")
    return "delivery report: bounced " + ", ".join(done) + f" ({report.reason})"
