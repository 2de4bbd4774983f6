"""IMAP polling (issue #4 §1): IMAPS or STARTTLS, timeouts, UIDVALIDITY respected.

A message is flagged (or moved) on the server only after its database transaction committed:
`inbound_receive` commits the raw message before it returns. A crash in between means the next
poll fetches it again, and its Message-ID and content make that a duplicate with no effect.

Clear-text IMAP is only allowed to this machine (127.0.0.1, ::1, localhost): any other host
needs imaps:// or imap://...?starttls=1 (issue #10 §6). A message refused for its size leaves a
quarantined record and is moved to the rejected folder (INTAKE_IMAP_REJECTED_FOLDER or
`?rejected=Folder`) when one is configured, else marked seen where it is (issue #10 §1).
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
from intake.services.receive import InboundRefused, inbound_receive, inbound_refuse, size_refusal

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class ImapConfigurationError(ValueError):
    """A mailbox URL the intake refuses to use; the message says why and what to write."""


@dataclass(frozen=True)
class ImapMailbox:
    name: str
    host: str
    port: int
    user: str
    password: str
    folder: str
    tls: str  # "ssl" (imaps://) or "starttls" or "none" (loopback only)
    move_to: str
    rejected: str = ""  # where refused (over-size) messages go; "" leaves them, marked seen


def mailbox_from_url(url: str) -> ImapMailbox:
    """imaps://user:pass@host:993/INBOX?move_to=Processed&rejected=Rejected, or
    imap://...?starttls=1; clear-text imap:// only to this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ImapConfigurationError(
            f"IMAP mailbox URL must start with imap:// or imaps://, not {parts.scheme}://"
        )
    query = parse_qs(parts.query)
    tls = (
        "ssl"
        if parts.scheme == "imaps"
        else ("starttls" if query.get("starttls", ["0"])[0] in ("1", "true") else "none")
    )
    host = (parts.hostname or "localhost").lower()
    if tls == "none" and host not in LOOPBACK_HOSTS:
        raise ImapConfigurationError(
            f"clear-text IMAP to {host} is refused: the password and the mail would cross the "
            "network unencrypted. Use imaps://{host}:993/... or imap://{host}/...?starttls=1 "
            "(clear-text imap:// is allowed to 127.0.0.1, ::1 and localhost only).".replace(
                "{host}", host
            )
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
        rejected=query.get("rejected", [settings.INTAKE_IMAP_REJECTED_FOLDER])[0],
    )


def _connect(box: ImapMailbox) -> imaplib.IMAP4:
    if box.tls == "none" and box.host.lower() not in LOOPBACK_HOSTS:  # a box built by hand
        raise ImapConfigurationError(f"clear-text IMAP to {box.host} is refused")
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


def _done(conn: imaplib.IMAP4, uid: str, move_to: str) -> None:
    """After the commit: mark it seen, or move it out of the way."""
    if move_to:
        status, _ = conn.uid("COPY", uid, _quote(move_to))
        if status != "OK":  # the folder may not exist yet: create it once, then copy
            conn.create(_quote(move_to))
            status, _ = conn.uid("COPY", uid, _quote(move_to))
        if status == "OK":
            conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)")
            conn.expunge()
            return
    conn.uid("STORE", uid, "+FLAGS", "(\\Seen)")


def _size(conn: imaplib.IMAP4, uid: str) -> int:
    _, data = conn.uid("FETCH", uid, "(RFC822.SIZE)")
    for item in data:
        text = item[0] if isinstance(item, tuple) else item
        found = re.search(rb"RFC822\.SIZE (\d+)", text or b"")
        if found:
            return int(found.group(1))
    return 0


def mailbox_problems(urls: list[str]) -> list[str]:
    """What is wrong with the configured mailbox URLs (for the system check)."""
    problems: list[str] = []
    for url in urls:
        try:
            mailbox_from_url(url)
        except ImapConfigurationError as exc:
            problems.append(str(exc))
    return problems


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
            size = _size(conn, uid)
            if size > settings.INTAKE_MAX_BYTES:
                # Over the limit: only the headers are fetched, for the record.
                _, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
                head = next((p[1] for p in fetched if isinstance(p, tuple)), b"")
                inbound_refuse(
                    raw=head,
                    size=size,
                    reason=size_refusal(size),
                    transport=Transport.IMAP,
                    mailbox=box.name,
                    now=now,
                )
                _done(conn, uid, box.rejected)
            else:
                _, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((p[1] for p in fetched if isinstance(p, tuple)), b"")
                try:
                    _, created = inbound_receive(
                        raw=raw, transport=Transport.IMAP, mailbox=box.name, now=now
                    )
                    taken += int(created)
                    _done(conn, uid, box.move_to)
                except InboundRefused:
                    # Recorded (a quarantined stub), the sender told: moved out of the way.
                    _done(conn, uid, box.rejected)
            state.last_uid = int(uid)
            state.polled_at = now
            state.save()
        state.polled_at = now
        state.save()
        return taken
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
