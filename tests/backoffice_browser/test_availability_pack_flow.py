"""Issue #15's browser proof, in Chromium against the live server: a support coordinator records
last month's outage and next week's maintenance through the admin's add forms; the customer's
contact sees the maintenance banner and last month's broken office-hours promise in the portal,
in Dutch; the customer's manager opens last month's service review in the portal and downloads
its PDF and CSV: the PDF's text (pdftotext) is Dutch, names the provider and the period, and
has every number of the CSV.

Nothing is frozen: the outage lies on a working day of last month and the maintenance inside
onITnow's window (20:00-06:00) on next week's Tuesday, both relative to the live server's now in
Europe/Amsterdam. The customer is an onITnow IVX (cloud) contract: 99.5 % in office hours.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import override
from playwright.sync_api import Page, expect

from availability.models import MonitoredService, Outage, PlannedMaintenance
from availability.rules.windows import is_working_day, month_windows
from availability.selectors import contract_pure_calendar
from availability.services.monitored import monitored_service_create
from contracts.models import Contact, ContactRole, ContactRoleKind, Contract
from notifications.models import OutboxEmail
from tests.backoffice_browser.conftest import Backoffice, person
from tests.conversation_browser.conftest import portal_login_for, text
from tests.factories import ContactFactory, ContractFactory, CustomerFactory, named_contact
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = "Integratiedienst (cloud)"
MAINTENANCE = "Update integratieplatform"
OUTAGE_HOURS = 2
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
ZONE = ZoneInfo(settings.DISPLAY_TIME_ZONE)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


@dataclass(frozen=True)
class Dates:
    """The flow's moments, chosen from the live server's now in Amsterdam."""

    last_month: date  # its first day
    question_day: date  # the second working day of last month
    outage_day: date  # the tenth working day of last month
    maintenance_day: date  # next week's Tuesday

    @classmethod
    def around(cls, now: datetime, contract: Contract) -> Dates:
        today = now.astimezone(ZONE).date()
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        calendar = contract_pure_calendar(contract)
        working = [
            day
            for day in (last_month + timedelta(days=n) for n in range(31))
            if day.month == last_month.month and is_working_day(day, calendar)
        ]
        return cls(
            last_month=last_month,
            question_day=working[1],
            outage_day=working[9],
            maintenance_day=today + timedelta(days=8 - today.weekday()),
        )


@dataclass(frozen=True)
class Customer:
    contract: Contract
    service: MonitoredService
    contact: Contact  # a named contact
    manager: Contact  # the support services manager
    coordinator: User
    incident: Ticket  # the ticket that reported the outage, answered in time


def bakkerij(now: datetime) -> tuple[Customer, Dates]:
    """Bakkerij Van Dam on onITnow IVX (cloud) with its integration service measured since the
    month before last, a named contact, its manager and the provider's coordinator."""
    customer = CustomerFactory(code="bakkerij-flow", name="Bakkerij Van Dam B.V.")
    contract = ContractFactory(
        customer=customer,
        provider_code="onitnow",
        package_code="ivx",
        hosting="cloud",
        reference="ONI-IVX-2026-007",
    )
    dates = Dates.around(now, contract)
    measured_since = at((dates.last_month - timedelta(days=1)).replace(day=1), 0)
    service = monitored_service_create(
        contract=contract, name=SERVICE, kind="integration_service", now=measured_since
    )
    contact = named_contact(contract, name="Joost van Dam", email="joost@bakkerijvandam.example")
    manager = ContactFactory(
        customer=customer, name="Femke Hendriks", email="femke@bakkerijvandam.example"
    )
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    coordinator = person("coordinator", "carla", "Carla", "de Coördinator")
    create_ticket(  # never answered: its response target is breached
        contact, at(dates.question_day, 9), channel="email", subject="Exportbestand is leeg"
    )
    incident = create_ticket(contact, at(dates.outage_day, 10) + timedelta(minutes=5))
    ticket_reply(
        ticket=incident,
        body="We onderzoeken de storing.",
        now=at(dates.outage_day, 10) + timedelta(minutes=20),
        author_user=coordinator,
    )
    return Customer(contract, service, contact, manager, coordinator, incident), dates


# --- 1. the coordinator in the admin ----------------------------------------------------------


def fill_moment(page: Page, field: str, moment: datetime) -> None:
    """The admin's split date/time inputs, in the coordinator's (English) input format."""
    page.fill(f"#id_{field}_0", moment.strftime("%Y-%m-%d"))
    page.fill(f"#id_{field}_1", moment.strftime("%H:%M"))


