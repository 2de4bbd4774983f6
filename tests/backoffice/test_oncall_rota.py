"""Issue #13 §1: the on-call rota in the back-office (week and month grid with the gaps
marked, coordinators edit and others read), the gap warnings on the provider and on the
contracts relying on it, and the acknowledgement link's page in Dutch and English."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from contracts.models import OnCallShift
from contracts.selectors_oncall import oncall_days, oncall_gaps
from escalation.tokens import ONCALL_SALT, oncall_ack_token
from notifications.models import StaffProfile
from tests.backoffice.conftest import english_client, staff
from tests.escalation.oncall_world import SATURDAY_3AM, page_of
from tests.factories import ContractFactory
from tests.tickets.helpers import ams

pytestmark = pytest.mark.django_db

ROTA = reverse("backoffice:oncall")
WEEK = f"{ROTA}?date=2026-06-13"


def test_the_week_grid_shows_who_is_on_call_in_order_and_marks_the_gap(
    rota, django_assert_max_num_queries
):
    client = english_client(staff("coordinator"))
    provider = rota.contract.provider.pk

    with django_assert_max_num_queries(20):
        response = client.get(f"{WEEK}&provider={provider}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "17:00–00:00" in html  # Friday's hand-over at 17:00 (Amsterdam)
    assert "1. <a" in html
    assert "Anna Jansen" in html
    assert "2. <a" in html
    assert html.count("nobody on call") == 5  # Monday to Thursday, and Friday until 17:00
    assert "Add a shift" in html


def test_the_month_grid_covers_whole_weeks(rota):
    client = english_client(staff("first"))

    html = client.get(f"{WEEK}&view=month&provider={rota.contract.provider.pk}").content.decode()

    assert html.count('class="oncall-day') == 35  # 1 June (Monday) to 5 July
    assert "Add a shift" not in html  # the first line reads
    assert "/change/" not in html


def test_a_24x7_promise_with_gaps_warns_on_the_provider_and_the_contract(rota):
    client = english_client(staff("coordinator"))

    with time_machine.travel(SATURDAY_3AM, tick=False):
        provider_page = client.get(
            reverse("admin:contracts_provider_change", args=[rota.contract.provider.pk])
        )
        contract_page = client.get(
            reverse("admin:contracts_contract_change", args=[rota.contract.pk])
        )

    assert "Nobody is on call for Advanced Support from" in provider_page.content.decode()
    assert (
        "Nobody is on call for Advanced Support from Mon 15 Jun 2026 09:00 to Sat 11 Jul 2026 "
        "03:00, while it promises help at any hour (gaps in the next 4 weeks: 1)"
    ) in contract_page.content.decode()


def test_a_business_hours_contract_gets_no_gap_warning():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    client = english_client(staff("coordinator"))

    page = client.get(reverse("admin:contracts_contract_change", args=[contract.pk]))

    assert "Nobody is on call" not in page.content.decode()


def test_gaps_are_the_stretches_nobody_covers(rota, django_assert_max_num_queries):
    provider = rota.contract.provider
    start, end = ams("2026-06-12 12:00"), ams("2026-06-16 12:00")

    with django_assert_max_num_queries(1):
        gaps = oncall_gaps(provider, start, end)

    assert gaps == [(start, ams("2026-06-12 17:00")), (ams("2026-06-15 09:00"), end)]


def test_a_package_rota_counts_only_for_its_package(rota):
    provider = rota.contract.provider
    OnCallShift.objects.create(
        provider=provider,
        package_code="performance",
        user=rota.anna,
        starts_at=ams("2026-06-15 09:00"),
        ends_at=ams("2026-06-16 09:00"),
    )
    span = (ams("2026-06-15 09:00"), ams("2026-06-16 09:00"))

    assert oncall_gaps(provider, *span, package_code="performance") == []
    assert oncall_gaps(provider, *span, package_code="advanced") == [span]


def test_days_are_cut_at_midnight_in_the_desks_zone(rota):
    days = oncall_days(rota.contract.provider, first=ams("2026-06-13 00:00").date(), count=1)

    assert [(s.start, s.end, len(s.shifts)) for s in days[0].segments] == [
        (ams("2026-06-13 00:00"), ams("2026-06-14 00:00"), 2)
    ]


def test_the_coordinator_adds_a_shift_in_wall_time_stored_in_utc(rota):
    client = english_client(staff("coordinator"))
    url = reverse("admin:contracts_oncallshift_add")

    response = client.post(
        url,
        {
            "provider": rota.contract.provider.pk,
            "package_code": "",
            "user": rota.bram.pk,
            "position": 1,
            "phone": "+31600000000",
            "starts_at_0": "2026-06-15",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-06-15",
            "ends_at_1": "08:00",
        },
    )

    assert "A shift ends after it starts." in response.content.decode()
    assert OnCallShift.objects.filter(phone="+31600000000").count() == 0


# --- the acknowledgement link ------------------------------------------------------------------


def _link(step_id: int) -> str:
    return reverse("oncall-acknowledge", args=[oncall_ack_token(step_id)])


@pytest.mark.parametrize(("language", "text"), [("en", "Acknowledge the on-call page"), ("nl", "")])
def test_the_link_shows_the_page_in_the_paged_persons_language(rota, language, text):
    StaffProfile.objects.create(user=rota.anna, language=language)
    step = page_of(rota.ticket()).steps.get(number=1)

    response = Client().get(_link(step.pk))

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    assert text in response.content.decode()
    assert page_of(step.page.ticket).acknowledged_at is None  # a GET changes nothing


def test_the_link_acknowledges_once_without_a_login(rota):
    StaffProfile.objects.create(user=rota.anna, language="en")
    step = page_of(rota.ticket()).steps.get(number=1)
    client = Client()

    first = client.post(_link(step.pk))
    second = client.post(_link(step.pk))

    assert "nobody else is called" in first.content.decode()
    assert "Already acknowledged by Anna Jansen" in second.content.decode()
    assert page_of(step.page.ticket).acknowledged_by == rota.anna


def test_a_forged_or_expired_link_is_refused(rota):
    step = page_of(rota.ticket()).steps.get(number=1)
    old = signing.TimestampSigner(salt=ONCALL_SALT)

    with time_machine.travel(SATURDAY_3AM - timedelta(days=2), tick=False):
        expired = old.sign(str(step.pk))
    forged = Client().post(reverse("oncall-acknowledge", args=["12:forged"]))
    late = Client().post(reverse("oncall-acknowledge", args=[expired]))

    assert forged.status_code == late.status_code == 400
    assert page_of(step.page.ticket).acknowledged_at is None
