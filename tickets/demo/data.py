"""Demo data: provider-side groups and staff, customers with their contracts and contacts.

Natural keys: group names, usernames, customer codes, contract references. The tickets live in
`tickets.demo.tickets_data`.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from contracts.models import ContactRoleKind, Hosting

DEMO_PASSWORD = "demo-pass-2026"
ADMIN_PASSWORD = "admin-pass-2026"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SSM = ContactRoleKind.SUPPORT_SERVICES_MANAGER
NAMED = ContactRoleKind.NAMED_CONTACT

# --- Provider-side roles (DECISIONS D15) -------------------------------------------------------
# The groups and their permissions come from escalation/migrations/0002_provider_roles.py; the
# demo only uses the names.
GROUPS: tuple[str, ...] = (
    "First line",
    "Second line",
    "Support coordinator",
    "Service support manager",
    "Escalation officer",
    "Customer success account manager",
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    group: str
    sees: str
    superuser: bool = False
    password: str = DEMO_PASSWORD


# fmt: off
STAFF = (
    StaffSpec("admin", "Demo Beheerder", "", "Everything in the back-office (/admin/), "
              "including users, groups and the catalogue", superuser=True, password=ADMIN_PASSWORD),
    StaffSpec("coordinator", "Carla Coördinator", "Support coordinator", "Every ticket, contract "
              "and customer; triage, assigns, re-prioritises, problems, calendars, contact "
              "requests, billable decisions on time, dashboard"),
    StaffSpec("firstline", "Frank Eerstelijns", "First line", "Triage, registration and the "
              "completeness check of every ticket; contracts and catalogue read-only"),
    StaffSpec("secondline", "Sara Tweedelijns", "Second line", "Works the tickets assigned to "
              "them or at the second line; reads the rest"),
    StaffSpec("ssm", "Stefan Servicemanager", "Service support manager", "Acknowledges and "
              "resolves escalations (level 1); tickets, problems and contracts read-only"),
    StaffSpec("escalation", "Esther Escalatie", "Escalation officer", "Acknowledges and "
              "resolves escalations at level 2 and 3; works on problems; tickets and contracts "
              "read-only"),
    StaffSpec("csam", "Claire Accountmanager", "Customer success account manager", "CSAM of the "
              "three Microsoft contracts: reads only those contracts, their customers, contacts, "
              "tickets, problems and escalations, and the dashboard's figures for them"),
)
# fmt: on


# --- Customers, contacts and contracts -----------------------------------------------------------
@dataclass(frozen=True)
class ContactSpec:
    key: str  # local part of the email address; the login is the full address
    name: str
    role: str | None = NAMED  # None: a contact without a role under the contract
    language: str = "nl"
    active: bool = True
    sees: str = ""  # non-empty: listed in the login table


@dataclass(frozen=True)
class CustomerSpec:
    code: str
    name: str
    domain: str
    provider: str
    package: str
    reference: str
    start_months_back: int  # contract start = 1st of the month this many months before --now
    term_months: int | None  # Microsoft work orders end; others run on (None)
    contacts: tuple[ContactSpec, ...]
    hosting: str = Hosting.NONE
    renews: bool = False  # onITnow: go-live + renewal after 12 months, auto-renew (D18)
    shares_by_default: bool = True  # new tickets shared with the contact's colleagues
    services: tuple[str, ...] = ()
    licences: int | None = None


# fmt: off
CUSTOMERS = (
    CustomerSpec("zuiderzee-logistiek", "Zuiderzee Logistiek B.V.", "zuiderzee-logistiek.example",
                 "microsoft", "core", "MS-WO-2025-0141", 12, 24, (
                     ContactSpec("anna.devries", "Anna de Vries", SSM, sees="Zuiderzee Logistiek "
                                 "(Microsoft Core): all the organisation's tickets"),
                     ContactSpec("pieter.bakker", "Pieter Bakker"))),
    CustomerSpec("hollands-retail", "Hollands Retail Groep N.V.", "hollandsretail.example",
                 "microsoft", "advanced", "MS-WO-2025-0187", 14, 24, (
                     ContactSpec("marieke.jansen", "Marieke Jansen", SSM, sees="Hollands Retail "
                                 "(Microsoft Advanced + Retail event management): all the "
                                 "organisation's tickets"),
                     ContactSpec("tom.visser", "Tom Visser", sees="Hollands Retail: own tickets "
                                 "and those a colleague shared (this contract does not share "
                                 "new tickets by default)"),
                     ContactSpec("sophie.mulder", "Sophie Mulder", language="en"),
                     ContactSpec("kees.vandijk", "Kees van Dijk", active=False, sees="Hollands "
                                 "Retail: cannot log in (an inactive contact)"),
                     ContactSpec("lisa.bos", "Lisa Bos", role=None, sees="Hollands Retail: can "
                                 "log in, but new tickets are refused (Advanced accepts named "
                                 "contacts only)")),
                 services=("retail-event-management",), shares_by_default=False),
    CustomerSpec("noordzee-energie", "Noordzee Energie N.V.", "noordzee-energie.example",
                 "microsoft", "performance", "MS-WO-2026-0032", 8, 12, (
                     ContactSpec("daan.smit", "Daan Smit", SSM, language="en", sees="Noordzee "
                                 "Energie (Microsoft Performance + Rapid Response, AEM): all the "
                                 "organisation's tickets"),
                     ContactSpec("emma.meijer", "Emma Meijer", language="en"),
                     ContactSpec("lucas.devos", "Lucas de Vos")),
                 services=("rapid-response", "azure-event-management")),
    CustomerSpec("bakkerij-vandam", "Bakkerij Van Dam B.V.", "bakkerijvandam.example",
                 "onitnow", "ivx", "ONI-IVX-2026-007", 9, None, (
                     ContactSpec("joost.vandam", "Joost van Dam", sees="Bakkerij Van Dam (onITnow "
                                 "IVX, cloud): own and shared tickets"),
                     ContactSpec("femke.hendriks", "Femke Hendriks")),
                 hosting=Hosting.CLOUD, renews=True),
    CustomerSpec("kuipers-installatie", "Installatiebedrijf Kuipers B.V.", "kuipers.example",
                 "onitnow", "ons", "ONI-ONS-2025-019", 11, None, (
                     ContactSpec("ruud.kuipers", "Ruud Kuipers", sees="Kuipers Installatie "
                                 "(onITnow ONS, on-premise): own and shared tickets"),
                     ContactSpec("sanne.dekker", "Sanne Dekker"),
                     ContactSpec("bram.peters", "Bram Peters")),
                 hosting=Hosting.ON_PREM, renews=True),
    CustomerSpec("kinderopvang-zonnebloem", "Stichting Kinderopvang Zonnebloem",
                 "zonnebloem.example", "websitenazorg", "office365", "WNZ-O365-2025-044",
                 17, None, (
                     ContactSpec("ingrid.willems", "Ingrid Willems", sees="Kinderopvang "
                                 "Zonnebloem (Websitenazorg Office 365): own and shared tickets"),
                     ContactSpec("mohamed.elamrani", "Mohamed El Amrani"))),
    CustomerSpec("administratiekantoor-jansen", "Administratiekantoor Jansen",
                 "jansen-administratie.example", "cbg", "standaard", "CBG-STD-2025-112", 20, None, (
                     ContactSpec("gerard.jansen", "Gerard Jansen", sees="Administratiekantoor "
                                 "Jansen (CBG Standaard): own and shared tickets"),
                     ContactSpec("linda.koster", "Linda Koster")), licences=6),
    CustomerSpec("fysio-oost", "Fysiotherapie Centrum Oost", "fysio-oost.example",
                 "cbg", "basis", "CBG-BAS-2025-087", 15, None, (
                     ContactSpec("noor.verbeek", "Noor Verbeek", sees="Fysiotherapie Centrum Oost "
                                 "(CBG Basis): own and shared tickets"),
                     ContactSpec("rick.prins", "Rick Prins")), licences=9),
    CustomerSpec("smit-deboer-advocaten", "Smit & De Boer Advocaten", "smitdeboer.example",
                 "cbg", "extra", "CBG-EXT-2026-015", 10, None, (
                     ContactSpec("eva.smit", "Eva Smit", role=SSM, sees="Smit & De Boer "
                                 "Advocaten (CBG Extra): every ticket; the out-of-hours code"),
                     ContactSpec("jan.deboer", "Jan de Boer"),
                     ContactSpec("yara.kok", "Yara Kok", language="en")), licences=14),
)
# fmt: on
OTHER_CONTACTS_ROW = (
    "Customer: any other demo contact",
    "their email address",
    DEMO_PASSWORD,
    "Own tickets and those their colleagues share",
)


def contact_email(key: str, domain: str) -> str:
    """A demo contact's email address, which is also their login."""
    return f"{key}@{domain}"
