"""The scrubber's rules (issue #15 §3): which strings identify a person, and what of their own
text goes."""

from __future__ import annotations

from datetime import UTC, datetime

from privacy.registry import Subject
from privacy.scrub import Pseudonym, Scrubber

TOM = Subject(
    contact_id=1,
    customer_id=1,
    user_id=None,
    name="Tom van der Visser",
    email="tom.visser@kuststroom.example",
    phone="+31 6 1234 5678",
    username="",
)
PSEUDONYM = Pseudonym(token="ab12cd", name="Verwijderde persoon ab12cd", email="x@erased.invalid")
SCRUBBER = Scrubber(TOM, pseudonym=PSEUDONYM, now=datetime(2026, 6, 1, tzinfo=UTC))
P = PSEUDONYM.name


def test_every_written_form_of_the_phone_number_is_replaced():
    text = "Bel 06-12345678, 0612345678, +31 (0)6 1234 5678 of +31612345678; niet 106123456789."

    assert SCRUBBER.text(text) == f"Bel {P}, {P}, {P} of {P}; niet 106123456789."


def test_the_name_in_any_spacing_and_case_and_the_address_are_replaced():
    text = "TOM VAN DER\nVISSER <tom.visser@kuststroom.example>, login tom.visser."

    assert SCRUBBER.text(text) == f"{P} <{P}>, login {P}."


def test_name_parts_go_only_in_the_persons_own_text():
    text = "Beste Tom, Visser belde. Van der Berg niet."

    assert SCRUBBER.text(text) == text
    assert SCRUBBER.text(text, own=True) == f"Beste {P}, {P} belde. Van der Berg niet."


def test_the_signature_block_under_a_closing_becomes_the_pseudonym():
    text = "Printer stuk.\n\nMet vriendelijke groet,\nT.\nBeheer Kuststroom\nKade 1\n\n> eerder"

    assert SCRUBBER.text(text, own=True) == (
        f"Printer stuk.\n\nMet vriendelijke groet,\n{P}\n\n> eerder"
    )


def test_an_address_field_stays_an_address():
    assert SCRUBBER.text(" Tom.Visser@Kuststroom.example ") == PSEUDONYM.email


def test_json_keys_and_values_are_scrubbed():
    data = {"to": ["tom.visser@kuststroom.example"], "Tom van der Visser": 3}

    assert SCRUBBER.value(data) == {"to": [PSEUDONYM.email], P: 3}


def test_raw_bytes_are_searched_as_latin1():
    assert SCRUBBER.mentions(b"From: Tom van der Visser <x@y>")
    assert not SCRUBBER.mentions(b"From: Mia <mia@y>")
