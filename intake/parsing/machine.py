"""Machine mail (D13): mail no ticket or reply may come from, and out-of-office replies. No
database here."""

from __future__ import annotations

from email.message import Message

from intake.parsing.headers import raw_header
from intake.parsing.result import Parsed

AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


def _machine_mail(message: Message, parsed: Parsed, own_domain: str, own_address: str) -> None:
    """RFC 3834 and friends: mail no ticket or reply may come from (D13)."""
    auto_submitted = raw_header(message, "Auto-Submitted").lower()
    precedence = raw_header(message, "Precedence").lower()
    checks = [
        (auto_submitted not in ("", "no"), f"Auto-Submitted: {auto_submitted}"),
        (precedence in AUTO_PRECEDENCE, f"Precedence: {precedence}"),
        (
            bool(raw_header(message, "List-Id") or raw_header(message, "List-Unsubscribe")),
            "list mail",
        ),
        (
            bool(raw_header(message, "X-Autoreply") or raw_header(message, "X-Autorespond")),
            "auto-reply header",
        ),
        (bool(raw_header(message, "X-Auto-Response-Suppress")), "X-Auto-Response-Suppress"),
        (raw_header(message, "Return-Path").strip() in ("<>", ""), "null return path")
        if "Return-Path" in message
        else (False, ""),
        (message.get_content_type() == "multipart/report", "delivery report"),
        (parsed.sender_email.split("@")[0] in BOUNCE_SENDERS, "bounce sender"),
        (parsed.message_id.endswith("@" + own_domain.lower()), "the desk's own message"),
        (
            bool(own_address) and parsed.sender_email == own_address.lower(),
            "sent from the desk's own address",
        ),
    ]
    reasons = [reason for hit, reason in checks if hit]
    parsed.automatic = "; ".join(reasons)
    parsed.auto_reply = "auto-replied" in auto_submitted or bool(
        raw_header(message, "X-Autoreply") or raw_header(message, "X-Autorespond")
    )
    parsed.suppress_receipt = bool(reasons)
