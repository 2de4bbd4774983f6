"""`manage.py seed_demo`: a year of history made through the desk's services, escalations
handled and mails sent as they went, nothing stale left for the first sweep, and a login table
that tells the truth.

The demo is loaded once for the package (tests/demo/conftest.py).
"""

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max, Min
from django.db.models.functions import TruncMonth

from backoffice.dashboard import dashboard_figures, month_add
from contracts.models import (
    Contact,
    ContactRole,
    ContactRoleKind,
    Contract,
    Customer,
    Provider,
    RequestType,
    SlaTarget,
)
from escalation.models import Escalation, Level
from escalation.services.sweep import escalation_sweep
from notifications.models import OutboxEmail, OutboxState
from tests.demo.seeding import DEMO_NOW, seed
from tickets.demo.data import AMSTERDAM, DEMO_PASSWORD, GROUPS
from tickets.demo.people import logins_table
from tickets.models import (
    SatisfactionSurvey,
    SlaClock,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)

NOW = datetime.fromisoformat(DEMO_NOW)
README = Path(settings.BASE_DIR) / "README.md"

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    models = (Customer, Contact, Contract, ContactRole, Ticket, TicketEvent, TicketMessage, Group)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["User"] = get_user_model().objects.count()
    counts["Escalation"] = Escalation.objects.count()
    counts["OutboxEmail"] = OutboxEmail.objects.count()
    return counts


def months_back(count: int) -> list[datetime]:
    """The first day (display zone) of each of the `count` months before NOW's month."""
    this_month = NOW.astimezone(AMSTERDAM).date().replace(day=1)
    return [month_add(this_month, -k) for k in range(1, count + 1)]


# --- The data set --------------------------------------------------------------------------------
def test_seed_demo_creates_tickets_in_every_status_for_every_provider():
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("provider__code", flat=True)) == set(
        Provider.objects.values_list("code", flat=True)
    )


def test_seed_demo_covers_every_incident_level_of_every_catalogue_policy():
    used = set(
        Ticket.objects.filter(sla_policy__isnull=False).values_list(
            "sla_policy__code", "priority_level"
        )
    )
    offered = set(
        SlaTarget.objects.filter(
            policy__release__is_current=True, request_type=RequestType.INCIDENT
        ).values_list("policy__code", "level")
    )
    assert used == offered


def test_seed_demo_reports_what_the_history_holds(demo_output):
    raised = Escalation.objects.count()
    sent = OutboxEmail.objects.filter(state=OutboxState.SENT).count()

    assert f"history: {raised} escalations raised" in demo_output
    assert f"{sent} mails sent" in demo_output


def test_seed_demo_second_run_creates_nothing_and_says_so():
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "nothing changed" in output


def test_seed_demo_logins_prints_the_table_and_writes_nothing():
    before = row_counts()

    output = seed("--logins")

    assert row_counts() == before
    assert output.startswith("| Role | Username | Password | What they see |")


def test_each_microsoft_contract_has_exactly_one_support_services_manager():
    per_contract = [
        contract.contact_roles.filter(role=ContactRoleKind.SUPPORT_SERVICES_MANAGER).count()
        for contract in Contract.objects.filter(provider__code="microsoft")
    ]

    assert per_contract == [1, 1, 1]


def test_seed_demo_creates_the_provider_role_groups_and_staff():
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUPS)
    staff_groups = set(
        get_user_model().objects.filter(is_staff=True).values_list("groups__name", flat=True)
    )
    assert staff_groups >= set(GROUPS)  # every role has a demo user, the escalation officer too


# --- A year of history ---------------------------------------------------------------------------
def test_every_one_of_the_last_twelve_months_has_tickets_reported():
    per_month = dict(
        Ticket.objects.annotate(month=TruncMonth("created_at", tzinfo=AMSTERDAM))
        .values_list("month")
        .annotate(n=Max("pk") - Min("pk") + 1)
        .values_list("month", "n")
    )
    months = {m.date() for m in per_month}

    assert set(months_back(12)) <= months
    assert Ticket.objects.count() >= 150


def test_the_history_holds_closed_surveyed_late_and_withdrawn_tickets():
    old = Ticket.objects.filter(created_at__lt=NOW - timedelta(weeks=8))

    assert set(old.values_list("status", flat=True)) == {Status.CLOSED, Status.CANCELLED}
    assert SatisfactionSurvey.objects.filter(ticket__in=old).count() >= 40
    assert SlaClock.objects.filter(ticket__in=old, met=False).count() >= 3  # breached targets
    assert SatisfactionSurvey.objects.filter(score__lte=2).exists()


