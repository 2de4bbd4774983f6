"""Who sent a message, and how sure we are (issue #10 §1-§3). No database here.

Read from the raw header bytes with the modern policy, independent of the display parser
(`intake.parsing`): only a `From` that parses cleanly into exactly one address, with no
`Sender` naming someone else, identifies a contact. `Authentication-Results` count only when
our own receiving server wrote them (its authserv-id is INTAKE_AUTHSERV_ID) and only the
topmost run of them (RFC 8601 §5: anything below was written by someone else).

Content identity for deduplication: the same Message-ID and the same content. Content is the
body bytes plus the author's headers (From, Sender, To, Cc, Subject, Date, Message-ID,
Content-Type, In-Reply-To, References), line endings and folding normalised. Headers that relays
and receiving servers add (Received, Return-Path, Delivered-To, X-Original-To, DKIM/ARC,
Authentication-Results, spam verdicts...) do not count, so the same message delivered again by
another path is still a duplicate, while a different message reusing a Message-ID is not.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.utils import getaddresses
from typing import Any

# The headers an author writes: the content identity of a message (see the module text).
AUTHOR_HEADERS = (
    "message-id",
    "from",
    "sender",
    "to",
    "cc",
    "subject",
    "date",
    "content-type",
    "content-transfer-encoding",
    "in-reply-to",
    "references",
)
MAX_ADDRESS_HEADER = 2000  # characters of a From or Sender header that are parsed at all
MAX_COMMENTS = 20
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_FOLD = re.compile(rb"\r?\n[ \t]+")
_SPACE = re.compile(rb"[ \t]+")

# Local parts that never get an automatic answer (RFC 2142 role accounts and machines).
ROLE_LOCAL_PARTS = frozenset(
    {
        "noreply",
        "no-reply",
        "no_reply",
        "donotreply",
        "do-not-reply",
        "do_not_reply",
        "postmaster",
        "mailer-daemon",
        "mailerdaemon",
        "bounce",
        "bounces",
        "abuse",
        "daemon",
        "root",
        "listserv",
        "majordomo",
        "hostmaster",
        "webmaster",
        "notifications",
        "notification",
    }
)
_ROLE_PREFIX = re.compile(r"^(no-?reply|do-?not-?reply|bounces?|mailer-daemon)[-+._]")


def split_head(raw: bytes) -> tuple[bytes, bytes]:
    """(header block, body) of the raw bytes; a message without a blank line is all head."""
    found = _HEAD_END.search(raw)
    if found is None:
        return raw, b""
    return raw[: found.start()], raw[found.end() :]


def content_digest(raw: bytes) -> str:
    """sha256 over the author's headers and the body, relay-added headers left out."""
    head, body = split_head(raw)
    wanted: list[bytes] = []
    for line in _FOLD.sub(b" ", head).split(b"\n"):
        name, colon, value = line.rstrip(b"\r").partition(b":")
        if colon and name.strip().lower().decode("ascii", "replace") in AUTHOR_HEADERS:
            wanted.append(name.strip().lower() + b":" + _SPACE.sub(b" ", value).strip())
    digest = hashlib.sha256()
    for item in sorted(wanted):
        digest.update(item + b"\n")
    digest.update(b"\n")
    digest.update(body.replace(b"\r\n", b"\n").rstrip(b"\n \t"))
    return digest.hexdigest()


Headers = list[tuple[str, str]]


def headers_of(raw: bytes) -> Headers:
    """The header fields of `raw` in order, unfolded, values unparsed. Only the fields the
    identity needs are then parsed (the stdlib's structured parse of every header is slow on
    pathological input, e.g. a Content-Type with thousands of parameters)."""
    head = split_head(raw)[0].decode("utf-8", "replace")
    fields: Headers = []
    for line in re.split(r"\r?\n(?![ \t])", head):
        name, colon, value = line.partition(":")
        if colon and name and " " not in name.strip() and name.strip().isprintable():
            fields.append((name.strip(), re.sub(r"\r?\n[ \t]", " ", value).strip()))
    return fields


def parsed_header(name: str, value: str) -> Any:
    """One header through the modern policy's header registry (addresses, defects...)."""
    return policy.default.header_factory(name, value)


def subject_of(raw: bytes) -> str:
    """The decoded Subject (encoded words), "" when absent or unreadable."""
    value = next((v for k, v in headers_of(raw) if k.lower() == "subject"), "")
    try:
        return str(parsed_header("Subject", value)) if value else ""
    except Exception:
        return value


