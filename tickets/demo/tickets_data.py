"""Demo tickets: who reports what, when, and how far each ticket has come (its life cycle)."""

from __future__ import annotations

from dataclasses import dataclass

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
    # The year's history (tickets.demo.history): answered surveys, and late tickets whose
    # targets were breached (the escalations of the time fire and are handled as they go).
    "surveyed": (*BASE, ("fix", 150), ("survey", 240), ("close", 2880)),
    "praised": (*BASE, ("root_cause", 60), ("fix", 90), ("praise", 30), ("close", 1440)),
    "late_resolution": (
        *BASE,
        ("ask", 120),
        ("customer", 1440),
        ("fix", 12 * 1440),
        ("complain", 600),
        ("close", 2880),
    ),
    "late_response": (("assign", 2880), ("reply", 60), ("start", 5), ("fix", 240), ("close", 4320)),
}
# Satisfaction survey steps: (score, key of the comment in TEXTS)
SURVEYS = {"survey": (4, "survey"), "praise": (5, "praise"), "complain": (2, "complain")}
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
    "survey": ("Netjes opgelost, dank.", "Solved properly, thank you."),
    "praise": (
        "Snel geholpen en goed uitgelegd wat er mis was.",
        "Quick help and a clear explanation of what went wrong.",
    ),
    "complain": (
        "Het duurde lang voordat er iets gebeurde.",
        "It took a long time before anything happened.",
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
    # A Sunday-night call with the out-of-hours code: on the 24x7 line, on call paged.
    T(SB, "eva.smit", INC, "phone", "Nacht: niemand kan inloggen op Office 365, zitting om 9 uur",
      (3, 6, "02:40"), "fixed", "business-critical", "cbg-extra-24x7"),
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
