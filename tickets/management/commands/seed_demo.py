"""python manage.py seed_demo [--now ISO] [--logins]: demo data for a first look at the desk.

Idempotent: groups and staff users are created when missing; customers, contacts, contracts and
tickets are created only when none of the demo customers exists (natural keys: customer codes,
contract references, usernames). Tickets go through the ticket services with explicit `now`
values computed from a fixed anchor (the Monday of the last full week before --now), so a run is
deterministic for a given week. `--logins` prints the demo login table and changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from contracts.models import (
    CatalogueService,
    Contact,
    ContactRole,
    ContactRoleKind,
    Contract,
    ContractStatus,
    Customer,
    Hosting,
    Package,
)
from tickets.models import Channel, ResolutionKind, Status, Ticket
from tickets.services import (
    TicketCreateInput,
    ticket_assign,
    ticket_change_priority,
    ticket_create,
    ticket_record_root_cause,
    ticket_reply,
    ticket_resolve,
    ticket_transition,
)
from tickets.services.create import BUSINESS_CRITICAL_CHECKS

DEMO_PASSWORD = "demo-pass-2026"
ADMIN_PASSWORD = "admin-pass-2026"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SSM = ContactRoleKind.SUPPORT_SERVICES_MANAGER
NAMED = ContactRoleKind.NAMED_CONTACT

# --- Provider-side roles (DECISIONS D15) -------------------------------------------------------
# Areas: "tickets" = every tickets model; "contracts" = customers, contacts, contracts, roles;
# "catalogue" = the loaded catalogue (contracts.models.catalogue and .sla).
WORKER_ACCESS: dict[str, tuple[str, ...]] = {
    "tickets": ("view", "change"),
    "contracts": ("view", "change"),
    "catalogue": ("view",),
}
READER_ACCESS: dict[str, tuple[str, ...]] = {
    "tickets": ("view",),
    "contracts": ("view",),
    "catalogue": ("view",),
}
GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "First line": WORKER_ACCESS,
    "Second line": WORKER_ACCESS,
    "Support coordinator": WORKER_ACCESS,
    "Service support manager": READER_ACCESS,
    "Escalation officer": READER_ACCESS,
    "Customer success account manager": READER_ACCESS,
}
CATALOGUE_MODULES = ("contracts.models.catalogue", "contracts.models.sla")


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
              "and customer; assigns and re-prioritises (also superuser)", superuser=True),
    StaffSpec("firstline", "Frank Eerstelijns", "First line", "Every customer's tickets and "
              "contracts (view + change); catalogue read-only"),
    StaffSpec("secondline", "Sara Tweedelijns", "Second line", "Every customer's tickets and "
              "contracts (view + change); catalogue read-only"),
    StaffSpec("ssm", "Stefan Servicemanager", "Service support manager", "Tickets, contracts and "
              "catalogue read-only; receives level-1 escalations"),
    StaffSpec("csam", "Claire Accountmanager", "Customer success account manager", "CSAM of the "
              "three Microsoft contracts; tickets, contracts and catalogue read-only"),
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
                                 "and those shared with the organisation"),
                     ContactSpec("sophie.mulder", "Sophie Mulder", language="en"),
                     ContactSpec("kees.vandijk", "Kees van Dijk", active=False, sees="Hollands "
                                 "Retail: can log in, but new tickets are refused (inactive)"),
                     ContactSpec("lisa.bos", "Lisa Bos", role=None, sees="Hollands Retail: can "
                                 "log in, but new tickets are refused (Advanced accepts named "
                                 "contacts only)")),
                 services=("retail-event-management",)),
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
                     ContactSpec("eva.smit", "Eva Smit", sees="Smit & De Boer Advocaten (CBG "
                                 "Extra): own and shared tickets"),
                     ContactSpec("jan.deboer", "Jan de Boer"),
                     ContactSpec("yara.kok", "Yara Kok", language="en")), licences=14),
)
# fmt: on
OTHER_CONTACTS_ROW = (
    "Customer: any other demo contact",
    "their email address",
    DEMO_PASSWORD,
    "Own and shared tickets of their organisation",
)

# --- Ticket life cycles: (action, minutes after the previous step) ----------------------------
BASE = (("assign", 10), ("reply", 20), ("start", 5))
LIFECYCLES: dict[str, tuple[tuple[str, int], ...]] = {
    "new": (),
    "assigned": (("assign", 25),),
    "in_progress": BASE,
    "waiting": (*BASE, ("ask", 40)),
    "resumed": (*BASE, ("ask", 40), ("customer", 200)),
    "vendor": (*BASE, ("vendor", 90)),
    "root_cause": (*BASE, ("root_cause", 120)),
    "reprioritised": (("assign", 10), ("priority", 20), ("reply", 15), ("start", 5)),
    "fixed": (*BASE, ("root_cause", 90), ("fix", 180)),
    "workaround": (*BASE, ("workaround", 150)),
    "answered": (*BASE, ("fix", 120)),
    "done": (*BASE, ("fix", 120), ("close", 1440)),
    "closed": (*BASE, ("ask", 60), ("customer", 300), ("fix", 120), ("close", 2880)),
    "cancelled": (("cancel", 45),),
}
TEXTS = {
    "reply": (
        "We hebben uw melding ontvangen en kijken er direct naar.",
        "We have received your request and are looking into it now.",
    ),
    "ask": (
        "Kunt u aangeven sinds wanneer dit speelt en een schermafdruk meesturen?",
        "Could you tell us since when this happens and send a screenshot?",
    ),
    "customer": (
        "Sinds gisterochtend; schermafdruk bijgevoegd.",
        "Since yesterday morning; screenshot attached.",
    ),
    "root_cause": (
        "Oorzaak: verlopen certificaat op de koppeling na de laatste update.",
        "Root cause: an expired certificate on the integration after the last update.",
    ),
    "fix": (
        "Opgelost: configuratie hersteld en gecontroleerd met de gebruiker.",
        "Resolved: configuration restored and verified with the user.",
    ),
    "workaround": (
        "Tijdelijke oplossing: omleiding ingesteld; structurele oplossing volgt.",
        "Workaround: traffic rerouted; a permanent fix follows.",
    ),
}


@dataclass(frozen=True)
class TicketSpec:
    customer: str
    contact: str
    request_type: str
    channel: str
    subject: str
    when: tuple[int, int, str]  # (weeks before the anchor week, weekday 0=Mon, "HH:MM" local)
    life: str
    level: str = ""  # provider-native level; "" = let the impact answers decide
    policy: str = ""  # extended-service policy (ms-rapid-response, ms-aem, ms-retail)
    impact: tuple[str, str] = ("", "")  # onITnow (scope, effect)
    new_level: str = ""  # for the "priority" step


INC, INFO, CHG = "incident", "information", "change"
MU_DOWN, MU_DEG = ("multiple_users", "down"), ("multiple_users", "degraded")
SU_DOWN, SU_DEG = ("single_user", "down"), ("single_user", "degraded")
HR, NZ, ZL = "hollands-retail", "noordzee-energie", "zuiderzee-logistiek"
VD, KU, ZB = "bakkerij-vandam", "kuipers-installatie", "kinderopvang-zonnebloem"
JA, FY, SB = "administratiekantoor-jansen", "fysio-oost", "smit-deboer-advocaten"
T = TicketSpec
# fmt: off
TICKETS = (
    # Microsoft Advanced (+ Retail event management)
    T(HR, "marieke.jansen", INC, "phone", "Kassasystemen in alle filialen offline na Azure-update",
      (5, 0, "08:40"), "closed", "critical"),
    T(HR, "tom.visser", INC, "portal", "Intermittent 502 errors on webshop API gateway",
      (3, 1, "10:15"), "fixed", "normal"),
    T(HR, "sophie.mulder", INC, "api", "Retail event: Black Friday load test shows queue backlog",
      (1, 2, "09:05"), "root_cause", "1", "ms-retail"),
    T(HR, "tom.visser", INC, "email", "Voorraadsynchronisatie winkels loopt 30 minuten achter",
      (2, 3, "14:20"), "workaround", "a", "ms-retail"),
    T(HR, "sophie.mulder", INC, "portal", "POS receipt printer driver fails on new images",
      (0, 1, "11:30"), "waiting", "b", "ms-retail"),
    T(HR, "marieke.jansen", INC, "portal", "Loyalty-app toont verkeerd puntensaldo",
      (0, 2, "16:10"), "new", "c", "ms-retail"),
    T(HR, "tom.visser", INFO, "email", "Vraag over limieten Azure Front Door bij piekverkeer",
      (4, 4, "09:30"), "answered"),
    T(HR, "marieke.jansen", CHG, "portal", "Aanvraag: extra named contact voor nieuw IT-team",
      (1, 0, "13:00"), "in_progress"),
    T(HR, "tom.visser", INC, "phone", "Teams-vergaderingen vallen weg op het hoofdkantoor",
      (1, 3, "10:00"), "reprioritised", "normal", new_level="critical"),
    T(HR, "sophie.mulder", INC, "portal", "Azure AD B2C sign-in page shows English to NL users",
      (2, 0, "09:00"), "resumed", "normal"),
    # Microsoft Performance (+ Rapid Response, Azure Event Management)
    T(NZ, "daan.smit", INC, "phone", "SCADA data ingestion to Azure halted",
      (6, 1, "02:15"), "closed", "critical"),
    T(NZ, "emma.meijer", INC, "portal", "Power BI refresh failures on production workspace",
      (0, 0, "09:45"), "resumed", "normal"),
    T(NZ, "lucas.devos", INC, "api", "Rapid Response: AKS-nodepool reageert niet",
      (2, 5, "03:20"), "fixed", "1", "ms-rapid-response"),
    T(NZ, "emma.meijer", INC, "portal", "Rapid Response: Cosmos DB throttling (429) on orders",
      (3, 2, "15:40"), "workaround", "a", "ms-rapid-response"),
    T(NZ, "daan.smit", INC, "email", "AEM: storage account failover during planned event",
      (0, 1, "20:30"), "vendor", "1", "ms-aem"),
    T(NZ, "lucas.devos", INC, "portal", "AEM: latentiepiek tijdens kwartaalafsluiting",
      (0, 3, "07:50"), "assigned", "a", "ms-aem"),
    T(NZ, "daan.smit", INFO, "email", "Information request: support lifecycle Windows Server 2016",
      (5, 2, "11:00"), "done"),
    T(NZ, "emma.meijer", CHG, "portal", "Change request: add West Europe region to AEM scope",
      (2, 0, "14:00"), "cancelled"),
    T(NZ, "daan.smit", INC, "phone", "ExpressRoute circuit flapping between sites",
      (0, 2, "23:10"), "root_cause", "critical"),
    T(NZ, "emma.meijer", INC, "email", "Defender alerts not forwarded to Sentinel",
      (0, 3, "13:05"), "waiting", "normal"),
    # Microsoft Core (the catalogue has no Core SLA policy: shown as "no target")
    T(ZL, "anna.devries", INC, "portal", "Exchange Online: mail naar partnerdomein komt terug",
      (4, 1, "10:20"), "fixed"),
    T(ZL, "pieter.bakker", INC, "email",
      "Intune-inschrijving mislukt voor nieuwe Android-telefoons",
      (0, 0, "14:35"), "waiting"),
    T(ZL, "anna.devries", INFO, "phone", "Vraag over verlenging van de werkorder",
      (0, 4, "09:10"), "new"),
    T(ZL, "pieter.bakker", INC, "api", "Entra ID sign-in logs missing for two hours",
      (3, 3, "13:25"), "closed"),
    T(ZL, "anna.devries", CHG, "email",
      "Wijziging: Defender for Office 365 P2 voor alle gebruikers",
      (1, 2, "11:00"), "in_progress"),
    # onITnow IVX (cloud): priority from the impact answers
    T(VD, "joost.vandam", INC, "phone", "Kassaserver in de cloud onbereikbaar voor alle winkels",
      (5, 3, "07:55"), "closed", impact=MU_DOWN),
    T(VD, "femke.hendriks", INC, "email", "Bestelportaal traag voor alle medewerkers",
      (0, 0, "10:05"), "root_cause", impact=MU_DEG),
    T(VD, "femke.hendriks", INC, "portal", "Laptop van de bedrijfsleider start niet meer op",
      (2, 2, "09:20"), "fixed", impact=SU_DOWN),
    T(VD, "joost.vandam", INC, "portal", "Printer op kantoor print pagina's dubbel",
      (0, 3, "15:45"), "new", impact=SU_DEG),
    T(VD, "joost.vandam", CHG, "email", "Nieuwe medewerker: account en mailbox aanmaken",
      (4, 0, "11:10"), "done"),
    T(VD, "femke.hendriks", INC, "portal", "VPN-verbinding valt regelmatig weg",
      (1, 1, "13:40"), "reprioritised", "gemiddeld", new_level="hoog"),
    T(VD, "joost.vandam", INC, "email",
      "Pinkoppeling met kassasoftware verbroken in filiaal Eindhoven",
      (3, 5, "09:15"), "workaround", impact=MU_DOWN),
    # onITnow ONS (on-premise)
    T(KU, "ruud.kuipers", INC, "phone", "Fileserver down: niemand kan bij de projectmappen",
      (1, 0, "08:45"), "fixed", "top"),
    T(KU, "sanne.dekker", INC, "email", "Back-upmelding: taak mislukt op de NAS",
      (0, 1, "09:30"), "vendor", impact=MU_DEG),
    T(KU, "bram.peters", INC, "portal", "Outlook crasht bij openen van de gedeelde agenda",
      (0, 2, "10:50"), "resumed", "gemiddeld"),
    T(KU, "sanne.dekker", INC, "portal", "Scanner in de werkplaats scant erg traag",
      (4, 1, "14:10"), "closed", "laag"),
    T(KU, "ruud.kuipers", INFO, "email", "Vraag: wanneer verlengt ons contract en hoe zeg ik op?",
      (1, 4, "16:30"), "answered"),
    T(KU, "bram.peters", INC, "api", "Monitoring: schijf C: bijna vol op de server",
      (2, 3, "11:15"), "workaround", "hoog"),
    T(KU, "ruud.kuipers", CHG, "portal", "Firewallregel voor nieuwe leverancierskoppeling",
      (0, 1, "15:20"), "waiting"),
    T(KU, "sanne.dekker", INC, "portal", "Telefooncentrale: doorschakelen werkt niet",
      (3, 0, "09:05"), "cancelled", "hoog"),
    # Websitenazorg Office 365
    T(ZB, "ingrid.willems", INC, "phone", "Niemand kan inloggen op Office 365",
      (3, 0, "08:10"), "closed", "emergency"),
    T(ZB, "mohamed.elamrani", INC, "email", "Gedeelde agenda groep Zonnestraal niet zichtbaar",
      (1, 2, "13:30"), "fixed", "normal"),
    T(ZB, "ingrid.willems", INC, "portal", "OneDrive synchroniseert niet op locatie Noord",
      (0, 0, "11:40"), "in_progress", "normal"),
    T(ZB, "mohamed.elamrani", INFO, "email", "Kunnen we Teams-telefonie aan ons pakket toevoegen?",
      (0, 3, "10:25"), "new"),
    T(ZB, "ingrid.willems", CHG, "portal", "Licentie intrekken van vertrokken medewerker",
      (2, 1, "09:15"), "done"),
    T(ZB, "mohamed.elamrani", INC, "portal", "Spam komt door het filter heen",
      (1, 4, "10:00"), "cancelled", "normal"),
    T(ZB, "ingrid.willems", INC, "email", "Mailbox directeur vol, verzenden lukt niet meer",
      (2, 3, "10:40"), "workaround", "normal"),
    # CBG Connect Secure 365: Standaard, Basis, Extra
    T(JA, "gerard.jansen", INC, "phone", "Geen enkele medewerker kan inloggen op de server",
      (6, 2, "08:50"), "closed", "business-critical"),
    T(JA, "linda.koster", INC, "email", "Boekhoudpakket geeft foutmelding bij opstarten",
      (0, 0, "13:15"), "waiting", "normal"),
    T(JA, "gerard.jansen", INFO, "portal", "Vraag over facturatie van extra werkzaamheden",
      (2, 4, "11:30"), "answered"),
    T(JA, "linda.koster", INC, "portal", "Tweede beeldscherm wordt niet herkend",
      (0, 2, "09:55"), "new", "normal"),
    T(FY, "noor.verbeek", INC, "phone", "Praktijksoftware onbereikbaar, agenda niet te openen",
      (1, 1, "08:35"), "workaround", "business-critical"),
    T(FY, "rick.prins", INC, "email", "Wifi in behandelkamer 3 valt steeds weg",
      (3, 1, "16:05"), "fixed", "normal"),
    T(FY, "noor.verbeek", CHG, "portal", "Nieuwe werkplek inrichten voor fysiotherapeut",
      (0, 1, "10:10"), "in_progress"),
    T(FY, "rick.prins", INC, "api", "Wachtwoord van gedeelde mailbox verlopen",
      (0, 0, "10:30"), "resumed", "normal"),
    T(FY, "rick.prins", INFO, "phone", "Vraag: fair-use-overzicht van vorige maand",
      (4, 2, "15:15"), "done"),
    T(SB, "eva.smit", INC, "phone", "Dossiersysteem onbereikbaar voor alle advocaten",
      (2, 0, "08:31"), "fixed", "business-critical"),
    T(SB, "jan.deboer", INC, "portal", "Documentsjablonen in Word laden niet",
      (0, 0, "15:00"), "vendor", "normal"),
    T(SB, "yara.kok", INC, "email", "Dictation software does not detect headset",
      (5, 4, "10:45"), "closed", "normal"),
    T(SB, "eva.smit", INFO, "email", "Informatieverzoek: verslag van de storing van vorige week",
      (0, 2, "14:00"), "waiting"),
    T(SB, "jan.deboer", CHG, "portal", "Extra gedeelde map voor cliëntdossiers 2027",
      (0, 3, "11:20"), "assigned"),
    T(SB, "yara.kok", INC, "portal", "Laptop very slow after Windows update",
      (3, 4, "14:30"), "cancelled", "normal"),
)
# fmt: on
HIGH_RANKS = (1, 2)  # P1/P2 go to the second line, the rest to the first line


# --- Command -----------------------------------------------------------------------------------
class Command(BaseCommand):
    help = "Create demo groups, staff, customers, contracts and tickets (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="ISO datetime the demo is relative to (default: now)")
        parser.add_argument(
            "--logins", action="store_true", help="print the demo logins and change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write(logins_table())
            return
        now = _parse_now(options["now"])
        packages = _packages_required()
        with transaction.atomic():
            counts = _seed(packages=packages, now=now)
        self._report(counts)

    def _report(self, counts: Counter[str]) -> None:
        if not any(counts.values()):
            self.stdout.write("Demo data already present: nothing changed.")
            return
        for key in (
            "groups",
            "group permissions",
            "staff users",
            "customers",
            "contacts",
            "contracts",
            "tickets",
        ):
            self.stdout.write(f"{key}: {counts[key]} created")
        statuses = ", ".join(f"{s}: {counts[f'status:{s}']}" for s in Status.values)
        self.stdout.write(f"tickets by status: {statuses}")
        if counts["customers"] == 0:
            self.stdout.write(
                "Demo customers already exist: customers and tickets left as they are."
            )


def logins_table() -> str:
    """The demo logins as a markdown table (the README lists the same table)."""
    rows = [("Role", "Username", "Password", "What they see")]
    rows += [(s.group or "Administrator", s.username, s.password, s.sees) for s in STAFF]
    for customer in CUSTOMERS:
        rows += [
            (_contact_role_label(c), _email(c, customer), DEMO_PASSWORD, c.sees)
            for c in customer.contacts
            if c.sees
        ]
    rows.append(OTHER_CONTACTS_ROW)
    lines = [f"| {' | '.join(row)} |" for row in rows]
    lines.insert(1, "|---|---|---|---|")
    return "\n".join(lines)


def _contact_role_label(contact: ContactSpec) -> str:
    if not contact.active:
        return "Customer: inactive contact"
    if contact.role is None:
        return "Customer: no named-contact role"
    return "Customer: " + ("support services manager" if contact.role == SSM else "named contact")


def _email(contact: ContactSpec, customer: CustomerSpec) -> str:
    return f"{contact.key}@{customer.domain}"


def _parse_now(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: {value!r} is not an ISO datetime") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed.astimezone(UTC)


def _packages_required() -> dict[tuple[str, str], Package]:
    """Every demo package in the current catalogue, or a clear error."""
    found = {
        (p.release.provider.code, p.code): p
        for p in Package.objects.filter(release__is_current=True).select_related(
            "release__provider"
        )
    }
    missing = sorted(
        f"{c.provider}/{c.package}" for c in CUSTOMERS if (c.provider, c.package) not in found
    )
    if missing:
        raise CommandError(
            f"The catalogue is not loaded (missing packages: {', '.join(missing)}). "
            "Run `python manage.py load_catalog` first."
        )
    return found


def _seed(*, packages: dict[tuple[str, str], Package], now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    password_hash = make_password(DEMO_PASSWORD)
    _groups_ensure(counts)
    counts["staff users"] = _staff_ensure(password_hash)
    if Customer.objects.filter(code__in=[c.code for c in CUSTOMERS]).exists():
        return counts
    staff = {u.username: u for u in get_user_model().objects.filter(is_staff=True)}
    today = now.astimezone(AMSTERDAM).date()
    for spec in CUSTOMERS:
        _customer_create(spec, packages, staff, today, password_hash, counts)
    _tickets_create(staff=staff, now=now, counts=counts)
    return counts


def _groups_ensure(counts: Counter[str]) -> None:
    """The provider-side role groups (D15) with their permissions; missing ones are added."""
    models_by_area = _models_by_area()
    for name, access in GROUPS.items():
        group, created = Group.objects.get_or_create(name=name)
        counts["groups"] += created
        wanted = Permission.objects.filter(
            content_type__app_label__in=("tickets", "contracts"),
            codename__in={
                f"{action}_{model._meta.model_name}"
                for area, actions in access.items()
                for model in models_by_area[area]
                for action in actions
            },
        )
        missing = list(wanted.exclude(pk__in=group.permissions.values("pk")))
        if missing:
            group.permissions.add(*missing)
            counts["group permissions"] += len(missing)


def _models_by_area() -> dict[str, list[Any]]:
    contract_models = list(apps.get_app_config("contracts").get_models())
    return {
        "tickets": list(apps.get_app_config("tickets").get_models()),
        "contracts": [m for m in contract_models if m.__module__ not in CATALOGUE_MODULES],
        "catalogue": [m for m in contract_models if m.__module__ in CATALOGUE_MODULES],
    }


def _staff_ensure(password_hash: str) -> int:
    user_model = get_user_model()
    created = 0
    for spec in STAFF:
        if user_model.objects.filter(username=spec.username).exists():
            continue
        first, _, last = spec.name.partition(" ")
        user = user_model(
            username=spec.username,
            email=f"{spec.username}@servicedesk.example",
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=spec.superuser,
        )
        user.password = (
            password_hash if spec.password == DEMO_PASSWORD else make_password(spec.password)
        )
        user.save()
        if spec.group:
            user.groups.add(Group.objects.get(name=spec.group))
        created += 1
    return created


def _customer_create(
    spec: CustomerSpec,
    packages: dict[tuple[str, str], Package],
    staff: dict[str, User],
    today: date,
    password_hash: str,
    counts: Counter[str],
) -> None:
    customer = Customer.objects.create(
        code=spec.code,
        name=spec.name,
        email_domains=[spec.domain],
        licence_count=spec.licences,
    )
    contract = _contract_create(spec, customer, packages[(spec.provider, spec.package)], today)
    if spec.provider == "microsoft":
        contract.csam = staff.get("csam")
        contract.save(update_fields=["csam"])
    for contact_spec in spec.contacts:
        _contact_create(contact_spec, spec, customer, contract, password_hash)
    counts["customers"] += 1
    counts["contracts"] += 1
    counts["contacts"] += len(spec.contacts)


def _contract_create(
    spec: CustomerSpec, customer: Customer, package: Package, today: date
) -> Contract:
    start = _month_start(today, -spec.start_months_back)
    end = _month_start(start, spec.term_months) - timedelta(days=1) if spec.term_months else None
    contract = Contract.objects.create(
        reference=spec.reference,
        customer=customer,
        provider=package.release.provider,
        package=package,
        status=ContractStatus.ACTIVE,
        start_date=start,
        go_live_date=start if spec.renews else None,
        end_date=end,
        renewal_date=_month_start(start, 12) if spec.renews else None,
        auto_renew=spec.renews or spec.provider == "cbg",
        hosting=spec.hosting,
    )
    if spec.services:
        contract.services.set(
            CatalogueService.objects.filter(release=package.release, code__in=spec.services)
        )
    return contract


def _month_start(day: date, months: int) -> date:
    """The first day of the month `months` months after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _contact_create(
    spec: ContactSpec,
    customer_spec: CustomerSpec,
    customer: Customer,
    contract: Contract,
    password_hash: str,
) -> None:
    email = _email(spec, customer_spec)
    first, _, last = spec.name.partition(" ")
    user, _ = get_user_model().objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "password": password_hash,
        },
    )
    contact = Contact.objects.create(
        customer=customer,
        user=user,
        name=spec.name,
        email=email,
        language=spec.language,
        is_active=spec.active,
    )
    if spec.role:
        ContactRole.objects.create(contact=contact, contract=contract, role=spec.role)