def is_role_address(address: str) -> bool:
    """noreply@, postmaster@, mailer-daemon@, bounces+x@...: no automatic answer, ever."""
    local = address.rpartition("@")[0].lower()
    return local in ROLE_LOCAL_PARTS or bool(_ROLE_PREFIX.match(local))


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower().rstrip(".")


@dataclass(frozen=True)
class Authentication:
    """What our own receiving server said about the message (RFC 8601)."""

    results: dict[str, str] = field(default_factory=dict)  # method -> result, e.g. dmarc: fail
    failed: str = ""  # the failing check, "" when nothing failed (or nothing was checked)


@dataclass(frozen=True)
class Identity:
    """The sender as far as the headers prove it."""

    address: str = ""  # the one author's address, lower case ("" when unclear)
    name: str = ""
    problem: str = ""  # why the sender is not clear ("" when it is)
    authentication: Authentication = field(default_factory=Authentication)
    list_mail: bool = False
    auto_submitted: bool = False

    @property
    def verified_by_dmarc(self) -> bool:
        """Our own server says DMARC passed for the From domain (with a clean From)."""
        return (
            not self.problem
            and bool(self.address)
            and self.authentication.results.get("dmarc") == "pass"
            and not self.authentication.failed
        )

    @property
    def trusted(self) -> bool:
        return bool(self.address) and not self.problem and not self.authentication.failed


def _getaddresses_strict(value: str) -> list[tuple[str, str]]:
    """`getaddresses(..., strict=True)` where the Python has it (3.12.6+/3.13; CVE-2023-27043
    fix), else the older parse; the header registry's defects are checked either way."""
    try:
        return getaddresses([value], strict=True)  # type: ignore[call-arg,unused-ignore]
    except TypeError:
        return getaddresses([value])


def _strict_from(message: Headers) -> tuple[str, str, str]:
    """(address, name, problem) from `From` and `Sender` with every defect counted."""
    raw_from = [value for key, value in message if key.lower() == "from"]
    if not raw_from:
        return "", "", "no From header"
    if len(raw_from) > 1:
        return "", "", "more than one From header"
    sender_raw = [value for key, value in message if key.lower() == "sender"]
    # The stdlib's address parser is slow on pathological input (thousands of comments):
    # a header no person's mailer writes is not parsed at all, it is simply not trusted.
    for value in (*raw_from, *sender_raw):
        if len(value) > MAX_ADDRESS_HEADER or value.count("(") > MAX_COMMENTS:
            return "", "", "From or Sender header too long or too complex to verify"
    try:
        parsed_from = parsed_header("From", raw_from[0])
    except Exception as exc:  # the header registry raises on some malformed input
        return "", "", f"From header does not parse: {type(exc).__name__}"
    defects = list(getattr(parsed_from, "defects", []))
    addresses = list(getattr(parsed_from, "addresses", ()))
    strict = _getaddresses_strict(str(raw_from[0]))
    if defects:
        return "", "", f"From header does not parse cleanly ({type(defects[0]).__name__})"
    if any(group.display_name is not None for group in getattr(parsed_from, "groups", ())):
        return "", "", "From uses group syntax (RFC 5322 allows only mailboxes there)"
    if len(addresses) != 1 or len(strict) != 1:
        return "", "", f"From names {len(addresses)} authors"
    author = addresses[0]
    address = (author.addr_spec or "").strip().lower()
    if not author.username or not author.domain or not strict[0][1]:
        return "", "", "From has no complete address"
    if strict[0][1].strip().lower() != address:
        return "", "", "From reads differently in a strict parse"
    name = str(author.display_name or "")
    if sender_raw:
        try:
            sender = parsed_header("Sender", sender_raw[0])
            sender_addresses = list(getattr(sender, "addresses", ()))
        except Exception:
            sender_addresses = []
        sender_address = sender_addresses[0].addr_spec.lower() if sender_addresses else ""
        if len(sender_raw) > 1 or len(sender_addresses) != 1 or sender_address != address:
            return address, name, f"Sender ({sender_address or 'unreadable'}) differs from From"
    return address, name, ""


_COMMENT = re.compile(r"\([^()]*\)")


