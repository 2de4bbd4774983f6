"""A year of finished demo tickets before the recent ones (`tickets_data.TICKETS`), so the
dashboard and the reports show a trend per month.

Each customer reports now and then from its contract's start: tickets like its recent ones (same
contacts, channels, levels and policies), most resolved and surveyed, some late (a breached
response or resolution target, a lower score), a few withdrawn. A fixed seed makes the history
the same for every run; only its dates follow the anchor week.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from tickets.demo.tickets_data import CHG, INC, INFO, TICKETS, TicketSpec

FIRST_WEEK, LAST_WEEK = 7, 51  # weeks before the anchor week; the recent tickets use 0-6
WEEKLY_CHANCE = 0.3  # per customer and week
SEED = 20261

# (life cycle, weight): mostly resolved and answered, some late, a few withdrawn.
LIVES = (
    ("surveyed", 34),
    ("praised", 16),
    ("done", 12),
    ("late_resolution", 12),
    ("late_response", 12),
    ("closed", 8),
    ("cancelled", 6),
)
# Levels whose tickets keep their recent subject (a critical outage reads as one).
MAJOR_LEVELS = {"critical", "business-critical", "emergency", "1", "top"}
SUBJECTS = {
    INC: (
        "Outlook vraagt steeds opnieuw om het wachtwoord",
        "Gedeelde map niet bereikbaar vanaf thuiswerkplek",
        "Printer op de tweede verdieping reageert niet",
        "Teams-gesprekken haperen bij meerdere collega's",
        "Wachtwoord verlopen, opnieuw instellen lukt niet",
        "Nieuwe laptop krijgt geen verbinding met wifi",
        "Mails komen met vertraging binnen",
        "Agenda-uitnodigingen verdwijnen uit de agenda",
        "Excel-bestand op SharePoint blijft vergrendeld",
        "Virusscanner meldt verouderde definities",
        "Sign-in fails with an MFA loop on mobile",
        "File sync reports conflicts on the shared drive",
    ),
    INFO: (
        "Vraag over het aantal licenties op ons contract",
        "Hoe vraag ik toegang aan voor een nieuwe collega?",
        "Question about the maintenance window next month",
        "Vraag over de rapportage van vorig kwartaal",
    ),
    CHG: (
        "Nieuwe medewerker: account en mailbox aanmaken",
        "Account van vertrokken medewerker blokkeren",
        "Extra gedeelde mailbox voor de afdeling",
        "Change request: add a distribution list for the board",
    ),
}


def history_tickets(*, anchor: date, contract_starts: dict[str, date]) -> list[TicketSpec]:
    """The finished tickets of the year before the recent ones, for customers whose contract
    had started (a week's margin) on the day the ticket is reported."""
    rng = random.Random(SEED)
    templates = _templates()
    lives, weights = zip(*LIVES, strict=True)
    planned = []
    for weeks_back in range(LAST_WEEK, FIRST_WEEK - 1, -1):
        for customer, choices in templates.items():
            if rng.random() >= WEEKLY_CHANCE:
                continue
            template = rng.choice(choices)
            weekday = rng.randrange(5)
            day = anchor - timedelta(weeks=weeks_back) + timedelta(days=weekday)
            when = (weeks_back, weekday, f"{rng.randrange(8, 16):02d}:{rng.randrange(60):02d}")
            life = rng.choices(lives, weights)[0]
            subject = _subject(template, rng)
            if day - timedelta(days=7) < contract_starts[customer]:
                continue
            planned.append(replace(template, when=when, life=life, subject=subject, new_level=""))
    return planned


def _templates() -> dict[str, list[TicketSpec]]:
    """Per customer, its recent tickets: who reports, by which channel, at which level."""
    templates: dict[str, list[TicketSpec]] = {}
    for spec in TICKETS:
        templates.setdefault(spec.customer, []).append(spec)
    return templates


def _subject(template: TicketSpec, rng: random.Random) -> str:
    if template.level in MAJOR_LEVELS or template.impact == ("multiple_users", "down"):
        return template.subject
    return rng.choice(SUBJECTS[template.request_type])
