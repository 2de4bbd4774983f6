"""The portal's Service review (issue #15 §2): the customer's support services manager opens
the packs of the organisation's own contracts, as a page and as a PDF in the portal's language;
a named contact and another organisation's contract meet a 404."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.conf import settings

from reports.periods import display_zone
from tests.portal.conftest import Org, client_for

pytestmark = pytest.mark.django_db


def _client(org: Org, language: str = "en"):
    client = client_for(org.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_manager_sees_the_pack_with_charts_and_numbers(org_a: Org, now: datetime) -> None:
    period = f"{now.astimezone(display_zone()):%Y-%m}"
    page = _client(org_a).get(f"/portal/reports/?period={period}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text
    assert "SLA compliance per priority" in text
    assert "The period has not ended: the figures are live." in text


def test_the_manager_downloads_the_months_pdf_in_dutch(org_a: Org) -> None:
    answer = _client(org_a, "nl").get(
        f"/portal/reports/?contract={org_a.contract.pk}&period=2026-01&format=pdf"
    )
    assert (answer.status_code, answer["Content-Type"]) == (200, "application/pdf")
    assert answer["Cache-Control"] == "private, no-store"
    assert "-2026-01-nl.pdf" in answer["Content-Disposition"]


def test_a_named_contact_has_no_service_review(org_a: Org) -> None:
    assert client_for(org_a.named).get("/portal/reports/").status_code == 404


def test_another_organisations_contract_answers_404(org_a: Org, org_b: Org) -> None:
    answer = _client(org_a).get(f"/portal/reports/?contract={org_b.contract.pk}")
    assert answer.status_code == 404


def test_a_period_that_is_none_shows_last_month_with_the_reason(org_a: Org) -> None:
    text = _client(org_a).get("/portal/reports/?period=someday").content.decode()
    assert "is not a period" in text
