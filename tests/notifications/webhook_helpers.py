"""Webhook test helpers: a real HTTP receiver on loopback, and endpoints and tickets to send."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from contracts.models import Contract
from notifications.models import WebhookEndpoint
from notifications.services.webhooks.endpoints import WebhookEndpointInput, webhook_endpoint_create
from tests.factories import named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

ALL_EVENTS = [
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.resolved",
    "clock.at_risk",
    "clock.breached",
    "escalation.raised",
    "escalation.acknowledged",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every POST; answers `status` (and waits for `release` first if `hold` is set)."""

    port: int
    status: int = 204
    answer: bytes = b""
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> Counter[str]:
        with self.lock:
            return Counter(r.headers["webhook-id"] for r in self.requests)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.requests.append(
                    Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
            receiver.arrived.set()
            if receiver.hold is not None:
                receiver.hold.wait(10)
            self.send_response(receiver.status)
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    """Listen on 127.0.0.1:receiver.port until the block ends (then the port is closed)."""
    server = ThreadingHTTPServer(("127.0.0.1", receiver.port), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        if receiver.hold is not None:
            receiver.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def provider_endpoint(contract: Contract, url: str, events: list[str] | None = None):
    return webhook_endpoint_create(
        data=WebhookEndpointInput(url=url, events=events or ALL_EVENTS),
        provider=contract.provider,
        now=ams("2026-06-01 08:00"),
    )


def customer_endpoint(contract: Contract, url: str, events: list[str] | None = None):
    return webhook_endpoint_create(
        data=WebhookEndpointInput(url=url, events=events or ALL_EVENTS),
        customer=contract.customer,
        now=ams("2026-06-01 08:00"),
    )


def ticket_of(contract: Contract, when: str = "2026-06-08 10:00", **kwargs: object) -> Ticket:
    return create_ticket(named_contact(contract), ams(when), **kwargs)


def refreshed(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.refresh_from_db()
    return endpoint