# --- Tickets -----------------------------------------------------------------------------------
def _anchor_monday(now: datetime) -> date:
    """Monday of the last full week before `now`: every demo step then lies in the past."""
    today = now.astimezone(AMSTERDAM).date()
    return today - timedelta(days=today.weekday() + 7)


def _created_at(spec: TicketSpec, anchor: date) -> datetime:
    weeks_back, weekday, hhmm = spec.when
    day = anchor - timedelta(weeks=weeks_back) + timedelta(days=weekday)
    local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


def _tickets_create(*, staff: dict[str, User], now: datetime, counts: Counter[str]) -> None:
    anchor = _anchor_monday(now)
    contacts = {c.email: c for c in Contact.objects.select_related("user", "customer")}
    domains = {c.code: c.domain for c in CUSTOMERS}
    planned = sorted(TICKETS, key=lambda s: _created_at(s, anchor))
    for spec in planned:
        contact = contacts[f"{spec.contact}@{domains[spec.customer]}"]
        created_at = _created_at(spec, anchor)
        _steps_check(spec, created_at, now)
        ticket = ticket_create(data=_create_input(spec, contact, staff), now=created_at)
        ticket = _lifecycle_run(ticket, spec, contact, staff, created_at)
        counts["tickets"] += 1
        counts[f"status:{ticket.status}"] += 1


def _steps_check(spec: TicketSpec, created_at: datetime, now: datetime) -> None:
    minutes = sum(m for _, m in LIFECYCLES[spec.life])
    if created_at + timedelta(minutes=minutes) > now:
        raise CommandError(f"Demo ticket {spec.subject!r} would end after --now ({now}).")


def _create_input(spec: TicketSpec, contact: Contact, staff: dict[str, User]) -> TicketCreateInput:
    """Provider-native priority answers (D7): impact, CBG checklist, emergency or a level."""
    answers: dict[str, Any] = {}
    if spec.level == "business-critical":
        answers = {
            "business_critical_checklist": dict.fromkeys(BUSINESS_CRITICAL_CHECKS, True),
            "any_user_can_login": False,
        }
    elif spec.level == "emergency":
        answers = {"emergency": True}
    elif spec.level:
        answers = {"priority_level": spec.level}
    by_channel = {"phone": staff.get("firstline"), "email": None}
    return TicketCreateInput(
        contact=contact,
        request_type=spec.request_type,
        channel=spec.channel,
        subject=spec.subject,
        description=f"{spec.subject}.\n\n{_description(contact)}",
        policy_code=spec.policy,
        impact_scope=spec.impact[0],
        impact_effect=spec.impact[1],
        created_by=by_channel.get(spec.channel, contact.user),
        **answers,
    )


def _description(contact: Contact) -> str:
    if contact.language == "en":
        return f"Reported by {contact.name} ({contact.customer.name}). Demo ticket."
    return f"Gemeld door {contact.name} ({contact.customer.name}). Demoticket."


def _text(key: str, contact: Contact) -> str:
    dutch, english = TEXTS[key]
    return english if contact.language == "en" else dutch


def _lifecycle_run(
    ticket: Ticket,
    spec: TicketSpec,
    contact: Contact,
    staff: dict[str, User],
    created_at: datetime,
) -> Ticket:
    at = created_at
    agent = staff["secondline" if ticket.priority_rank in HIGH_RANKS else "firstline"]
    for action, minutes in LIFECYCLES[spec.life]:
        at += timedelta(minutes=minutes)
        step = StepContext(ticket, spec, contact, agent, staff["coordinator"], at)
        ticket = STEPS[action](step)
    return ticket


@dataclass(frozen=True)
class StepContext:
    ticket: Ticket
    spec: TicketSpec
    contact: Contact
    agent: User
    coordinator: User
    at: datetime


def _step_assign(s: StepContext) -> Ticket:
    return ticket_assign(ticket=s.ticket, assignee=s.agent, now=s.at, actor=s.coordinator)


def _step_reply(s: StepContext) -> Ticket:
    channel = Channel.PHONE if s.spec.channel == "phone" else Channel.EMAIL
    ticket_reply(
        ticket=s.ticket,
        body=_text("reply", s.contact),
        now=s.at,
        channel=channel,
        author_user=s.agent,
    )
    return _fresh(s.ticket)


def _step_start(s: StepContext) -> Ticket:
    return ticket_transition(ticket=s.ticket, to_status=Status.IN_PROGRESS, now=s.at, actor=s.agent)


def _step_ask(s: StepContext) -> Ticket:
    ticket_reply(ticket=s.ticket, body=_text("ask", s.contact), now=s.at, author_user=s.agent)
    return ticket_transition(
        ticket=s.ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=s.at,
        actor=s.agent,
        reason="information requested",
    )


def _step_customer(s: StepContext) -> Ticket:
    ticket_reply(
        ticket=s.ticket,
        body=_text("customer", s.contact),
        now=s.at,
        channel=Channel.EMAIL,
        author_contact=s.contact,
    )
    return _fresh(s.ticket)


def _step_vendor(s: StepContext) -> Ticket:
    return ticket_transition(
        ticket=s.ticket,
        to_status=Status.WAITING_FOR_VENDOR,
        now=s.at,
        actor=s.agent,
        reason="escalated to the vendor",
    )


def _step_root_cause(s: StepContext) -> Ticket:
    return ticket_record_root_cause(
        ticket=s.ticket, text=_text("root_cause", s.contact), now=s.at, actor=s.agent
    )


def _step_priority(s: StepContext) -> Ticket:
    return ticket_change_priority(
        ticket=s.ticket,
        level=s.spec.new_level,
        reason="Impact larger than reported: several users affected.",
        now=s.at,
        actor=s.coordinator,
    )


def _step_fix(s: StepContext) -> Ticket:
    return ticket_resolve(
        ticket=s.ticket,
        kind=ResolutionKind.FIX,
        text=_text("fix", s.contact),
        now=s.at,
        actor=s.agent,
    )


def _step_workaround(s: StepContext) -> Ticket:
    return ticket_resolve(
        ticket=s.ticket,
        kind=ResolutionKind.WORKAROUND,
        text=_text("workaround", s.contact),
        now=s.at,
        actor=s.agent,
    )


def _step_close(s: StepContext) -> Ticket:
    return ticket_transition(
        ticket=s.ticket,
        to_status=Status.CLOSED,
        now=s.at,
        actor=s.agent,
        reason="resolution confirmed by the customer",
    )


def _step_cancel(s: StepContext) -> Ticket:
    return ticket_transition(
        ticket=s.ticket,
        to_status=Status.CANCELLED,
        now=s.at,
        contact=s.contact,
        reason="withdrawn by the customer: the problem went away",
    )


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


STEPS = {
    "assign": _step_assign,
    "reply": _step_reply,
    "start": _step_start,
    "ask": _step_ask,
    "customer": _step_customer,
    "vendor": _step_vendor,
    "root_cause": _step_root_cause,
    "priority": _step_priority,
    "fix": _step_fix,
    "workaround": _step_workaround,
    "close": _step_close,
    "cancel": _step_cancel,
}
