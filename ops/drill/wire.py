"""The drill's wire: one HTTP request on a fresh connection (no keep-alive to go stale across a
kill), the portal's cookies, a customer's mail and its SMTP delivery, each bounded by a timeout
and answering with what happened rather than raising."""

from __future__ import annotations

import http.client
import smtplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid

from ops.drill.verify import Attempt


@dataclass
class Reply:
    status: int | None
    headers: dict[str, str]
    body: bytes
    started: float
    ended: float
    set_cookies: list[str] = field(default_factory=list)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Reply:
    started = time.time()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        answer = conn.getresponse()
        data = answer.read()
        pairs = answer.getheaders()
        jar = [v for k, v in pairs if k.lower() == "set-cookie"]
        headers = {k.lower(): v for k, v in pairs}
        return Reply(answer.status, headers, data, started, time.time(), jar)
    except (OSError, http.client.HTTPException):
        return Reply(None, {}, b"", started, time.time())
    finally:
        conn.close()


def cookies(reply: Reply, jar: dict[str, str]) -> dict[str, str]:
    jar = dict(jar)
    for part in reply.set_cookies:
        name, _, rest = part.strip().partition("=")
        if name in ("sessionid", "csrftoken"):
            jar[name] = rest.split(";")[0]
    return jar


def mail_bytes(sender: str, subject: str, marker: str) -> bytes:
    msg = EmailMessage()
    domain = sender.split("@")[1]
    msg["From"], msg["To"], msg["Subject"] = sender, "support@provider.example", subject
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Authentication-Results"] = f"drill.local; dmarc=pass header.from={domain}"
    msg.set_content(f"{marker}: mail from the drill.\n")
    return bytes(msg)


def smtp_send(port: int, sender: str, raw: bytes) -> Attempt:
    started = time.time()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail(sender, ["support@provider.example"], raw)
        return Attempt(started, time.time(), 250, True, smtp=True)
    except smtplib.SMTPResponseException as exc:
        return Attempt(started, time.time(), exc.smtp_code, False, smtp=True)
    except (OSError, smtplib.SMTPException):
        return Attempt(started, time.time(), None, False, smtp=True)
