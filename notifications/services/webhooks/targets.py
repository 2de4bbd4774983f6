"""Where a webhook may go: the server-side request forgery (SSRF) guard, and the one HTTP POST.

An endpoint's host is resolved, and every address it resolves to must be public: no loopback,
link-local (cloud metadata at 169.254.169.254), private, shared, multicast, reserved or
unspecified address, in IPv4 or IPv6 (an IPv4 address inside IPv6, mapped, 6to4 or NAT64, is
judged as the IPv4 address it carries). The POST then connects to the address that was checked,
not to the name again, so a DNS answer that changes between the check and the connection (DNS
rebinding) cannot move it inside; HTTPS still verifies the certificate against the name.

WEBHOOK_ALLOW_PRIVATE_TARGETS=True (tests, a desk on a private network) lifts the address rule;
the scheme rule (http or https, no credentials in the address) always holds.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from notifications.exceptions import WebhookTargetRefused

RESPONSE_KEEP_BYTES = 2048
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(address: str) -> str | None:
    """Why the desk does not send to `address` (a translated word), or None if it is public."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        ip = _embedded_ipv4(ip) or ip
    checks = (
        (ip.is_unspecified, _("unspecified")),
        (ip.is_loopback, _("loopback")),
        (ip.is_link_local, _("link-local")),
        (ip.is_multicast, _("multicast")),
        (ip.is_private, _("private")),
        (ip.is_reserved, _("reserved")),
        (not ip.is_global, _("non-public")),
    )
    return next((word for refused, word in checks if refused), None)


def _resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (an address literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def url_parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an address the desk may post to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise WebhookTargetRefused(
            _("A webhook address starts with https:// or http:// and names a host."), field="url"
        )
    if parts.username or parts.password:
        raise WebhookTargetRefused(
            _(
                "Put no user name or password in the webhook address; the signature shows "
                "the request comes from the service desk."
            ),
            field="url",
        )
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise WebhookTargetRefused(
            _("The webhook address has an invalid port."), field="url"
        ) from exc
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port, path


def _refusal_text(host: str, address: str, kind: str) -> str:
    values = {"host": host, "address": address, "kind": kind}
    if host.strip("[]") == address:
        return (
            _("%(address)s is a %(kind)s address; webhooks are only sent to public addresses.")
            % values
        )
    return (
        _(
            "%(host)s resolves to %(address)s, a %(kind)s address; webhooks are only sent to "
            "public addresses."
        )
        % values
    )


def webhook_target(url: str) -> Target:
    """Check `url` and pick the address to connect to; WebhookTargetRefused says why not."""
    scheme, host, port, path = url_parse(url)
    try:
        addresses = _resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise WebhookTargetRefused(
            _("The host %(host)s of the webhook address could not be found.") % {"host": host},
            field="url",
        ) from exc
    if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        for address in addresses:
            refusal = address_refusal(address)
            if refusal is not None:
                raise WebhookTargetRefused(_refusal_text(host, address, refusal), field="url")
    if not addresses:
        raise WebhookTargetRefused(
            _("The host %(host)s of the webhook address could not be found.") % {"host": host},
            field="url",
        )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header still names the host."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is verified against the host name."""

    def __init__(self, target: Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)


@dataclass(frozen=True)
class HttpOutcome:
    status_code: int | None
    response: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_post(url: str, headers: dict[str, str], body: bytes) -> HttpOutcome:
    """POST `body` once; never raises. Redirects are not followed (a 3xx is a failure), and
    only the first RESPONSE_KEEP_BYTES of the answer are read."""
    started = time.monotonic()
    timeout = float(settings.WEBHOOK_TIMEOUT_SECONDS)

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = webhook_target(url)
        kind = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        conn = kind(target, timeout)
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            answer = conn.getresponse()
            excerpt = answer.read(RESPONSE_KEEP_BYTES).decode("utf-8", "replace")
            return HttpOutcome(answer.status, excerpt, "", took())
        finally:
            conn.close()
    except WebhookTargetRefused as exc:
        return HttpOutcome(None, "", str(exc), took())
    except (OSError, http.client.HTTPException) as exc:
        return HttpOutcome(None, "", f"{type(exc).__name__}: {exc}"[:2000], took())
