"""The client processes of bench_http.py: each a browser or an integrator on loopback (standard
library ``http.client``, cookies kept per session), or, for the service path, a process calling
``ticket_create`` itself. A call runs in every client at once (a barrier starts them together)
and each answer outside 2xx/3xx, or any other outcome than the one expected, fails the run.

gunicorn's sync workers answer every request with ``Connection: close``: a client keeps its
session (cookies) but opens a new TCP connection per request, as a browser does against them.
Timings are ``time.perf_counter`` (CLOCK_MONOTONIC on Linux: one clock for every process).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import re
import secrets
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET_PAGE = re.compile(r"^/portal/tickets/SD-\d{4}-\d+/$")
ERRORS = re.compile(rb'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)


class BenchFailure(Exception):
    """An answer the bench did not expect; the run stops with it."""


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Http:
    """A session against 127.0.0.1:`port`: cookies kept (a deleted cookie dropped), the
    connection opened again whenever the server closed it."""

    def __init__(self, port: int, language: str = "nl") -> None:
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.language = language

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        sent = {"Accept-Language": self.language, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            sent["Origin"] = self.origin  # what a browser sends with a form POST
        # No retry: a request that fails on the wire fails the run (a POST is not repeated).
        self.conn.request(method, path, body=body or None, headers=sent)
        response = self.conn.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if not 200 <= reply.status < 400:
            raise BenchFailure(f"{method} {path} answered {reply.status}: {reply.body[:400]!r}")
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str], *, multipart: bool = False) -> Reply:
        if multipart:  # the portal's new-ticket form is multipart (attachments)
            body, kind = multipart_body(fields)
        else:
            body, kind = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": kind})


def multipart_body(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = f"----bench{secrets.token_hex(12)}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    # An empty file input, as a browser sends one when no file was chosen.
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    body = "".join(parts) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def csrf_token(reply: Reply) -> str:
    found = CSRF_INPUT.search(reply.body)
    if found is None:
        raise BenchFailure(f"no CSRF token in the page ({reply.status})")
    return found.group(1).decode()


# --- What the client processes do ----------------------------------------------------------
# Sessions of this process by name (logged in once, used by every round).
SESSIONS: dict[str, Http] = {}
CONTACTS: dict[int, Any] = {}
SESSIONS_READY: set[str] = set()


@dataclass
class Timing:
    started: float
    ended: float
    ms: list[float] = field(default_factory=list)  # per ticket or request
    extra_ms: list[float] = field(default_factory=list)  # the portal: the whole GET + POST


def login(port: int, name: str, door: str, username: str, password: str) -> None:
    """Log in through the portal's or the admin's login form, as a person does."""
    session = Http(port)
    page = "/portal/login/" if door == "portal" else "/admin/login/?next=/admin/"
    token = csrf_token(session.get(page))
    fields = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    if door == "admin":
        fields["next"] = "/admin/"
    reply = session.post_form(page, fields)
    if reply.status != 302:
        raise BenchFailure(f"{door} login of {username} refused: {_form_errors(reply)}")
    SESSIONS[name] = session


def _form_errors(reply: Reply) -> str:
    found = [re.sub(rb"<[^>]+>", b" ", e).decode().strip() for e in ERRORS.findall(reply.body)]
    return "; ".join(found) or f"status {reply.status}, no error shown"


def portal_create(items: list[tuple[str, dict[str, str]]]) -> Timing:
    """Per ticket: GET the new-ticket form (its CSRF token), POST it (multipart, as the
    browser does); the answer must be 302 to the new ticket's page, which is not fetched."""
    timing = Timing(time.perf_counter(), 0.0)
    for session_name, fields in items:
        session = SESSIONS[session_name]
        began = time.perf_counter()
        token = csrf_token(session.get("/portal/tickets/new/"))
        posted = time.perf_counter()
        reply = session.post_form(
            "/portal/tickets/new/", {"csrfmiddlewaretoken": token, **fields}, multipart=True
        )
        done = time.perf_counter()
        if reply.status != 302 or not TICKET_PAGE.match(reply.location):
            raise BenchFailure(f"the portal made no ticket: {_form_errors(reply)} {fields}")
        timing.ms.append((done - posted) * 1000)
        timing.extra_ms.append((done - began) * 1000)
    timing.ended = time.perf_counter()
    return timing


