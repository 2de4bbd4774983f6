"""The drill's clients: customers through the portal and the API, staff through the API, mail
through SMTP to the intake. Every request carries a unique marker (in its subject or body) so the
database can be asked how many records it left; idempotent ones (the API with an
Idempotency-Key, a mail with the same bytes and Message-ID) are retried while refused, the
portal's form is not (a browser does not resend it either)."""

from __future__ import annotations

import json
import random
import re
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ops.drill.verify import HTTP_REFUSALS, SMTP_REFUSALS, Attempt, Operation
from ops.drill.wire import Reply, cookies, mail_bytes, request, smtp_send

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET_PAGE = re.compile(r"/portal/tickets/(SD-\d{4}-\d{6})/$")
RETRIES, RETRY_PAUSE = 8, 1.5
NO_FILE = ("", "")
WEIGHTS = {
    "api_create": 3,
    "staff_create": 1,
    "portal_create": 2,
    "api_reply": 2,
    "staff_reply": 1,
    "mail_new": 2,
    "mail_reply": 1,
}


@dataclass
class Shared:
    """What the clients share: the seed, the accepted tickets (for replies), the operations."""

    port: int
    intake_port: int
    seed: dict[str, Any]
    tag: str
    tickets: list[tuple[int | None, str, int]] = field(default_factory=list)  # id, number, contact
    operations: list[Operation] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0
    errors: list[str] = field(default_factory=list)

    def marker(self, kind: str) -> str:
        with self.lock:
            self.counter += 1
            return f"{self.tag}-{kind.replace('_', '')}-{self.counter}"

    def record(self, op: Operation) -> None:
        with self.lock:
            self.operations.append(op)


def retried(op: Operation, send: Callable[[], Attempt], again: frozenset[int | None]) -> Operation:
    for _ in range(RETRIES):
        attempt = send()
        op.attempts.append(attempt)
        if attempt.ok or attempt.status not in again:
            break
        time.sleep(RETRY_PAUSE)
    return op


