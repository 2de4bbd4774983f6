"""IMAP polling (issue #4 §1): IMAPS or STARTTLS, timeouts, UIDVALIDITY respected.

A message is flagged (or moved) on the server only after its database transaction committed:
`inbound_receive` commits the raw message before it returns. A crash in between means the next
poll fetches it again, and the Message-ID makes that a duplicate with no effect.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings

from intake.models import ImapMailboxState, Transport
from intake.parsing import MessageRejected
from intake.services.receive import inbound_receive


@dataclass(frozen=True)
class ImapMailbox:
    name: str
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: str  # "ssl" (imaps://) or "starttls" or "none" (loopback tests only)
    move_to: str


def mailbox_from_url(url: str) -> ImapMailbox:
    """imaps://user:pass@host:993/INBOX?move_to=Processed, or imap://...?starttls=1."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError(f"IMAP mailbox URL must start with imap:// or imaps://, not {url!r}")
    query = parse_qs(parts.query)
    tls = (
        "ssl"
        if parts.scheme == "imaps"
        else ("starttls" if query.get("starttls", ["0"])[0] in ("1", "true") else "none")
    )
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapMailbox(
        name=f"{parts.username}@{parts.hostname}/{folder}",
        host=parts.hostname or "localhost",
        port=parts.port or (993 if tls == "ssl" else 143),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=folder,
        tls=tls,
        move_to=query.get("move_to", [""])[0],
    )


def _connect(box: ImapMailbox) -> imaplib.IMAP4:
    timeout = settings.INTAKE_IMAP_TIMEOUT
    if box.tls == "ssl":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            box.host, box.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    else:
        conn = imaplib.IMAP4(box.host, box.port, timeout=timeout)
        if box.tls == "starttls":
            conn.starttls(ssl_context=ssl.create_default_context())
    conn.login(box.user, box.password)
    return conn


def _uidvalidity(conn: imaplib.IMAP4, folder: str) -> int:
    status, data = conn.status(_quote(folder), "(UIDVALIDITY)")
    found = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"") if status == "OK" else None
    if found is None:
        raise imaplib.IMAP4.error(f"no UIDVALIDITY for {folder}")
    return int(found.group(1))


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _done(conn: imaplib.IMAP4, uid: str, box: ImapMailbox) -> None:
    """After the commit: mark it seen, or move it out of the way."""
    if box.move_to:
        conn.uid("COPY", uid, _quote(box.move_to))
        conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
        conn.expunge()
    else:
        conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def imap_poll(box: ImapMailbox, now: datetime, limit: int = 500) -> int:
    """Fetch new messages (by UID) and take each in; returns how many were new."""
    state, _ = ImapMailboxState.objects.get_or_create(name=box.name)
    conn = _connect(box)
    try:
        validity = _uidvalidity(conn, box.folder)
        if state.uidvalidity != validity:  # the folder was recreated: UIDs start again
            state.uidvalidity, state.last_uid = validity, 0
        conn.select(_quote(box.folder))
        _, data = conn.uid("SEARCH", f"UID {state.last_uid + 1}:*")
        found = [u.decode() for u in (data[0] or b"").split()]
        uids = [u for u in found if int(u) > state.last_uid][:limit]
        taken = 0
        for uid in uids:
            _, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in fetched if isinstance(p, tuple)), b"")
            try:
                _, created = inbound_receive(
                    raw=raw, transport=Transport.IMAP, mailbox=box.name, now=now
                )
                taken += int(created)
                _done(conn, uid, box)
            except MessageRejected:
                pass  # over the size limit: left in the mailbox, unflagged, for a person
            state.last_uid = int(uid)
            state.polled_at = now
            state.save()
        state.polled_at = now
        state.save()
        return taken
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