def test_every_step_of_the_history_lies_before_the_load_time_and_after_its_ticket():
    assert not TicketEvent.objects.filter(created_at__gt=NOW).exists()
    assert not TicketMessage.objects.filter(created_at__gt=NOW).exists()
    assert not SatisfactionSurvey.objects.filter(answered_at__gt=NOW).exists()
    early = [
        e.pk
        for e in TicketEvent.objects.select_related("ticket")
        if e.created_at < e.ticket.created_at
    ]
    assert early == []
    unanswerable = [
        s.pk
        for s in SatisfactionSurvey.objects.select_related("ticket")
        if s.ticket.resolved_at is None or s.answered_at < s.ticket.resolved_at
    ]
    assert unanswerable == []


def test_the_dashboard_shows_twelve_months_of_tickets_and_satisfaction():
    coordinator = get_user_model().objects.get(username="coordinator")
    month = months_back(1)[0]

    figures = dashboard_figures(now=NOW, month=month, zone=AMSTERDAM, user=coordinator)
    trends, csat = figures.trends, figures.csat

    opened = [sum(t.points[k].opened for t in trends) for k in range(12)]
    answered = [sum(c.months[k].answers for c in csat) for k in range(12)]
    assert all(n > 0 for n in opened), opened
    assert sum(n > 0 for n in answered) >= 10, answered


# --- Escalations handled, mails sent, nothing stale ----------------------------------------------
def test_the_history_escalations_fired_and_were_handled_in_the_past():
    handled_by = NOW - timedelta(hours=4)  # acknowledged after 20 minutes, resolved 3 h later
    past = Escalation.objects.filter(raised_at__lt=handled_by)

    assert past.filter(level__gte=Level.FIRST_LINE).count() >= 10
    assert not past.filter(resolved_at__isnull=True).exists()
    # Unacknowledged only when the ticket was finished before anyone had to act: it ended with
    # the ticket (no one resolved it).
    unacknowledged = past.filter(acknowledged_at__isnull=True)
    assert not unacknowledged.filter(resolved_by__isnull=False).exists()
    assert set(unacknowledged.values_list("ticket__status", flat=True)) <= {
        Status.RESOLVED,
        Status.CLOSED,
        Status.CANCELLED,
    }
    assert past.filter(acknowledged_at__isnull=False).count() > 10 * unacknowledged.count()
    assert not Escalation.objects.filter(acknowledged_at__gt=NOW).exists()
    assert set(
        Escalation.objects.filter(
            level__gte=Level.SECOND_LINE, resolved_by__isnull=False
        ).values_list("resolved_by__username", flat=True)
    ) <= {"escalation"}


def test_loading_leaves_no_mail_pending_that_was_due():
    assert OutboxEmail.objects.exists()
    assert not OutboxEmail.objects.filter(state=OutboxState.PENDING, send_after__lte=NOW).exists()
    assert not OutboxEmail.objects.filter(state=OutboxState.SENT, sent_at__gt=NOW).exists()


def test_the_first_sweep_at_the_load_time_fires_nothing_stale():
    escalations, mails = Escalation.objects.count(), OutboxEmail.objects.count()

    result = escalation_sweep(now=NOW)

    assert result.fired == 0
    assert (Escalation.objects.count(), OutboxEmail.objects.count()) == (escalations, mails)


def test_the_first_on_call_sweep_at_the_load_time_pages_nobody():
    """The demo's night-time tickets paged on call in their history; all were acknowledged."""
    from escalation.models import OnCallPage, OnCallPageStep
    from escalation.services.oncall import oncall_sweep

    steps = OnCallPageStep.objects.count()

    result = oncall_sweep(now=NOW)

    assert OnCallPage.objects.filter(acknowledged_at__isnull=False).exists()
    # What is left unacknowledged has nobody left to page (a gap before the rota began).
    assert not OnCallPage.objects.filter(
        acknowledged_at__isnull=True, next_step_at__isnull=False
    ).exists()
    assert (result.stepped, result.pager_sent) == (0, 0)
    assert OnCallPageStep.objects.count() == steps


def test_a_sweep_after_loading_never_fires_for_a_finished_ticket():
    before = Escalation.objects.aggregate(m=Max("pk"))["m"]

    escalation_sweep(now=NOW + timedelta(minutes=5))

    new = Escalation.objects.filter(pk__gt=before)
    assert not new.exclude(ticket__status__in=[Status.NEW, Status.IN_PROGRESS]).exists()


