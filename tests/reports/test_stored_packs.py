"""Stored packs (issue #15 §2): a closed period's pack is kept on its first build and shown
again unchanged, even when the data changes later; an open period's is live and never kept."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess

import pytest

from reports.models import ReviewPack
from reports.periods import period_parse
from reports.services.packs import (
    review_pack_get,
    review_pack_pdf_bytes,
    review_pack_pdf_of,
    review_pack_store,
    review_packs_redact,
)
from tests.reports.world import AFTER, pack_world
from tests.tickets.helpers import ams
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
NOVEMBER = period_parse("2026-11")


def test_a_closed_periods_pack_is_kept_with_its_pdf_and_checksum():
    world = pack_world()
    result = review_pack_get(contract=world.contract, period=NOVEMBER, language="nl", now=AFTER)
    assert result.stored.checksum == ""  # the PDF follows when first needed
    pdf = review_pack_pdf_bytes(result)
    stored = ReviewPack.objects.get()
    assert result.stored == stored
    assert (stored.language, stored.period_start, stored.period_end) == (
        "nl",
        NOVEMBER.start,
        NOVEMBER.end,
    )
    assert hashlib.sha256(pdf).hexdigest() == stored.checksum


def test_a_kept_pack_is_shown_unchanged_after_the_data_changes():
    world = pack_world()
    first = review_pack_get(contract=world.contract, period=NOVEMBER, language="en", now=AFTER)
    pdf = review_pack_pdf_bytes(first)
    Ticket.objects.filter(pk=world.late.pk).update(subject="Changed afterwards")
    again = review_pack_get(
        contract=world.contract, period=NOVEMBER, language="en", now=ams("2027-02-01 09:00")
    )
    assert again.data == first.data
    assert review_pack_pdf_bytes(again) == pdf
    assert "Changed afterwards" not in str(again.data)


def test_each_language_is_kept_apart():
    world = pack_world()
    for language in ("nl", "en", "en"):
        review_pack_store(contract=world.contract, period=NOVEMBER, language=language, now=AFTER)
    assert sorted(ReviewPack.objects.values_list("language", flat=True)) == ["en", "nl"]


def test_an_open_periods_pack_is_live_and_not_kept():
    world = pack_world()
    result = review_pack_get(
        contract=world.contract, period=NOVEMBER, language="nl", now=ams("2026-11-20 12:00")
    )
    assert result.stored is None
    assert ReviewPack.objects.count() == 0
    assert review_pack_pdf_bytes(result).startswith(b"%PDF")


def test_an_erasure_leaves_no_trace_in_kept_packs_and_their_figures_unchanged(tmp_path):
    world = pack_world()
    Ticket.objects.filter(pk=world.late.pk).update(subject="Petra Pakket kan niet inloggen")
    kept = review_pack_pdf_of(
        review_pack_store(contract=world.contract, period=NOVEMBER, language="en", now=AFTER)
    )
    figures = {k: kept.data[k] for k in ("compliance", "volumes", "escalations", "csat")}

    names = re.compile(r"Petra Pakket|petra@pakket\.example", re.IGNORECASE)
    changed = review_packs_redact(
        contract_ids=[world.contract.pk],
        redact=lambda data: json.loads(names.sub("[erased]", json.dumps(data))),
    )

    kept = ReviewPack.objects.get()
    pdf = kept.pdf.open("rb").read()
    assert changed == 1
    assert "Petra" not in str(kept.data)
    assert "[erased] kan niet inloggen" in str(kept.data)
    assert {k: kept.data[k] for k in figures} == figures
    assert hashlib.sha256(pdf).hexdigest() == kept.checksum
    path = tmp_path / "kept.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    assert "Petra" not in text.stdout
    assert "[erased]" in text.stdout