def api_create(port: int, items: list[tuple[str, str, dict[str, Any]]]) -> Timing:
    """Per ticket: POST /api/v1/tickets/ with the token and Idempotency-Key; 201 expected."""
    session = SESSIONS.setdefault("api", Http(port))
    timing = Timing(time.perf_counter(), 0.0)
    for token, key, body in items:
        began = time.perf_counter()
        reply = session.request(
            "POST",
            "/api/v1/tickets/",
            json.dumps(body).encode(),
            {
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        timing.ms.append((time.perf_counter() - began) * 1000)
        if reply.status != 201:
            raise BenchFailure(f"the API answered {reply.status}: {reply.body[:400]!r}")
    timing.ended = time.perf_counter()
    return timing


def service_create(items: list[tuple[int, dict[str, Any]]]) -> Timing:
    """Per ticket: ticket_create in this process (the answers of the API's body, channel api)."""
    import django

    if "django" not in SESSIONS_READY:  # once per process; the environment is the bench's own
        django.setup()
        SESSIONS_READY.add("django")
    from django.utils import timezone

    from contracts.models import Contact
    from tickets.models import Channel
    from tickets.services import TicketCreateInput, ticket_create

    for pk, _ in items:
        if pk not in CONTACTS:
            CONTACTS[pk] = Contact.objects.select_related("user").get(pk=pk)
    timing = Timing(time.perf_counter(), 0.0)
    for pk, body in items:
        contact = CONTACTS[pk]
        began = time.perf_counter()
        data = TicketCreateInput(
            contact=contact, channel=Channel.API, created_by=contact.user, **body
        )
        ticket_create(data=data, now=timezone.now())
        timing.ms.append((time.perf_counter() - began) * 1000)
    timing.ended = time.perf_counter()
    return timing


def pages_get(session_name: str, urls: list[str], requests: int, warm: int) -> dict[str, Timing]:
    """`warm` GETs then `requests` timed GETs of each url in turn; 200 expected."""
    session = SESSIONS[session_name]
    result = {}
    for url in urls:
        for _ in range(warm):
            session.get(url)
        timing = Timing(time.perf_counter(), 0.0)
        for _ in range(requests):
            began = time.perf_counter()
            reply = session.get(url)
            timing.ms.append((time.perf_counter() - began) * 1000)
            if reply.status != 200:
                raise BenchFailure(f"GET {url} answered {reply.status} ({reply.location})")
        timing.ended = time.perf_counter()
        result[url] = timing
    return result


# --- The pool ------------------------------------------------------------------------------
Call = tuple[Callable[..., Any], tuple[Any, ...]]


def _serve(conn: Any, barrier: Any) -> None:
    while True:
        message = conn.recv()
        if message is None:
            return
        function, args = message
        barrier.wait()
        try:
            conn.send(("ok", function(*args)))
        except BaseException:
            conn.send(("failed", traceback.format_exc()))


class ClientPool:
    """`count` client processes (spawned: no Django state or connection of the bench's own);
    `run` hands each its call, starts them together and returns their results in order."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        # Held for the pool's life: the children rebuild it from its name while starting.
        self.barrier = context.Barrier(count)
        self.conns = []
        self.processes = []
        for _ in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(theirs, self.barrier), daemon=True)
            process.start()
            self.conns.append(ours)
            self.processes.append(process)

    def run(self, calls: list[Call]) -> list[Any]:
        for conn, call in zip(self.conns, calls, strict=True):
            conn.send(call)
        answers = [conn.recv() for conn in self.conns]
        failed = [text for state, text in answers if state == "failed"]
        if failed:
            raise SystemExit("a bench client failed:\n" + "\n".join(failed))
        return [result for _, result in answers]

    def same(self, function: Callable[..., Any], *args: Any) -> list[Any]:
        return self.run([(function, args)] * len(self.conns))

    def close(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):  # that client may be gone already
                conn.send(None)
        for process in self.processes:
            process.join(timeout=10)