def pick_service(page: Page, typed: str, option: str) -> None:
    """The outage's service is a select2 autocomplete: open it, type, pick the match."""
    page.locator("#id_service + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()
    expect(page.locator("#select2-id_service-container")).to_have_text(option)


def added(page: Page, what: str, name: str) -> None:
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        f"The {what} “{name}” was added successfully."
    )


def record_outage(page: Page, customer: Customer, dates: Dates) -> Outage:
    start = at(dates.outage_day, 10)
    end = start + timedelta(hours=OUTAGE_HOURS)
    page.goto(reverse("admin:availability_outage_add"))
    pick_service(page, "ONI-IVX-2026-007", f"{SERVICE} (ONI-IVX-2026-007)")
    fill_moment(page, "start", start)
    fill_moment(page, "end", end)
    expect(page.locator("#id_planned")).not_to_be_checked()  # unplanned
    expect(page.locator("#id_affects_all_users")).to_be_checked()  # all users
    page.fill("#id_description", "Integratiedienst verwerkte geen berichten: wachtrij vol.")
    page.fill("#id_tickets", str(customer.incident.pk))
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    added(page, "outage", f"{SERVICE} {start:%Y-%m-%d %H:%M}")
    outage = Outage.objects.get()
    assert (outage.service, outage.start, outage.end) == (customer.service, start, end)
    assert not outage.planned
    assert outage.affects_all_users
    assert outage.exclusion_reason == ""
    assert list(outage.tickets.all()) == [customer.incident]
    assert outage.recorded_by == customer.coordinator
    return outage


def plan_maintenance(page: Page, customer: Customer, dates: Dates) -> PlannedMaintenance:
    start = at(dates.maintenance_day, 21)
    page.goto(reverse("admin:availability_plannedmaintenance_add"))
    page.select_option("#id_provider", label=customer.contract.provider.name)
    page.select_option("#id_services_from", label=str(customer.service))
    page.click("#id_services_add")
    page.fill("#id_title", MAINTENANCE)
    page.fill("#id_description", "We installeren de nieuwe versie van het integratieplatform.")
    fill_moment(page, "start", start)
    fill_moment(page, "end", start + timedelta(hours=2))
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    added(page, "planned maintenance", f"{MAINTENANCE} {start:%Y-%m-%d %H:%M}")
    maintenance = PlannedMaintenance.objects.get()
    assert list(maintenance.services.all()) == [customer.service]
    assert maintenance.inside_window
    assert maintenance.notice_ok
    assert maintenance.created_by == customer.coordinator
    return maintenance


def announcements_queued(customer: Customer, maintenance: PlannedMaintenance) -> None:
    """One announcement mail per contact of the contract, in their language (Dutch)."""
    mails = OutboxEmail.objects.filter(
        key__startswith=f"maintenance:announcement:{maintenance.pk}:"
    )
    assert sorted(mails.values_list("to_email", flat=True)) == sorted(
        [customer.contact.email, customer.manager.email]
    )
    subject = text("nl", "Planned maintenance: %(title)s", title=MAINTENANCE)
    assert {(m.language, m.subject) for m in mails} == {
        ("nl", f"{subject} - {customer.contract.provider.name}")
    }


# --- 2. the customer's contact in the portal --------------------------------------------------


def office_percent(customer: Customer, dates: Dates) -> Decimal:
    """Last month's office-hours availability, worked out here: the outage's two office hours
    against the month's office hours on the provider's calendar, rounded down."""
    windows = month_windows(dates.last_month, contract_pure_calendar(customer.contract))
    office = sum(hi - lo for lo, hi in windows.office)
    exact = Decimal(office - OUTAGE_HOURS * 3600) / Decimal(office) * 100
    return exact.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def contact_sees_banner_and_figures(site: Backoffice, customer: Customer, dates: Dates) -> None:
    page = portal_login_for(site, customer.contact, language="nl")
    banner = page.locator("aside.maintenance-banner")
    expect(banner).to_have_count(1)
    expect(banner.locator("strong")).to_have_text(
        f"{text('nl', 'Planned maintenance')}: {MAINTENANCE}"
    )

    page.goto(reverse("portal:contract"))
    table = page.locator(f"#availability-{customer.contract.pk}-{dates.last_month:%Y-%m}")
    row = table.locator("tbody tr", has_text=SERVICE)
    expect(row).to_have_class("below-target")
    percent = office_percent(customer, dates)
    assert percent < customer.service.office_target_percent
    with override("nl"):
        shown, target = formats.localize(percent), formats.localize(Decimal("99.50"))
        target_text = text("nl", "target %(target)s %%", target=target)
    expect(row.locator("td").nth(0)).to_have_text(f"{shown} % ({target_text})")
    expect(row.locator("td").nth(2)).to_have_text(re.compile(r"^1 \("))  # one interruption
    expect(page.locator(f"#maintenance-{customer.contract.pk}")).to_contain_text(MAINTENANCE)


