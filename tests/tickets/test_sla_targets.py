"""Every row of every SPEC §3.3 target table on a concrete date (issue #2 §5).

Expected due times are worked out by hand in the comments, in Europe/Amsterdam wall time.
"""

import pytest

from tests.factories import ContractFactory, UserFactory, contract_with_service, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.services import ticket_record_root_cause

pytestmark = pytest.mark.django_db

ONITNOW_ROWS = [
    # Top 1/4 bh. Fri 17:00: 30 min left that day; Mon 08:30 +30 min / +3h30.
    ("top", "2025-12-19 17:00", "2025-12-22 09:00 +0100", "2025-12-22 12:00 +0100"),
    # Hoog 9/18 bh. Wed 24 Dec 16:00: 1h30; 25+26 Dec closed, weekend; Mon 29 +7h30 = 16:00;
    # resolution: 1h30 + 9h Mon + 7h30 Tue 30 Dec -> 16:00.
    ("hoog", "2025-12-24 16:00", "2025-12-29 16:00 +0100", "2025-12-30 16:00 +0100"),
    # Gemiddeld 18/45 bh. Mon 4 May 17:00: 30 min; Tue 5 May (Bevrijdingsdag) closed;
    # Wed 9h (9h30), Thu +8h30 -> 17:00. Resolution: Wed, Thu, Fri, Mon 11 (36h30), Tue 12 +8h30.
    ("gemiddeld", "2026-05-04 17:00", "2026-05-07 17:00 +0200", "2026-05-12 17:00 +0200"),
    # Laag 18/90 bh. Thu 30 Apr 10:00: 7h30; Fri 1 May 9h (16h30); Mon 4 May +1h30 -> 10:00.
    # Resolution (SPEC §3.5a): May 5 and Ascension (14 May) closed -> Mon 18 May 10:00.
    ("laag", "2026-04-30 10:00", "2026-05-04 10:00 +0200", "2026-05-18 10:00 +0200"),
]


@pytest.mark.parametrize("package", ["ivx", "ons"])
@pytest.mark.parametrize(("level", "created", "response_due", "resolution_due"), ONITNOW_ROWS)
def test_onitnow_target_rows(package, level, created, response_due, resolution_due):
    contract = ContractFactory(provider_code="onitnow", package_code=package)
    now = ams(created)
    ticket = create_ticket(named_contact(contract), now, priority_level=level)
    # TKT-21: resolution starts when the root cause is identified; here at registration time.
    ticket = ticket_record_root_cause(
        ticket=ticket, text="Certificaat verlopen", now=now, actor=UserFactory()
    )
    assert local(ticket.response_due_at) == response_due
    assert local(ticket.resolution_due_at) == resolution_due


def test_onitnow_top_on_good_friday_is_due_that_friday():
    # SPEC §3.5a: Good Friday is open for onITnow; Thu 17:00 + 1 bh -> Fri 3 Apr 09:00.
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-04-02 17:00"), priority_level="top")
    assert local(ticket.response_due_at) == "2026-04-03 09:00 +0200"


@pytest.mark.parametrize(
    ("scope", "effect", "level", "rank"),
    [
        ("multiple_users", "down", "top", 1),
        ("multiple_users", "degraded", "hoog", 2),
        ("single_user", "down", "gemiddeld", 3),
        ("single_user", "degraded", "laag", 4),
    ],
)
def test_onitnow_priority_follows_scope_and_effect(scope, effect, level, rank):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-01 09:00"), impact_scope=scope, impact_effect=effect
    )
    assert (ticket.priority_level, ticket.priority_rank) == (level, rank)


MICROSOFT_BASE_ROWS = [
    # Advanced Critical: 1 h, 24x7 real time, across the spring DST change:
    # Sun 29 Mar 01:30 CET + 1 h = 03:30 CEST.
    ("advanced", "critical", "2026-03-29 01:30", "2026-03-29 03:30 +0200", 1),
    # Advanced Normal: 4 h in business hours 09:00-17:30 (holidays.NL): Thu 2 Apr 15:00 2h30;
    # Good Friday, weekend and Easter Monday closed; Tue 7 Apr 09:00 + 1h30.
    ("advanced", "normal", "2026-04-02 15:00", "2026-04-07 10:30 +0200", 3),
    # Performance Critical: 30 min 24x7 on Christmas night.
    ("performance", "critical", "2026-12-25 23:50", "2026-12-26 00:20 +0100", 1),
    # Performance Normal: 4 h business; Koningsdag Mon 27 Apr closed; Tue 28 09:00 + 4 h.
    ("performance", "normal", "2026-04-27 10:00", "2026-04-28 13:00 +0200", 3),
]


@pytest.mark.parametrize(("package", "level", "created", "due", "rank"), MICROSOFT_BASE_ROWS)
def test_microsoft_base_package_rows(package, level, created, due, rank):
    contract = ContractFactory(provider_code="microsoft", package_code=package)
    ticket = create_ticket(named_contact(contract), ams(created), priority_level=level)
    assert local(ticket.response_due_at) == due
    assert ticket.priority_rank == rank
    assert ticket.resolution_due_at is None  # Microsoft states no resolution time


