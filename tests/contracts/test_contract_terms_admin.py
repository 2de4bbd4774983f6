"""A contract's term in the back-office (D18): the next deadline in the list and on the page,
a notice recorded as a dated record through the service, refusals shown as messages."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.models import ContractNotice
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime(2025, 10, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def onitnow():
    return ContractFactory(
        provider_code="onitnow",
        package_code="ons",
        reference="ONI-TERMS-1",
        start_date=date(2025, 2, 1),
        go_live_date=date(2025, 2, 1),
        renewal_date=date(2026, 2, 1),
        renewal_notice_deadline=date(2025, 12, 1),
        auto_renew=True,
    )


def _staff(client, group):
    user = UserFactory(username=group.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def _notice_url(contract):
    return f"/admin/contracts/contract/{contract.pk}/notice/"


def test_contract_list_shows_each_contracts_next_deadline(admin_client):
    onitnow()
    ContractFactory(provider_code="cbg", package_code="basis", reference="CBG-TERMS-1")

    page = admin_client.get("/admin/contracts/contract/", HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert "last day for notice: Dec. 1, 2025" in text
    assert "last day for notice: Oct. 17, 2025" in text


def test_contract_list_shows_the_deadline_in_dutch(admin_client):
    onitnow()

    page = admin_client.get("/admin/contracts/contract/", HTTP_ACCEPT_LANGUAGE="nl")

    assert "1 december 2025" in page.content.decode()


def test_contract_page_shows_the_deadline_and_the_way_to_record_a_notice(admin_client):
    contract = onitnow()

    page = admin_client.get(
        f"/admin/contracts/contract/{contract.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )

    text = page.content.decode()
    assert "last day for notice: Dec. 1, 2025" in text
    assert f'href="{_notice_url(contract)}"' in text


def test_coordinator_records_a_notice_and_the_contract_shows_its_end(client):
    contract = onitnow()
    _staff(client, "Support coordinator")

    response = client.post(
        _notice_url(contract),
        {"received_on": "2025-10-14", "given_by": "customer", "in_writing": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )

    contract.refresh_from_db()
    notice = ContractNotice.objects.get()
    assert (notice.received_on, notice.effective_end, contract.end_date) == (
        date(2025, 10, 14),
        date(2026, 2, 1),
        date(2026, 2, 1),
    )
    text = response.content.decode()
    assert "Notice recorded; contract ONI-TERMS-1 ends on Feb. 1, 2026." in text
    assert "ends: Feb. 1, 2026" in text


def test_refused_notice_is_shown_as_an_error_and_nothing_is_written(client):
    contract = onitnow()
    _staff(client, "Support coordinator")

    response = client.post(
        _notice_url(contract),
        {"received_on": "2025-10-14", "given_by": "customer"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    contract.refresh_from_db()
    assert response.status_code == 200
    assert "counts only when it is given in writing" in response.content.decode()
    assert (ContractNotice.objects.count(), contract.end_date) == (0, None)


def test_a_csam_cannot_record_a_notice(client):
    contract = onitnow()
    _staff(client, "Customer success account manager")

    response = client.post(
        _notice_url(contract), {"received_on": "2025-10-14", "given_by": "customer"}
    )

    assert response.status_code == 403
    assert not ContractNotice.objects.exists()


def test_the_deadline_column_costs_no_query_per_contract(admin_client, django_assert_num_queries):
    onitnow()
    with CaptureQueriesContext(connection) as one:
        admin_client.get("/admin/contracts/contract/")
    for _ in range(4):
        ContractFactory(provider_code="cbg", package_code="basis")

    with django_assert_num_queries(len(one.captured_queries)):
        admin_client.get("/admin/contracts/contract/")
