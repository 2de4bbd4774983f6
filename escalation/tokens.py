"""Signed, expiring, single-purpose acknowledgement links (issue #3 §1)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "escalation.acknowledge"


def ack_token(escalation_id: int, email: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{escalation_id}:{email.lower()}")


def ack_token_read(token: str) -> tuple[int, str]:
    """(escalation id, email); signing.BadSignature / SignatureExpired if forged or too old."""
    value = signing.TimestampSigner(salt=SALT).unsign(
        token, max_age=settings.ESCALATION_ACK_MAX_AGE_DAYS * 86400
    )
    escalation_id, _, email = value.partition(":")
    return int(escalation_id), email


ONCALL_SALT = "escalation.oncall.acknowledge"


def oncall_ack_token(step_id: int) -> str:
    """The link in an on-call page (mail and SMS): names the step, so the page knows who
    acknowledged; expires after ONCALL_ACK_MAX_AGE_HOURS; works once (the page is then
    acknowledged)."""
    return signing.TimestampSigner(salt=ONCALL_SALT).sign(str(step_id))


def oncall_ack_token_read(token: str) -> int:
    """The step id; signing.BadSignature / SignatureExpired if forged or too old."""
    value = signing.TimestampSigner(salt=ONCALL_SALT).unsign(
        token, max_age=settings.ONCALL_ACK_MAX_AGE_HOURS * 3600
    )
    return int(value)
