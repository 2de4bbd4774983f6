"""The back-office's service review packs (issue #15 §2): the contracts to review, one
contract's pack with charts beside its numbers, and its downloads."""

from __future__ import annotations

import pytest

from tests.backoffice.conftest import english_client, staff
from tests.reports.world import pack_world

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_the_contracts_to_review():
    world = pack_world()
    page = english_client(staff("coordinator")).get("/admin/backoffice/reports/")
    assert page.status_code == 200
    assert world.contract.reference in page.content.decode()


def test_a_contracts_pack_shows_the_breaches_and_is_kept_once_the_period_is_over():
    world = pack_world()
    client = english_client(staff("ssm"))
    url = f"/admin/backoffice/reports/{world.contract.pk}/?period=2026-11"
    text = client.get(url).content.decode()
    assert "Targets breached in this period" in text
    assert world.late.number in text
    assert "Certificaat verlopen" in text
    assert "Kept as built on" in text


def test_the_csv_download_carries_the_pack():
    world = pack_world()
    client = english_client(staff("coordinator"))
    answer = client.get(f"/admin/backoffice/reports/{world.contract.pk}/?period=2026-11&format=csv")
    assert answer.status_code == 200
    assert world.late.number in answer.content.decode()


def test_the_first_line_may_not_open_packs():
    world = pack_world()
    client = english_client(staff("first"))
    assert client.get(f"/admin/backoffice/reports/{world.contract.pk}/").status_code == 403
