"""Issue #10 §1, §1b: the shared corpus of real messages from other mail projects' test suites
(`../shared/mail-corpus`, or MAIL_CORPUS_DIR) goes through the intake as sent and as a demo
contact: no crash, no message lost. The corpus is not part of this repository: where no copy
is found (MAIL_CORPUS_DIR, beside the checkout, or /work/shared) the test is skipped.
`bench/bench_mail_corpus.py` reports the full figures (replacement characters, raw MIME, rate).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from contracts.models import Contact
from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from tests.factories import ContractFactory, named_contact

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CORPUS = next(
    (
        place
        for place in (
            Path(os.environ.get("MAIL_CORPUS_DIR", "/nonexistent")),
            ROOT.parent / "shared" / "mail-corpus",
            Path("/work/shared/mail-corpus"),
        )
        if place.is_dir()
    ),
    ROOT.parent / "shared" / "mail-corpus",
)
START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
SENDER = b"From: Ruud Kuipers <ruud.kuipers@kuipers.example>"


def as_contact(raw: bytes, index: int) -> bytes:
    """`raw` from the contact (From and Sender replaced) with a Message-ID of its own."""
    found = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[: found.start()], raw[found.start() :]) if found else (raw, b"\r\n\r\n")
    fields = re.split(rb"\r?\n(?![ \t])", head)
    kept = [f for f in fields if f and not re.match(rb"(?i)(from|sender|message-id)\s*:", f)]
    fresh = b"Message-ID: <corpus-%d@kuipers.example>" % index
    return b"\r\n".join([fresh, SENDER, *kept]) + rest


def test_every_corpus_message_is_stored_and_routed_as_sent_and_as_a_contact() -> None:
    files = sorted(CORPUS.rglob("*.eml")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip(f"no copy of the shared mail corpus (looked at {CORPUS}; set MAIL_CORPUS_DIR)")
    contract = ContractFactory(customer__email_domains=["kuipers.example"])
    contact = named_contact(contract, email="ruud.kuipers@kuipers.example", name="Ruud Kuipers")
    assert Contact.objects.filter(pk=contact.pk).exists()
    crashes, lost, tickets = [], [], 0
    for index, path in enumerate(files):
        for raw in (path.read_bytes(), as_contact(path.read_bytes(), index)):
            now = START + timedelta(minutes=15 * index)
            try:
                inbound, _ = inbound_receive(raw=raw, transport="pipe", now=now)
            except Exception as exc:  # the finding, not a failure of this loop
                crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
                continue
            row = InboundMessage.objects.filter(pk=inbound.pk).first()
            if row is None or row.outcome == Outcome.RECEIVED:
                lost.append(path.name)
            tickets += row is not None and row.outcome == Outcome.TICKET
    assert (crashes, lost) == ([], [])
    assert tickets > 0  # the rewritten From reaches the contact path
