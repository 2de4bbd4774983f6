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
