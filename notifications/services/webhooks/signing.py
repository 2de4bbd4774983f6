"""Standard Webhooks signatures (https://www.standardwebhooks.com).

A secret is "whsec_" + base64 of random bytes; the key is the decoded bytes. Each attempt is
signed over "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256 and sent as
`webhook-signature: v1,<base64 signature>`. While a rotated-out secret is still valid, both
secrets sign, space-separated, so a receiver holding either one verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# A receiver refuses a timestamp further than this from its clock (replayed or delayed).
DEFAULT_TOLERANCE_SECONDS = 300


def webhook_secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret: str) -> bytes:
    raw = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(raw)


def webhook_sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One signature: "v1,<base64(HMAC-SHA256(key, f'{id}.{timestamp}.{body}'))>"."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_signature_header(
    signing_secrets: Iterable[str], msg_id: str, timestamp: int, body: bytes
) -> str:
    """The `webhook-signature` value: one signature per secret, space-separated."""
    return " ".join(webhook_sign(s, msg_id, timestamp, body) for s in signing_secrets)


@dataclass(frozen=True)
class SignedRequest:
    """The three headers of a signed request and its body."""

    msg_id: str
    timestamp: int
    signature: str
    body: bytes

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], body: bytes) -> SignedRequest:
        lower = {k.lower(): v for k, v in headers.items()}
        return cls(
            msg_id=lower.get("webhook-id", ""),
            timestamp=int(lower.get("webhook-timestamp", "0") or 0),
            signature=lower.get("webhook-signature", ""),
            body=body,
        )


def webhook_signature_verify(
    secret: str,
    request: SignedRequest,
    *,
    now_timestamp: int,
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the timestamp is recent and one of the `v1` signatures is the one
    `secret` makes (constant-time comparison)."""
    if abs(now_timestamp - request.timestamp) > tolerance_seconds:
        return False
    expected = webhook_sign(secret, request.msg_id, request.timestamp, request.body)
    offered = [part for part in request.signature.split(" ") if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