# --- 3. the customer's manager and the service review pack ------------------------------------


def downloaded(page: Page, link: str, folder: Path) -> Path:
    with page.expect_download() as download:
        page.locator(link).click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


def numbers(cells: list[str]) -> Counter[str]:
    return Counter(cell for cell in cells if NUMBER.match(cell))


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    """A CSV section's rows (after its title and header, up to the blank line)."""
    start = rows.index([title]) + 2
    end = next((i for i in range(start, len(rows)) if not any(rows[i])), len(rows))
    return rows[start:end]


def manager_downloads_the_review(
    site: Backoffice, customer: Customer, dates: Dates, folder: Path
) -> tuple[list[list[str]], str]:
    page = portal_login_for(site, customer.manager, language="nl")
    with page.expect_navigation():
        page.locator("#reports-link").click()
    expect(page.locator("#pack-period")).to_have_value(f"{dates.last_month:%Y-%m}")
    pdf = downloaded(page, "#pack-pdf", folder)
    csv_file = downloaded(page, "a.button[href$='format=csv']", folder)
    assert pdf.name == f"review-pack-ONI-IVX-2026-007-{dates.last_month:%Y-%m}-nl.pdf"
    assert csv_file.suffix == ".csv"
    return csv_rows(csv_file), pdf_text(pdf)


def the_csv_has_the_months_figures(rows: list[list[str]], customer: Customer, dates: Dates) -> None:
    """The figures the flow made: one response met and one missed, the outage's two office
    hours against 99.5 %, two tickets (one by portal, one by mail)."""
    yes, no = text("nl", "yes"), text("nl", "no")
    compliance = section(rows, text("nl", "SLA compliance per priority"))
    assert [row[1:] for row in compliance] == [
        [text("nl", "response"), "80.00", "1", "1", "0", "50.0", no]
    ]
    availability = section(rows, text("nl", "Availability per service and month"))
    month, percent = f"{dates.last_month:%Y-%m}", str(office_percent(customer, dates))
    down = str(OUTAGE_HOURS * 60)
    assert availability == [
        [SERVICE, month, percent, "99.50", no, "100.00", "95.00", yes, down, "1", "3", yes]
    ]
    by_type = section(rows, text("nl", "Tickets registered by type (%(total)s in all)", total=2))
    assert ["incident", "2"] in by_type  # the same word in Dutch
    by_channel = dict(section(rows, text("nl", "Tickets by channel")))
    assert (by_channel[text("nl", "portal")], by_channel[text("nl", "email")]) == ("1", "1")


def the_pdf_has_the_csv_numbers(rows: list[list[str]], pdf: str, dates: Dates) -> None:
    """Every number of the CSV is in the PDF's text as often; the PDF is Dutch and every page
    names the provider and the period."""
    csv_numbers = numbers([cell for row in rows for cell in row])
    assert csv_numbers - numbers(pdf.split()) == Counter()
    assert "Servicerapport: Bakkerij Van Dam B.V." in pdf  # the Dutch heading
    assert "SLA-naleving per prioriteit" in pdf
    assert "Beschikbaarheid per dienst en maand" in pdf
    with override("nl"):
        period = formats.date_format(dates.last_month, "F Y")  # "november 2026"
    pages = [page for page in pdf.split("\f") if page.strip()]
    assert len(pages) >= 2
    assert all("onITnow" in page and period in page for page in pages)


def test_the_coordinator_records_an_outage_and_a_maintenance_and_the_customer_sees_both(
    backoffice: Backoffice, tmp_path: Path
) -> None:
    customer, dates = bakkerij(timezone.now())
    coordinator = backoffice.page_for(customer.coordinator)

    record_outage(coordinator, customer, dates)
    maintenance = plan_maintenance(coordinator, customer, dates)
    announcements_queued(customer, maintenance)

    contact_sees_banner_and_figures(backoffice, customer, dates)
    rows, pdf = manager_downloads_the_review(backoffice, customer, dates, tmp_path)
    the_csv_has_the_months_figures(rows, customer, dates)
    the_pdf_has_the_csv_numbers(rows, pdf, dates)
    backoffice.watched.assert_clean()