MICROSOFT_EXTENDED_ROWS = [
    # Rapid Response Sev 1: 15 min 24x7, across the autumn DST change: 02:50 CEST -> 02:05 CET.
    ("ms-rapid-response", "rapid-response", "1", "2026-10-25 02:50", "2026-10-25 02:05 +0100"),
    # Rapid Response Sev A: no seed figure; A-26 fallback to Retail Sev A, 1 h 24x7.
    ("ms-rapid-response", "rapid-response", "a", "2026-06-06 12:00", "2026-06-06 13:00 +0200"),
    # AEM Sev 1: 15 min 24x7 on Bevrijdingsdag (no closure for 24x7).
    ("ms-aem", "azure-event-management", "1", "2026-05-05 08:00", "2026-05-05 08:15 +0200"),
    ("ms-aem", "azure-event-management", "a", "2026-05-05 08:00", "2026-05-05 09:00 +0200"),
    # Retail Sev 1 / A: 1 h 24x7, on Whit Sunday evening.
    ("ms-retail", "retail-event-management", "1", "2026-05-24 20:00", "2026-05-24 21:00 +0200"),
    ("ms-retail", "retail-event-management", "a", "2026-05-24 20:00", "2026-05-24 21:00 +0200"),
    # Retail Sev B: 2 business hours. Fri 22 May 16:30: 1 h; Whit Monday closed; Tue 26 10:00.
    ("ms-retail", "retail-event-management", "b", "2026-05-22 16:30", "2026-05-26 10:00 +0200"),
    # Retail Sev C: 4 business hours. Wed 13 May 15:00: 2h30; Ascension closed; Fri 15 10:30.
    ("ms-retail", "retail-event-management", "c", "2026-05-13 15:00", "2026-05-15 10:30 +0200"),
]


@pytest.mark.parametrize(("policy", "service", "level", "created", "due"), MICROSOFT_EXTENDED_ROWS)
def test_microsoft_extended_service_rows(policy, service, level, created, due):
    contract = contract_with_service(
        ContractFactory(provider_code="microsoft", package_code="performance"), service
    )
    ticket = create_ticket(
        named_contact(contract), ams(created), policy_code=policy, priority_level=level
    )
    assert local(ticket.response_due_at) == due
    assert ticket.sla_policy.code == policy


@pytest.mark.parametrize(
    ("package", "checklist", "any_login", "level", "rank"),
    [
        (
            "extra",
            dict.fromkeys(
                [
                    "no_listed_failure",
                    "working_situation_delivered",
                    "passwords_handed_over",
                    "files_unreachable_for_all",
                    "no_user_can_login",
                ],
                True,
            ),
            False,
            "business-critical",
            1,
        ),
        # TKT-42: as soon as one user can log in it is not business-critical.
        (
            "basis",
            dict.fromkeys(
                [
                    "no_listed_failure",
                    "working_situation_delivered",
                    "passwords_handed_over",
                    "files_unreachable_for_all",
                    "no_user_can_login",
                ],
                True,
            ),
            True,
            "normal",
            3,
        ),
        ("standaard", {"no_listed_failure": True}, None, "normal", 3),
    ],
)
def test_cbg_business_critical_checklist_sets_rank_without_targets(
    package, checklist, any_login, level, rank
):
    contract = ContractFactory(provider_code="cbg", package_code=package)
    ticket = create_ticket(
        named_contact(contract),
        ams("2026-06-01 09:00"),
        business_critical_checklist=checklist,
        any_user_can_login=any_login,
    )
    assert (ticket.priority_level, ticket.priority_rank) == (level, rank)
    assert (ticket.response_due_at, ticket.resolution_due_at) == (None, None)  # TKT-40


def test_cbg_queue_precedence_follows_the_tier():
    ranks = {
        code: ContractFactory(provider_code="cbg", package_code=code).package.precedence
        for code in ("standaard", "basis", "extra")
    }
    assert ranks["extra"] > ranks["basis"] > ranks["standaard"]


@pytest.mark.parametrize(
    ("emergency", "level", "rank"), [(True, "emergency", 1), (False, "normal", 3)]
)
def test_websitenazorg_emergency_flag_without_targets(emergency, level, rank):
    contract = ContractFactory(provider_code="websitenazorg", package_code="office365")
    ticket = create_ticket(named_contact(contract), ams("2026-06-06 22:00"), emergency=emergency)
    assert (ticket.priority_level, ticket.priority_rank) == (level, rank)
    assert (ticket.response_due_at, ticket.resolution_due_at) == (None, None)  # TKT-50


@pytest.mark.parametrize("request_type", ["information", "change"])
def test_information_and_change_requests_have_no_priority_and_no_target(request_type):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(
        named_contact(contract),
        ams("2026-06-01 09:00"),
        request_type=request_type,
        impact_scope="multiple_users",
        impact_effect="down",
    )
    assert (ticket.priority_level, ticket.priority_rank, ticket.sla_target) == ("", None, None)
    assert not ticket.clocks.exists()