# --- The login table tells the truth -------------------------------------------------------------
def readme_logins() -> list[tuple[str, str, str, str]]:
    """The rows of the README's demo login table: (role, username, password, what they see)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Demo logins") :]
    section = section[: section.index("\n## ", 1)]
    rows = [
        tuple(cell.strip().strip("`") for cell in line.strip().strip("|").split("|"))
        for line in section.splitlines()
        if line.startswith("|") and not line.startswith("|---")
    ]
    return rows[1:]  # without the header


# Permissions that make each staff row's "what they see" true (granted, refused).
STAFF_CLAIMS = {
    "Support coordinator": (
        ["tickets.change_ticket", "tickets.add_problem", "contracts.change_businesscalendar"],
        ["auth.change_user"],
    ),
    "First line": (
        ["tickets.change_ticket", "contracts.view_contract"],
        ["contracts.change_contract"],
    ),
    "Second line": (
        ["tickets.change_ticket", "tickets.change_problem"],
        ["contracts.change_contract"],
    ),
    "Service support manager": (
        ["escalation.change_escalation", "tickets.view_ticket", "tickets.view_problem"],
        ["tickets.change_ticket", "tickets.change_problem", "contracts.change_contract"],
    ),
    "Escalation officer": (
        ["escalation.change_escalation", "tickets.view_ticket", "tickets.change_problem"],
        ["tickets.change_ticket", "contracts.change_contract"],
    ),
    "Customer success account manager": (
        ["tickets.view_ticket", "tickets.view_problem", "escalation.view_escalation"],
        ["tickets.change_ticket", "escalation.change_escalation"],
    ),
}
CONTACT_ROLES = {
    "Customer: support services manager": ContactRoleKind.SUPPORT_SERVICES_MANAGER,
    "Customer: named contact": ContactRoleKind.NAMED_CONTACT,
}


def test_the_readme_login_table_is_the_one_make_run_prints():
    table = [tuple(line.strip("|").split(" | ")) for line in logins_table().splitlines()]
    printed = [tuple(cell.strip() for cell in row) for row in table if row[0] != "---|---|---|---"]

    assert readme_logins() == printed[1:]
    assert ("Escalation officer", "escalation") in [row[:2] for row in readme_logins()]


@pytest.mark.parametrize("row", readme_logins()[:-1], ids=lambda row: row[1])
def test_every_login_in_the_readme_logs_in_with_its_role(client, row):
    role, username, password, sees = row
    door = "/portal/login/" if role.startswith("Customer:") else "/admin/login/"

    response = client.post(door, {"username": username, "password": password})

    logged_in = "_auth_user_id" in client.session
    assert logged_in == ("cannot log in" not in sees), f"{username} at {door}: {response}"
    user = get_user_model().objects.get(username=username)
    if role == "Administrator":
        assert user.is_superuser
    elif role in STAFF_CLAIMS:
        granted, refused = STAFF_CLAIMS[role]
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser
        assert [p for p in granted if not user.has_perm(p)] == []
        assert [p for p in refused if user.has_perm(p)] == []
    else:
        contact = Contact.objects.get(user=user)
        roles = set(ContactRole.objects.filter(contact=contact).values_list("role", flat=True))
        assert contact.is_active == (role != "Customer: inactive contact")
        if contact.is_active:
            assert roles == ({CONTACT_ROLES[role]} if role in CONTACT_ROLES else set())


def test_hollands_retail_shares_no_ticket_by_default_as_the_table_says():
    contract = Contract.objects.get(customer__code="hollands-retail")

    assert not contract.tickets_shared_by_default
    assert not Ticket.objects.filter(contract=contract, shared_with_organisation=True).exists()


def test_every_other_demo_contact_logs_in_with_the_demo_password():
    contacts = list(Contact.objects.select_related("user"))

    assert len(contacts) >= 20
    assert all(
        c.user.username == c.email and c.user.check_password(DEMO_PASSWORD) for c in contacts
    )


def test_the_demo_holds_an_active_and_an_expired_remote_access_grant():
    from contracts.models import GrantState, RemoteAccessGrant

    grants = RemoteAccessGrant.objects.filter(customer__code="zuiderzee-logistiek")

    assert sorted(g.state(NOW) for g in grants) == [GrantState.ACTIVE, GrantState.EXPIRED]
    assert {g.granted_by.email for g in grants} == {"anna.devries@zuiderzee-logistiek.example"}
