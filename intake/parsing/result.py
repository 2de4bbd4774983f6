"""What the parse of one message gives (issue #4 §2, issue #10 §1): the fields the intake
reads, the attachments kept and those not kept, whether it is machine mail, and the parser's
defects. No database here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content: bytes
    declared_type: str


@dataclass
class Parsed:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender_email: str = ""
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    skipped_attachments: list[str] = field(default_factory=list)
    automatic: str = ""  # why this is machine mail ("" for a person's mail)
    auto_reply: bool = False  # an out-of-office style reply (may become an internal note)
    suppress_receipt: bool = False
    # The parser's defects per part and what was shortened or not kept (stored on the message).
    defects: list[str] = field(default_factory=list)


MAX_DEFECTS = 100
