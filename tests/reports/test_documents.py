"""The three renderings of one pack (issue #15 §2, "Proof"): the PDF's text (pdftotext) has the
same numbers as the CSV; the PDF is A4 with the provider and the period on every page; the CSV
cells are safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter

import pytest

from reports.documents import pack_csv_text, pack_pdf
from reports.periods import period_parse
from reports.services.packs import review_pack_data
from tests.reports.world import AFTER, pack_world

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


def _pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    return _pdf_text(pdf, tmp_path).split("\f")


def _csv_numbers(text: str) -> Counter[str]:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return Counter(cell for cell in cells if NUMBER.match(cell))


def _text_numbers(text: str) -> Counter[str]:
    return Counter(token for token in text.split() if NUMBER.match(token))


@pytest.fixture
def pack():
    world = pack_world()
    return review_pack_data(
        contract=world.contract, period=period_parse("2026-11"), language="en", now=AFTER
    )


def test_the_pdf_shows_every_number_of_the_csv(pack, tmp_path):
    csv_numbers = _csv_numbers(pack_csv_text(pack))
    pdf_numbers = _text_numbers(_pdf_text(pack_pdf(pack), tmp_path))
    assert csv_numbers  # the compliance, breach and volume figures are there
    assert csv_numbers - pdf_numbers == Counter()


def test_every_pdf_page_names_the_provider_and_the_period(pack, tmp_path):
    pages = [page for page in _pdf_pages(pack_pdf(pack), tmp_path) if page.strip()]
    assert len(pages) >= 2
    assert all("onITnow" in page and "November 2026" in page for page in pages)


def test_the_pdf_is_a4(pack, tmp_path):
    path = tmp_path / "pack.pdf"
    path.write_bytes(pack_pdf(pack))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout


def test_the_csv_lists_the_breaches_with_cause_and_what_was_done(pack):
    rows = list(csv.reader(io.StringIO(pack_csv_text(pack))))
    breach = next(row for row in rows if "Certificaat verlopen" in row)
    assert breach[6] == "60"  # minutes late
    assert "Fix: Certificaat vernieuwd" in breach


def test_a_subject_that_looks_like_a_formula_is_text_in_the_csv(pack):
    pack["breaches"][0]["subject"] = "=HYPERLINK(1)"
    assert "'=HYPERLINK(1)" in pack_csv_text(pack)


def test_the_dutch_pack_has_dutch_headings(tmp_path):
    world = pack_world()
    data = review_pack_data(
        contract=world.contract, period=period_parse("2026-11"), language="nl", now=AFTER
    )
    text = _pdf_text(pack_pdf(data), tmp_path)
    assert "november 2026" in text
    assert data["language"] == "nl"
