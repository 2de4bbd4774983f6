"""Service review packs in the API (issue #15 §2): the manager and staff whose role reads packs
get a contract's pack as JSON, CSV or PDF, and the packs kept; a named contact, another
organisation or a role without the grant do not."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from reports.models import ReviewPack
from reports.periods import display_zone
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.factories import ContractFactory
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db


def _url(org: Org, **query: str) -> str:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/v1/contracts/{org.contract.pk}/review-pack/?{text}"


def _this_month(now: datetime) -> str:
    return f"{now.astimezone(display_zone()):%Y-%m}"


def test_the_manager_reads_this_months_pack_as_json(org_a: Org, now: datetime) -> None:
    client = api_client(contact_token(org_a.manager))
    answer = client.get(_url(org_a, period=_this_month(now)))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["contract"]["reference"] == org_a.contract.reference
    assert body["volumes"]["total"] == 3
    assert body["language"] == "en"
    assert "X-Review-Pack-Checksum" not in answer  # an open period is live, never kept


def test_a_closed_periods_pack_is_kept_and_listed_with_its_checksum(org_a: Org) -> None:
    client = api_client(contact_token(org_a.manager), language="nl")
    answer = client.get(_url(org_a, period="2026-01", format="pdf"))
    stored = ReviewPack.objects.get(contract=org_a.contract)
    assert answer["X-Review-Pack-Checksum"] == stored.checksum
    assert hashlib.sha256(answer.content).hexdigest() == stored.checksum
    listed = client.get(f"/api/v1/contracts/{org_a.contract.pk}/review-packs/").json()
    assert [(p["period"]["text"], p["language"]) for p in listed] == [("2026-01", "nl")]


def test_the_pack_comes_as_csv_and_as_pdf(org_a: Org, now: datetime) -> None:
    client = api_client(contact_token(org_a.manager))
    csv = client.get(_url(org_a, period=_this_month(now), format="csv"))
    pdf = client.get(_url(org_a, period=_this_month(now), format="pdf"))
    assert (csv.status_code, csv["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert "SLA compliance per priority" in csv.content.decode()
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf.content.startswith(b"%PDF")


def test_the_language_parameter_chooses_the_packs_language(org_a: Org) -> None:
    client = api_client(contact_token(org_a.manager), language="en")
    body = client.get(_url(org_a, period="2026-Q1", language="nl")).json()
    assert (body["language"], body["period"]["label"]) == ("nl", "K1 2026")


def test_a_named_contact_is_refused(org_a: Org) -> None:
    answer = api_client(contact_token(org_a.named)).get(_url(org_a))
    assert (answer.status_code, answer.json()["code"]) == (403, "manager_only")


def test_another_organisations_contract_answers_404(org_a: Org, org_b: Org) -> None:
    answer = api_client(contact_token(org_a.manager)).get(_url(org_b))
    assert answer.status_code == 404


def test_a_period_that_is_none_answers_400_with_the_reason(org_a: Org) -> None:
    answer = api_client(contact_token(org_a.manager)).get(_url(org_a, period="2026-13"))
    assert answer.status_code == 400
    assert "is not a period" in answer.json()["errors"]["period"][0]


def test_staff_whose_role_reads_packs_get_them_and_the_first_line_does_not(org_a: Org) -> None:
    ssm = api_client(provider_token(staff_member("api-ssm", "Service support manager")))
    first = api_client(provider_token(staff_member("api-first", "First line")))
    assert ssm.get(_url(org_a, period="2026-Q1")).status_code == 200
    refused = first.get(_url(org_a, period="2026-Q1"))
    assert (refused.status_code, refused.json()["code"]) == (403, "review_pack_role")


def test_a_csam_reads_only_their_own_contracts_packs(org_a: Org) -> None:
    csam = staff_member("api-csam", "Customer success account manager")
    own = ContractFactory(provider_code="onitnow", package_code="ons", csam=csam)
    client = api_client(provider_token(csam))
    assert client.get(f"/api/v1/contracts/{own.pk}/review-pack/?period=2026-Q1").status_code == 200
    assert client.get(_url(org_a, period="2026-Q1")).status_code == 404