def _resinfo(value: str) -> tuple[str, list[tuple[str, str, dict[str, str]]]]:
    """(authserv-id, [(method, result, properties)]) of one Authentication-Results value."""
    text = " ".join(value.split())
    for _ in range(3):  # nested comments, bounded
        text = _COMMENT.sub(" ", text)
    pieces = [piece.strip() for piece in text.split(";")]
    serv_id = pieces[0].split()[0].lower() if pieces and pieces[0].split() else ""
    results: list[tuple[str, str, dict[str, str]]] = []
    for piece in pieces[1:]:
        found = re.match(r"([a-z0-9_-]+)(?:/[0-9]+)?\s*=\s*([a-z]+)(.*)", piece, re.IGNORECASE)
        if not found:
            continue
        props = {
            key.lower(): val.strip('"').lower()
            for key, val in re.findall(r"([a-z]+\.[a-z0-9_.-]+)\s*=\s*(\S+)", found.group(3), re.I)
        }
        results.append((found.group(1).lower(), found.group(2).lower(), props))
    return serv_id, results


def _domain_matches(value: str, domain: str) -> bool:
    value = domain_of(value) if "@" in value else value.strip().lower().rstrip(".")
    return not value or value == domain


def authentication_of(message: Headers, authserv_id: str, from_domain: str) -> Authentication:
    """Our server's verdict on the From domain: DMARC fail/permerror fails; without a DMARC
    result, SPF fail (for the From domain's envelope) or DKIM fail with no DKIM pass fails."""
    if not authserv_id:
        return Authentication()
    ours: list[tuple[str, str, dict[str, str]]] = []
    started = False
    for key, value in message:
        is_ar = key.lower() == "authentication-results"
        if started and not is_ar:
            break  # the topmost run only: what lies below was written by others
        if not is_ar:
            continue
        serv_id, results = _resinfo(str(value))
        if serv_id == authserv_id.lower():
            started = True
            ours.extend(results)
    verdict: dict[str, str] = {}
    for method, result, _props in ours:
        verdict.setdefault(method, result)
    dmarc = [
        r
        for m, r, p in ours
        if m == "dmarc" and _domain_matches(p.get("header.from", ""), from_domain)
    ]
    verdict.pop("dmarc", None)  # only a verdict on the From domain counts
    if dmarc:
        verdict["dmarc"] = dmarc[0]
        failed = next((f"dmarc={r}" for r in dmarc if r in ("fail", "permerror")), "")
        return Authentication(verdict, failed)
    spf_fail = any(
        m == "spf"
        and r == "fail"
        and _domain_matches(p.get("smtp.mailfrom", p.get("smtp.helo", "")), from_domain)
        for m, r, p in ours
    )
    dkim = [(r, p.get("header.d", p.get("header.i", ""))) for m, r, p in ours if m == "dkim"]
    dkim_pass = any(r == "pass" and _domain_matches(d, from_domain) for r, d in dkim)
    dkim_fail = any(r == "fail" and _domain_matches(d, from_domain) for r, d in dkim)
    failed = "spf=fail" if spf_fail else ("dkim=fail" if dkim_fail and not dkim_pass else "")
    return Authentication(verdict, failed)


def _header_text(message: Headers, name: str) -> str:
    for key, value in message:
        if key.lower() == name:
            return " ".join(str(value).split()).lower()
    return ""


def identity_of(raw: bytes, *, authserv_id: str) -> Identity:
    """The sender of `raw` by the strict rules; never raises on malformed input."""
    try:
        message = headers_of(raw)
        address, name, problem = _strict_from(message)
    except Exception as exc:
        return Identity(problem=f"headers do not parse: {type(exc).__name__}")
    precedence = _header_text(message, "precedence")
    auto = _header_text(message, "auto-submitted")
    return Identity(
        address=address,
        name=name,
        problem=problem,
        authentication=authentication_of(message, authserv_id, domain_of(address)),
        list_mail=bool(
            _header_text(message, "list-id") or _header_text(message, "list-unsubscribe")
        )
        or precedence == "list",
        auto_submitted=auto not in ("", "no"),
    )


def dedupe_key_for(raw: bytes, message_id: str) -> str:
    """The unique key of a stored message: its Message-ID and its content (module text)."""
    content = content_digest(raw)
    if not message_id:
        return f"c:{content}"
    return f"m:{hashlib.sha256(message_id.encode()).hexdigest()[:32]}:{content}"


def refusal_key_for(raw: bytes) -> str:
    """The unique key of a refused message's record: the same refusal is recorded once."""
    return f"refused:{content_digest(raw)}"