class Client:
    """One simulated user mix on its own thread, with its own portal session."""

    def __init__(self, shared: Shared, n: int) -> None:
        self.s, self.rng = shared, random.Random(n)
        self.contact = n % len(shared.seed["contacts"])
        self.cookies: dict[str, str] = {}
        self.last = Reply(None, {}, b"", 0.0, 0.0)

    def who(self) -> dict[str, Any]:
        return dict(self.s.seed["contacts"][self.contact])

    def api(self, path: str, data: dict[str, Any], token: str, key: str) -> Callable[[], Attempt]:
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }

        def send() -> Attempt:
            r = request(self.s.port, "POST", path, json.dumps(data).encode(), headers)
            self.last = r
            ok = r.status in (200, 201)
            return Attempt(
                r.started,
                r.ended,
                r.status,
                ok,
                detail="" if ok else r.body[:300].decode(errors="replace"),
            )

        return send

    def api_create(self, op: Operation, staff: bool = False) -> None:
        """A customer's ticket (Microsoft sets the severity: normal), or a Critical one that
        staff register for the customer (its clocks run 24x7 and escalate at once)."""
        data: dict[str, Any] = {
            "request_type": "incident",
            "subject": f"{op.marker} drill API ticket",
            "description": f"{op.marker}: created by the drill.",
        }
        token = self.who()["token"]
        if staff:
            who = self.who()
            data |= {
                "contact": who["id"],
                "contract": who["contract"],
                "priority_level": "critical",
            }
            token = self.s.seed["staff_token"]
        send = self.api("/api/v1/tickets/", data, token, op.marker)
        retried(op, send, HTTP_REFUSALS | {None, 409})
        if op.attempts[-1].ok:
            found = json.loads(self.last.body)
            with self.s.lock:
                self.s.tickets.append((found["id"], found["number"], self.contact))

    def reply(self, op: Operation, staff: bool) -> None:
        with self.s.lock:
            mine = [
                t for t in self.s.tickets if t[0] is not None and (staff or t[2] == self.contact)
            ]
        if not mine:
            return
        ticket_id = self.rng.choice(mine)[0]
        token = self.s.seed["staff_token"] if staff else self.who()["token"]
        data = {"body": f"{op.marker}: a reply from the drill.", "internal": False}
        retried(
            op,
            self.api(f"/api/v1/tickets/{ticket_id}/reply/", data, token, op.marker),
            HTTP_REFUSALS | {None, 409},
        )

    def portal_login(self) -> bool:
        page = request(self.s.port, "GET", "/portal/login/")
        self.cookies = cookies(page, {})
        found = CSRF.search(page.body.decode(errors="replace"))
        if page.status != 200 or found is None:
            return False
        fields = {
            "csrfmiddlewaretoken": found.group(1),
            "username": self.who()["email"],
            "password": self.s.seed["password"],
        }
        done = self.form("/portal/login/", fields, multipart=False)
        self.cookies = cookies(done, self.cookies)
        return done.status == 302 and "sessionid" in self.cookies

    def form(
        self, path: str, fields: dict[str, str], *, multipart: bool, file: tuple[str, str] = NO_FILE
    ) -> Reply:
        """POST the form; with `file` (name, text) one attachment in its `attachments` input."""
        from urllib.parse import urlencode

        if multipart:
            boundary = f"drill{secrets.token_hex(8)}"
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in fields.items()
            ]
            if file[0]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
                    f'filename="{file[0]}"\r\nContent-Type: text/plain\r\n\r\n{file[1]}\r\n'
                )
            body = "".join(parts) + f"--{boundary}--\r\n"
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urlencode(fields), "application/x-www-form-urlencoded"
        headers = {
            "Content-Type": kind,
            "Origin": f"http://127.0.0.1:{self.s.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        return request(self.s.port, "POST", path, body.encode(), headers)

    def portal_create(self, op: Operation) -> None:
        if "sessionid" not in self.cookies and not self.portal_login():
            return  # the login is not what is measured; the next turn tries again
        cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        page = request(self.s.port, "GET", "/portal/tickets/new/", headers=cookie)
        found = CSRF.search(page.body.decode(errors="replace"))
        if found is None:
            self.cookies = {}
            return
        who = self.who()
        fields = {
            "csrfmiddlewaretoken": found.group(1),
            "contract": str(who["contract"]),
            "request_type": "incident",
            "priority_level": "normal",
            "subject": f"{op.marker} drill portal ticket",
            "description": f"{op.marker}: created by the drill.",
        }
        if who["shared"]:
            fields["shared_with_organisation"] = "on"
        attachment = (f"{op.marker}.txt", f"{op.marker}: the drill's attachment.\n")
        r = self.form("/portal/tickets/new/", fields, multipart=True, file=attachment)
        number = TICKET_PAGE.search(r.headers.get("location", ""))
        op.attempts.append(
            Attempt(r.started, r.ended, r.status, r.status == 302 and number is not None)
        )
        if number is not None:
            with self.s.lock:
                self.s.tickets.append((None, number.group(1), self.contact))

    def mail(self, op: Operation, reply: bool) -> None:
        subject = f"{op.marker} drill mail"
        if reply:
            with self.s.lock:
                mine = [t for t in self.s.tickets if t[2] == self.contact]
            if not mine:
                return
            subject = f"Re: [{self.rng.choice(mine)[1]}] {subject}"
        raw = mail_bytes(self.who()["email"], subject, op.marker)
        retried(
            op,
            lambda: smtp_send(self.s.intake_port, self.who()["email"], raw),
            SMTP_REFUSALS | {None},
        )

    def turn(self) -> None:
        kind = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        op = Operation(kind, self.s.marker(kind))
        actions: dict[str, Callable[[Operation], None]] = {
            "api_create": self.api_create,
            "portal_create": self.portal_create,
            "staff_create": lambda o: self.api_create(o, staff=True),
            "api_reply": lambda o: self.reply(o, staff=False),
            "staff_reply": lambda o: self.reply(o, staff=True),
            "mail_new": lambda o: self.mail(o, reply=False),
            "mail_reply": lambda o: self.mail(o, reply=True),
        }
        actions[kind](op)
        if op.attempts:
            self.s.record(op)


def clients_run(
    shared: Shared, clients: int, pause: float, stop: threading.Event
) -> list[threading.Thread]:
    def loop(n: int) -> None:
        client = Client(shared, n)
        while not stop.is_set():
            try:
                client.turn()
            except Exception:  # a bug in the client, not the desk: reported, fails the drill
                shared.errors.append(traceback.format_exc())
            stop.wait(pause * (0.5 + client.rng.random()))

    threads = [threading.Thread(target=loop, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads
