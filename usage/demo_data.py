"""The demo's month of usage (issue #14): rates from the quotes, the work recorded on the demo
tickets, Microsoft purchases and requests. Definitions only; `usage.demo` records them through
the usage services.

Work is placed on working days of its month (weekdays that are not public holidays), counted
from the first (`day` 1 is the month's first working day), at a local start time. One person's
entries never overlap. Fysiotherapie Centrum Oost uses far more time per licence than Smit & De
Boer in the previous month, so the fair-use check flags it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from usage.services.rates import Rates

PREVIOUS, CURRENT = -1, 0
ENGINEER, FIRST_LINE, COORDINATOR = "secondline", "firstline", "coordinator"

JANSEN = "administratiekantoor-jansen"  # CBG Standaard, 6 licences
FYSIO = "fysio-oost"  # CBG Basis, 9 licences: the heavy user
SMIT = "smit-deboer-advocaten"  # CBG Extra, 14 licences
ZONNEBLOEM = "kinderopvang-zonnebloem"  # Websitenazorg
BAKKERIJ = "bakkerij-vandam"  # onITnow IVX
KUIPERS = "kuipers-installatie"  # onITnow ONS
HOLLANDS = "hollands-retail"  # Microsoft Advanced
NOORDZEE = "noordzee-energie"  # Microsoft Performance

KM_RATE = Decimal("0.35")
NEW_LICENCE = Decimal("25.00")
LICENCES = {JANSEN: 6, FYSIO: 9, SMIT: 14}
RATES: dict[str, Rates] = {
    JANSEN: Rates(Decimal("95.00"), KM_RATE, Decimal(0), LICENCES[JANSEN], NEW_LICENCE),
    FYSIO: Rates(Decimal("85.00"), KM_RATE, Decimal("29.50"), LICENCES[FYSIO], NEW_LICENCE),
    SMIT: Rates(Decimal("80.00"), KM_RATE, Decimal("49.50"), LICENCES[SMIT], NEW_LICENCE),
    ZONNEBLOEM: Rates(Decimal("75.00")),
    BAKKERIJ: Rates(Decimal("90.00"), KM_RATE),
    KUIPERS: Rates(Decimal("90.00"), KM_RATE),
}


@dataclass(frozen=True)
class Work:
    customer: str
    month: int  # PREVIOUS or CURRENT
    day: int  # working day of the month, 1-based
    at: str  # local start, HH:MM
    minutes: int
    category: str
    note: str
    user: str = ENGINEER
    km: int | None = None
    same_ticket: bool = False  # on the ticket of the entry before it (one job)
    billable: tuple[bool, str] | None = None  # a coordinator's decision and its reason


P, C = PREVIOUS, CURRENT
SUB, OVER, TRAVEL = "in_subscription", "over_limit", "travel"
# fmt: off
WORK: tuple[Work, ...] = (
    # --- the previous month: Fysio Oost is busy (515 minutes on 9 licences) ---
    Work(FYSIO, P, 3, "09:00", 25, SUB, "Wachtwoord gereset en MFA opnieuw ingesteld"),
    Work(FYSIO, P, 3, "10:00", 20, SUB, "Printer op de balie opnieuw gekoppeld", FIRST_LINE),
    Work(FYSIO, P, 5, "09:00", 45, SUB, "Storing praktijksoftware onderzocht"),
    Work(FYSIO, P, 5, "09:45", 30, SUB, "Storing praktijksoftware verholpen", same_ticket=True),
    Work(FYSIO, P, 6, "14:00", 120, "data_migration", "Patiëntdossiers naar de nieuwe server"),
    Work(FYSIO, P, 8, "09:00", 40, TRAVEL, "Naar de praktijk gereden", km=18),
    Work(FYSIO, P, 8, "09:40", 90, OVER, "Wifi in de behandelkamers op locatie hersteld",
         same_ticket=True),
    Work(FYSIO, P, 10, "15:00", 60, "sharepoint", "SharePoint-site voor protocollen", FIRST_LINE),
    Work(FYSIO, P, 12, "09:00", 25, SUB, "Gedeelde mailbox hersteld"),
    Work(FYSIO, P, 13, "11:00", 20, SUB, "Vraag over de agenda beantwoord", FIRST_LINE),
    Work(FYSIO, P, 15, "09:30", 25, SUB, "Updates op de werkplekken nagelopen"),
    Work(FYSIO, P, 17, "10:00", 30, SUB, "Scanner aan de balie opnieuw ingesteld", FIRST_LINE),
    Work(FYSIO, P, 18, "14:00", 25, SUB, "Back-up gecontroleerd"),
    # --- Smit & De Boer: an ordinary month (185 minutes on 14 licences) ---
    Work(SMIT, P, 4, "09:00", 30, SUB, "Dicteersoftware opnieuw geïnstalleerd", FIRST_LINE),
    Work(SMIT, P, 7, "12:00", 35, TRAVEL, "Naar het kantoor gereden", FIRST_LINE, km=22),
    Work(SMIT, P, 7, "13:00", 80, SUB, "Documentbeheer na de update hersteld", FIRST_LINE,
         same_ticket=True),
    Work(SMIT, P, 11, "10:00", 30, SUB, "Rechten op de dossiermap aangepast"),
    Work(SMIT, P, 16, "09:00", 45, SUB, "Nieuwe laptop voor een advocaat klaargezet", FIRST_LINE),
    # --- Jansen: Standaard, billed per job ---
    Work(JANSEN, P, 2, "10:00", 10, SUB, "Vraag over toegang beantwoord", FIRST_LINE),
    Work(JANSEN, P, 9, "09:00", 30, TRAVEL, "Naar het kantoor gereden", FIRST_LINE, km=12),
    Work(JANSEN, P, 9, "09:30", 50, SUB, "Inlogprobleem op locatie opgelost", FIRST_LINE,
         same_ticket=True),
    # --- Websitenazorg and onITnow ---
    Work(ZONNEBLOEM, P, 5, "13:00", 120, "onboarding", "Onboarding locatie Zonnestraal"),
    Work(ZONNEBLOEM, P, 14, "11:00", 30, SUB, "Mailbox van de directeur opgeschoond"),
    Work(BAKKERIJ, P, 6, "09:00", 90, "change_request", "Tweede kassa gekoppeld", FIRST_LINE),
    Work(KUIPERS, P, 10, "09:00", 40, SUB, "Scanner in de werkplaats versneld"),
    Work(KUIPERS, P, 15, "13:00", 60, "change_request", "Firewallregel voor een leverancier",
         FIRST_LINE),
    # --- Microsoft: EDE hours, 09:00-17:30 on working days ---
    Work(HOLLANDS, P, 4, "13:00", 120, "ede", "EDE: review van de webshoparchitectuur"),
    Work(HOLLANDS, P, 12, "13:30", 90, "ede", "EDE: loadtestplan voor Black Friday"),
    # --- the current month's first week, as far as it has come ---
    Work(FYSIO, C, 1, "09:00", 25, SUB, "Wachtwoord van de gedeelde mailbox verlengd"),
    Work(FYSIO, C, 2, "10:00", 45, SUB, "Nieuwe werkplek ingericht"),
    Work(FYSIO, C, 3, "14:00", 30, TRAVEL, "Naar de praktijk gereden", km=18),
    Work(FYSIO, C, 3, "14:30", 60, SUB, "Praktijksoftware op locatie hersteld", same_ticket=True),
    Work(SMIT, C, 2, "11:00", 40, SUB, "Extra gedeelde map ingericht", FIRST_LINE,
         billable=(True, "Op verzoek van de klant buiten het abonnement afgesproken.")),
    Work(SMIT, C, 4, "09:00", 45, "sharepoint", "SharePoint-sjablonen bijgewerkt", FIRST_LINE),
    Work(JANSEN, C, 2, "13:00", 20, SUB, "Foutmelding boekhoudpakket opgelost", FIRST_LINE),
    Work(ZONNEBLOEM, C, 3, "09:00", 60, "onboarding", "Onboarding nieuwe medewerkers", FIRST_LINE),
    Work(KUIPERS, C, 4, "13:00", 75, "change_request", "Nieuwe VPN-gebruikers ingericht"),
    Work(BAKKERIJ, C, 5, "10:00", 30, SUB, "VPN-instellingen nagelopen", FIRST_LINE),
    Work(HOLLANDS, C, 1, "13:00", 150, "ede", "EDE: Azure Front Door afgestemd"),
    Work(NOORDZEE, C, 3, "10:00", 60, "ede", "EDE: ExpressRoute-ontwerp besproken"),
)
# fmt: on


@dataclass(frozen=True)
class Purchase:
    customer: str
    kind: str
    quantity: Decimal
    reason: str


PURCHASES = (
    Purchase(HOLLANDS, "proactive_credits", Decimal(150), "Proactieve credits bij de werkorder"),
    Purchase(HOLLANDS, "ede_hours", Decimal(40), "EDE-uren bij de werkorder"),
    Purchase(NOORDZEE, "proactive_credits", Decimal(100), "Proactieve credits bij de werkorder"),
    Purchase(NOORDZEE, "ede_hours", Decimal(16), "EDE-uren bij de werkorder"),
)
# The Microsoft representative's credit rates: service code -> (credits per unit, price).
SERVICE_RATES = {
    "workshops": (Decimal("12.5"), Decimal("3750.00")),
    "assessment-program": (Decimal(30), Decimal("9000.00")),
}
WORKSHOP, ASSESSMENT = "workshops", "assessment-program"
LATE_FEE_SHARE = Decimal("0.5")  # the coordinator enters half the price for the late cancellation
NOTICE_NOTE = "Opzegging per e-mail na het gesprek over fair use; gaat over op Standaard."
