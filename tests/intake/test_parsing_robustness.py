"""Issue #10 §1: whatever the header and body bytes, parsing raises nothing but
`MessageRejected` and the pipeline never loses the raw message (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from intake.models import InboundMessage, Outcome
from intake.parsing import Limits, MessageRejected, parse_message
from intake.services.receive import inbound_receive

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
FINAL = {Outcome.TICKET, Outcome.REPLY, Outcome.NOTE, Outcome.TRIAGE, Outcome.IGNORED}
FINAL |= {Outcome.QUARANTINED}
NAMES = [
    "From",
    "Subject",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Disposition",
    "Message-ID",
    "Sender",
    "MIME-Version",
    "X-Anything",
]
SEPARATORS = [b"\r\n", b"\n", b"\r", b"\r\n\t", b"\n "]


def fuzz(examples: int) -> hsettings:
    return hsettings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Header fields with arbitrary values (8-bit, encoded-word-like, folded), then a body of
    arbitrary bytes, possibly under a multipart Content-Type."""
    fields = draw(
        st.lists(
            st.tuples(
                st.sampled_from(NAMES),
                st.binary(max_size=120)
                | st.sampled_from(
                    [
                        b"=?utf-8?b?w6k=?=",
                        b"=?x-bad?q?=FF?=",
                        b"multipart/mixed; boundary=b",
                        b"text/plain; charset=gb2312",
                        b"base64",
                        b'attachment; filename="a.eml"',
                        b"message/rfc822",
                        b"text/calendar",
                        b"a@b.example (c",
                    ]
                ),
                st.sampled_from(SEPARATORS),
            ),
            max_size=10,
        )
    )
    head = b"".join(name.encode() + b": " + value + end for name, value, end in fields)
    body = draw(
        st.binary(max_size=600)
        | st.sampled_from([b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", b"--b\r\n"])
    )
    return head + draw(st.sampled_from([b"\r\n", b"\n", b""])) + body


@fuzz(300)
@given(raw=messages())
def test_parse_message_raises_nothing_but_rejected(raw: bytes) -> None:
    try:
        parsed = parse_message(raw, Limits(), "servicedesk.example", "support@servicedesk.example")
    except MessageRejected:
        return
    for text in (
        parsed.subject,
        parsed.text,
        parsed.sender_name,
        parsed.sender_email,
        *parsed.defects,
    ):
        text.encode("utf-8")  # storable: no lone surrogates
        assert "\x00" not in text


@fuzz(120)
@given(raw=messages())
def test_random_header_and_body_bytes_never_crash_and_never_lose_the_raw(raw: bytes) -> None:
    with transaction.atomic():
        inbound, created = inbound_receive(raw=raw, transport="pipe", now=NOW)
        row = InboundMessage.objects.get(pk=inbound.pk)
        assert created
        assert bytes(row.raw) == raw
        assert row.outcome in FINAL
        assert isinstance(row.defects, list)
        transaction.set_rollback(True)
