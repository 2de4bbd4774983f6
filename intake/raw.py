"""The raw message on object storage (issue 17, settings.INTAKE_RAW_STORAGE="object").

The intake's promise holds on a bucket as in the database: the raw message is stored before
anything else, and a transport is told a message was taken only once its bytes are safe. So the
object is written first and its row second. The object's name comes from the message's SHA-256
(`mail/raw/ab/<sha256>.eml`): the same bytes always get the same name, so writing them again is
harmless. A redelivery (its row already there) overwrites its own object with the same bytes
instead of leaving a second copy, and a writer that dies between the object and the row leaves
an object the next delivery overwrites, or that `stored_files_orphans` removes (the row names
it in the FileField `raw_file`, which the orphan check reads like any file field).

Unlike attachments (a random folder per object, servicedesk/object_storage.py), one name here is
shared by every write of the same bytes. That is safe because one set of bytes has one row: the
duplicate key is the Message-ID with the content (`intake.identity.dedupe_key_for`), so equal
bytes are the same row and deleting a row's object (retention, an erasure) takes nobody else's.

The bytes of a message routed right after it was stored are kept on the instance in hand, so
routing does not read the object back; anything later (the stuck-message retry, triage, the
admin, an access export, an erasure's search) reads it from the bucket.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from intake.models import InboundMessage

log = logging.getLogger(__name__)

FOLDER = "mail/raw"


class RawStoreUnavailable(RuntimeError):
    """The bucket did not take the message: the transport answers "try again later" (SMTP
    451, the pipe's EX_TEMPFAIL, IMAP leaves it unread), as for a database that is down."""


def raw_on_objects() -> bool:
    return bool(settings.INTAKE_RAW_STORAGE == "object")


def raw_object_name(sha256: str) -> str:
    return f"{FOLDER}/{sha256[:2]}/{sha256}.eml"


def raw_object_put(raw: bytes, sha256: str) -> str:
    """Write the message to the bucket under its content's name; answers the name. Returns
    only once the object store has acknowledged the whole object."""
    # servicedesk.object_storage.PrivateObjectStorage.exact_save (that layer is above this one).
    exact_save = getattr(default_storage, "exact_save", None)
    if exact_save is None:
        raise RuntimeError("INTAKE_RAW_STORAGE=object needs the default storage on a bucket")
    try:
        return str(exact_save(raw_object_name(sha256), ContentFile(raw)))
    except Exception as exc:  # botocore's errors are no OSError; none of them loses the mail
        raise RawStoreUnavailable(f"object storage did not take the message: {exc}") from exc


def raw_message(inbound: InboundMessage, limit: int | None = None) -> bytes:
    """The message as it came (its first `limit` bytes when given): the bytes in hand, the
    row's, or the object's. An object that cannot be read raises (FileNotFoundError when it is
    gone, botocore's errors when the store is unreachable)."""
    held = inbound.raw_in_hand
    if held is None and inbound.raw_file:
        with inbound.raw_file.open("rb") as stored:
            return bytes(stored.read(limit) if limit is not None else stored.read())
    data = held if held is not None else bytes(inbound.raw)
    return data[:limit] if limit is not None else data


def raw_held(inbound: InboundMessage) -> bool:
    """Whether the row still has its message, in the row or on the bucket."""
    return bool(inbound.raw_file) or bool(inbound.raw)


def raw_shown(inbound: InboundMessage, limit: int) -> str:
    """The start of the message as text for a person to read (triage, the admin); a message
    the bucket cannot hand over right now says so instead of failing the page."""
    try:
        data = raw_message(inbound, limit)
    except Exception:
        log.exception("raw message of inbound %s could not be read", inbound.pk)
        return str(_("(The message could not be read from object storage; try again later.)"))
    return data.decode("utf-8", "replace").replace("\x00", "")
