"""Content checks of the provider catalogue (catalogue/*.toml) against SPEC.md and DECISIONS.md.

Pure file checks: no database, no Django. The expected figures below are written out from the
SPEC tables on purpose; they are not derived from the catalogue files.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from contracts.catalogue_keys import ALLOWED_KEYS

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "catalogue"
FILES = ("microsoft", "onitnow", "websitenazorg", "cbg")
DURATION_RE = re.compile(r"^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")
INCLUSIONS = {"included", "additional", "limited", "not_offered"}
CHANNEL_KINDS = {"portal", "phone", "email", "trust", "vendor", "escalation", "web"}
BILLING_MODES = {"none", "subscription", "post_calculation", "work_order"}
UNITS = {"hours", "credits", "participants", "events", "visits", "days", ""}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@cache
def load(name: str) -> dict[str, Any]:
    with (CATALOGUE_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


def by_code(data: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in data.get(table, [])}


def seconds(duration: str | None) -> int | None:
    if duration is None:
        return None
    match = DURATION_RE.match(duration)
    assert match, f"bad duration {duration!r}"
    hours, minutes, secs = (int(g) if g else 0 for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def target(name: str, policy: str, level: str, request_type: str = "incident") -> dict[str, Any]:
    policies = by_code(load(name), "policies")
    assert policy in policies, f"{name}: policy {policy} missing"
    found = [
        t
        for t in policies[policy].get("targets", [])
        if t["level"] == level and t.get("request_type", "incident") == request_type
    ]
    assert len(found) == 1, f"{name}/{policy}: expected one target {level!r}, got {len(found)}"
    return found[0]


# ---------------------------------------------------------------------------
# Structure valid for every file
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_file_parses_and_has_schema_and_provider(name: str) -> None:
    data = load(name)
    assert data["schema"] == 1
    assert data["provider"]["code"] == name
    assert data["provider"]["name"]


@pytest.mark.parametrize("name", FILES)
def test_only_schema_keys_are_used(name: str) -> None:
    data = load(name)
    assert set(data) <= ALLOWED_KEYS[""]
    assert set(data["provider"]) <= ALLOWED_KEYS["provider"]
    tables = (
        "calendars",
        "packages",
        "services",
        "channels",
        "escalation_contacts",
        "escalation_policies",
    )
    for table in tables:
        for row in data.get(table, []):
            assert set(row) <= ALLOWED_KEYS[table], (
                f"{name}/{table}: {set(row) - ALLOWED_KEYS[table]}"
            )
    for cal in data["calendars"]:
        assert set(cal.get("holidays", {})) <= ALLOWED_KEYS["holidays"]
    for policy in data.get("policies", []):
        assert set(policy) <= ALLOWED_KEYS["policies"]
        for tgt in policy["targets"]:
            assert set(tgt) <= ALLOWED_KEYS["targets"], set(tgt) - ALLOWED_KEYS["targets"]


@pytest.mark.parametrize("name", FILES)
def test_codes_are_unique_slugs(name: str) -> None:
    data = load(name)
    for table in ("calendars", "packages", "services", "policies"):
        codes = [row["code"] for row in data.get(table, [])]
        assert len(codes) == len(set(codes)), f"{name}: duplicate code in {table}"
        for code in codes:
            assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*|24x7", code), code


@pytest.mark.parametrize("name", FILES)
def test_references_resolve_within_the_file(name: str) -> None:
    data = load(name)
    calendars = set(by_code(data, "calendars"))
    packages = set(by_code(data, "packages"))
    services = set(by_code(data, "services"))

    for pkg in data["packages"]:
        assert pkg["calendar"] in calendars, pkg["code"]
        if "fallback_package" in pkg:
            assert pkg["fallback_package"] in packages
    for table in ("channels", "escalation_contacts", "policies"):
        for row in data.get(table, []):
            for code in row.get("packages", []):
                assert code in packages, f"{name}/{table}: unknown package {code}"
    for svc in data.get("services", []):
        assert set(svc.get("inclusion", {})) <= packages, svc["code"]
    for policy in data.get("policies", []):
        if "service" in policy:
            assert policy["service"] in services, policy["code"]
        else:
            assert policy.get("packages"), f"{policy['code']}: needs packages or service"
        for tgt in policy["targets"]:
            assert tgt["calendar"] in calendars, f"{policy['code']}/{tgt['level']}"


@pytest.mark.parametrize("name", FILES)
def test_enumerated_values_and_durations(name: str) -> None:
    data = load(name)
    for pkg in data["packages"]:
        assert pkg.get("billing_mode", "none") in BILLING_MODES
        if "travel_factor" in pkg:
            assert isinstance(pkg["travel_factor"], str)
    for svc in data.get("services", []):
        assert svc["category"]
        assert svc["name"]
        assert svc.get("unit", "") in UNITS, svc["code"]
        assert set(svc.get("inclusion", {}).values()) <= INCLUSIONS, svc["code"]
    for channel in data.get("channels", []):
        assert channel["kind"] in CHANNEL_KINDS
        assert channel["address"]
    for contact in data.get("escalation_contacts", []):
        assert contact["level"] in (1, 2, 3)
        assert contact["role"]
    for policy in data.get("policies", []):
        assert policy.get("resolution_start", "registered") in {
            "registered",
            "root_cause_identified",
        }
        levels = [(t.get("request_type", "incident"), t["level"]) for t in policy["targets"]]
        assert len(levels) == len(set(levels)), policy["code"]
        for tgt in policy["targets"]:
            assert 1 <= tgt["rank"] <= 4
            assert tgt["label_nl"]
            assert tgt["label_en"]
            assert tgt["clock"] in {"business", "24x7"}
            always_open = by_code(data, "calendars")[tgt["calendar"]].get("always_open", False)
            assert (tgt["clock"] == "24x7") == always_open
            for key in ("response", "resolution", "attention", "critical_resource"):
                if key in tgt:
                    seconds(tgt[key])


@pytest.mark.parametrize("name", FILES)
def test_calendar_shape(name: str) -> None:
    for cal in load(name)["calendars"]:
        if cal.get("always_open"):
            assert "hours" not in cal
            assert "holidays" not in cal
            continue
        for day, intervals in cal["hours"].items():
            assert day in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
            for start, end in intervals:
                assert re.fullmatch(r"\d\d:\d\d", start)
                assert re.fullmatch(r"\d\d:\d\d", end)
                assert start < end


# ---------------------------------------------------------------------------
# Calendars (SPEC §3.4, §3.5, D1)
# ---------------------------------------------------------------------------

CALENDARS = [
    # (file, calendar, open, close, timezone, holiday categories)
    ("onitnow", "onitnow", "08:30", "17:30", "Europe/Amsterdam", ["public", "optional"]),
    ("microsoft", "microsoft-nl", "09:00", "17:30", "Europe/Amsterdam", ["public"]),
    ("websitenazorg", "websitenazorg", "09:00", "17:00", "Europe/Amsterdam", ["public"]),
    ("cbg", "cbg", "08:30", "17:00", "Europe/Amsterdam", ["public"]),
]


@pytest.mark.parametrize(("name", "code", "opens", "closes", "tz", "categories"), CALENDARS)
def test_calendar_hours(
    name: str, code: str, opens: str, closes: str, tz: str, categories: list[str]
) -> None:
    cal = by_code(load(name), "calendars")[code]
    assert cal["timezone"] == tz
    assert not cal.get("always_open", False)
    assert set(cal["hours"]) == set(WEEKDAYS)
    for day in WEEKDAYS:
        assert cal["hours"][day] == [[opens, closes]]
    assert cal["holidays"]["country"] == "NL"
    assert cal["holidays"]["categories"] == categories


def test_calendar_codes_per_file() -> None:
    assert set(by_code(load("onitnow"), "calendars")) == {"onitnow"}
    assert set(by_code(load("microsoft"), "calendars")) == {"microsoft-nl", "24x7"}
    assert set(by_code(load("websitenazorg"), "calendars")) == {"websitenazorg"}
    assert set(by_code(load("cbg"), "calendars")) == {"cbg", "cbg-24x7"}


def test_24x7_calendar_is_always_open() -> None:
    cal = by_code(load("microsoft"), "calendars")["24x7"]
    assert cal["always_open"] is True
    assert cal["timezone"] == "UTC"


def test_onitnow_holidays_are_exactly_the_ons_list() -> None:
    holidays_cfg = by_code(load("onitnow"), "calendars")["onitnow"]["holidays"]
    # Bevrijdingsdag every year (optional category); A-02: no Good Friday.
    assert "optional" in holidays_cfg["categories"]
    assert holidays_cfg["remove_names"] == ["Good Friday"]
    assert holidays_cfg.get("extra_closures", []) == []
    assert holidays_cfg.get("removals", []) == []


def test_onitnow_holiday_config_gives_the_ons_dates() -> None:
    holidays = pytest.importorskip("holidays")
    cfg = by_code(load("onitnow"), "calendars")["onitnow"]["holidays"]
    days = holidays.country_holidays(
        cfg["country"], years=(2026, 2027), categories=tuple(cfg["categories"])
    )
    closed = {d.isoformat() for d, label in days.items() if label not in cfg["remove_names"]}
    # ONS §7 list, SPEC §3.5 (2026 and 2027, all dates incl. weekend ones).
    expected = {
        "2026-01-01", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14",
        "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26",
        "2027-01-01", "2027-03-28", "2027-03-29", "2027-04-27", "2027-05-05", "2027-05-06",
        "2027-05-16", "2027-05-17", "2027-12-25", "2027-12-26",
    }  # fmt: skip
    assert closed == expected
    assert "2026-04-03" not in closed  # Good Friday stays open


# ---------------------------------------------------------------------------
# Microsoft service catalogue (SPEC §2.2, A-25)
# ---------------------------------------------------------------------------

INC, ADD, LIM, NOT = "included", "additional", "limited", "not_offered"
MS_SERVICES = [
    # (service code, advanced, performance)
    ("proof-of-concept", ADD, ADD),
    ("onboarding-services", ADD, ADD),
    ("on-demand-assessment", INC, INC),
    ("assessment-program", ADD, ADD),
    ("offline-assessment", ADD, ADD),
    ("proactive-monitoring", ADD, ADD),
    ("proactive-operations-programs", ADD, ADD),
    ("rap-as-a-service", ADD, ADD),
    ("adoption-services", ADD, ADD),  # one "+" in the seed, additional for both
    ("development-focused-services", ADD, ADD),
    ("it-services-management", ADD, ADD),
    ("security-services", ADD, ADD),
    ("on-demand-education", INC, INC),
    ("webcasts", INC, INC),
    ("chalk-talks", ADD, ADD),
    ("workshops", ADD, ADD),
    ("custom-proactive-services", ADD, ADD),
    ("support-technology-advisor", NOT, INC),  # STA blank in A, included in P
    ("proactive-accelerator", ADD, ADD),
    ("designated-engineering", ADD, ADD),
    ("proactive-credits", ADD, ADD),
    ("advisory-support", INC, INC),
    ("problem-resolution-support", INC, INC),
    ("reactive-support-management", INC, INC),
    ("root-cause-analysis", ADD, ADD),
    ("rsm-add-on", ADD, ADD),
    ("extended-hotfix-support", INC, INC),
    ("customer-organization-enablement", INC, INC),
    ("product-service-security-updates-guidance", INC, INC),
    ("program-development-management", INC, INC),
    ("unified-support-onboarding", INC, INC),
    ("cloud-success-program", INC, INC),
    ("executive-relationship-management", INC, INC),
    ("sdm-add-on", ADD, ADD),
    ("onsite-sdm", ADD, ADD),
    ("extended-designated-engineering", ADD, ADD),
    ("rapid-response", ADD, ADD),
    ("azure-event-management", ADD, ADD),
    ("retail-event-management", ADD, ADD),
    ("office-365-engineering-direct", ADD, ADD),
    ("developer-support", LIM, LIM),  # +¹: limited maximum quantity
    ("support-for-mission-critical", ADD, ADD),
    ("cybersecurity-support-services", ADD, ADD),
]


@pytest.mark.parametrize(("code", "advanced", "performance"), MS_SERVICES)
def test_microsoft_service_inclusion(code: str, advanced: str, performance: str) -> None:
    services = by_code(load("microsoft"), "services")
    assert code in services, f"service {code} missing"
    assert services[code]["inclusion"] == {"advanced": advanced, "performance": performance}
    assert services[code]["source"].startswith("[000:")


def test_microsoft_has_no_unexpected_services() -> None:
    assert set(by_code(load("microsoft"), "services")) == {row[0] for row in MS_SERVICES}


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("proactive-credits", "credits"),
        ("extended-designated-engineering", "hours"),
        ("development-focused-services", "hours"),
        ("rsm-add-on", "hours"),
        ("workshops", "participants"),
        ("azure-event-management", "events"),
        ("retail-event-management", "events"),
        ("onsite-sdm", "visits"),
    ],
)
def test_microsoft_service_units(code: str, unit: str) -> None:
    assert by_code(load("microsoft"), "services")[code]["unit"] == unit


# ---------------------------------------------------------------------------
# Named contacts (SPEC PTY-11, A-24, D14)
# ---------------------------------------------------------------------------


def test_microsoft_named_contact_limits() -> None:
    packages = by_code(load("microsoft"), "packages")
    assert set(packages) == {"core", "advanced", "performance"}
    core, advanced, performance = packages["core"], packages["advanced"], packages["performance"]
    assert core["named_contact_max"] == 10
    assert "named_contact_min" not in core
    assert advanced["named_contact_min"] == 50
    assert advanced["named_contact_max"] == 50  # cap, editable upward per contract
    assert "named_contact_max" not in performance  # unlimited
    for pkg in packages.values():
        assert pkg["requires_named_contact"] is True
        assert pkg["requires_support_services_manager"] is True
    assert advanced["billing_mode"] == "work_order"


def test_microsoft_core_has_no_targets_and_no_services() -> None:
    data = load("microsoft")
    for policy in data["policies"]:
        assert "core" not in policy.get("packages", [])
    for svc in data["services"]:
        assert "core" not in svc["inclusion"]


# ---------------------------------------------------------------------------
# SLA targets (SPEC §3.3)
# ---------------------------------------------------------------------------

TARGETS = [
    # (file, policy, level, response, resolution, clock, calendar, rank)
    ("onitnow", "onitnow-ivx", "top", "1h", "4h", "business", "onitnow", 1),
    ("onitnow", "onitnow-ivx", "hoog", "9h", "18h", "business", "onitnow", 2),
    ("onitnow", "onitnow-ivx", "gemiddeld", "18h", "45h", "business", "onitnow", 3),
    ("onitnow", "onitnow-ivx", "laag", "18h", "90h", "business", "onitnow", 4),
    ("onitnow", "onitnow-ons", "top", "1h", "4h", "business", "onitnow", 1),
    ("onitnow", "onitnow-ons", "hoog", "9h", "18h", "business", "onitnow", 2),
    ("onitnow", "onitnow-ons", "gemiddeld", "18h", "45h", "business", "onitnow", 3),
    ("onitnow", "onitnow-ons", "laag", "18h", "90h", "business", "onitnow", 4),
    ("microsoft", "ms-advanced", "critical", "1h", None, "24x7", "24x7", 1),
    ("microsoft", "ms-advanced", "normal", "4h", None, "business", "microsoft-nl", 3),
    ("microsoft", "ms-performance", "critical", "30m", None, "24x7", "24x7", 1),
    ("microsoft", "ms-performance", "normal", "4h", None, "business", "microsoft-nl", 3),
    ("microsoft", "ms-rapid-response", "1", "15m", None, "24x7", "24x7", 1),
    ("microsoft", "ms-rapid-response", "a", "1h", None, "24x7", "24x7", 2),
    ("microsoft", "ms-aem", "1", "15m", None, "24x7", "24x7", 1),
    ("microsoft", "ms-aem", "a", "1h", None, "24x7", "24x7", 2),
    ("microsoft", "ms-retail", "1", "1h", None, "24x7", "24x7", 1),
    ("microsoft", "ms-retail", "a", "1h", None, "24x7", "24x7", 2),
    ("microsoft", "ms-retail", "b", "2h", None, "business", "microsoft-nl", 3),
    ("microsoft", "ms-retail", "c", "4h", None, "business", "microsoft-nl", 4),
    ("websitenazorg", "wnz-office365", "emergency", None, None, "business", "websitenazorg", 1),
    ("websitenazorg", "wnz-office365", "normal", None, None, "business", "websitenazorg", 3),
    ("cbg", "cbg-connect-secure-365", "business-critical", None, None, "business", "cbg", 1),
    ("cbg", "cbg-connect-secure-365", "normal", None, None, "business", "cbg", 3),
    ("cbg", "cbg-extra-24x7", "business-critical", None, None, "24x7", "cbg-24x7", 1),
]


@pytest.mark.parametrize(
    ("name", "policy", "level", "response", "resolution", "clock", "calendar", "rank"), TARGETS
)
def test_target_figures(
    name: str,
    policy: str,
    level: str,
    response: str | None,
    resolution: str | None,
    clock: str,
    calendar: str,
    rank: int,
) -> None:
    tgt = target(name, policy, level)
    assert seconds(tgt.get("response")) == seconds(response)
    assert seconds(tgt.get("resolution")) == seconds(resolution)
    assert tgt["clock"] == clock
    assert tgt["calendar"] == calendar
    assert tgt["rank"] == rank


def test_every_target_is_listed_in_the_expected_table() -> None:
    expected = {(row[0], row[1], row[2]) for row in TARGETS}
    actual = {
        (name, policy["code"], tgt["level"])
        for name in FILES
        for policy in load(name).get("policies", [])
        for tgt in policy["targets"]
    }
    assert actual == expected


@pytest.mark.parametrize(
    ("policy", "level", "attention", "critical_resource", "is_assumption"),
    [
        ("ms-advanced", "critical", "1h", "1h", False),  # "na 1 uur" = 60 min
        ("ms-advanced", "normal", "4h", None, False),
        ("ms-performance", "critical", "30m", "30m", False),
        ("ms-performance", "normal", "4h", None, False),
        ("ms-rapid-response", "1", "15m", None, False),
        ("ms-rapid-response", "a", "1h", None, True),  # A-26 fallback
        ("ms-aem", "1", "15m", "30m", False),
        ("ms-aem", "a", "1h", None, True),  # A-26 fallback
        ("ms-retail", "1", "0s", None, False),  # "onmiddellijke aandacht"
        ("ms-retail", "a", "1h", None, False),
        ("ms-retail", "b", "2h", None, False),
        ("ms-retail", "c", "4h", None, False),
    ],
)
def test_microsoft_attention_and_critical_resource(
    policy: str,
    level: str,
    attention: str,
    critical_resource: str | None,
    is_assumption: bool,
) -> None:
    tgt = target("microsoft", policy, level)
    assert seconds(tgt.get("attention")) == seconds(attention)
    assert seconds(tgt.get("critical_resource")) == seconds(critical_resource)
    assert tgt.get("is_assumption", False) is is_assumption
    if is_assumption:
        assert "A-26" in tgt["provider_commitments"]


def test_microsoft_policy_contexts() -> None:
    policies = by_code(load("microsoft"), "policies")
    assert policies["ms-advanced"]["packages"] == ["advanced"]
    assert policies["ms-performance"]["packages"] == ["performance"]
    assert policies["ms-advanced"]["is_default"] is True
    assert policies["ms-performance"]["is_default"] is True
    for code, service in [
        ("ms-rapid-response", "rapid-response"),
        ("ms-aem", "azure-event-management"),
        ("ms-retail", "retail-event-management"),
    ]:
        assert policies[code]["service"] == service
        assert policies[code]["is_default"] is False


@pytest.mark.parametrize(
    ("level", "threshold", "scope", "effect"),
    [
        ("top", 100, "multiple_users", "down"),
        ("hoog", 80, "multiple_users", "degraded"),
        ("gemiddeld", 80, "single_user", "down"),
        ("laag", 80, "single_user", "degraded"),
    ],
)
@pytest.mark.parametrize("policy", ["onitnow-ivx", "onitnow-ons"])
def test_onitnow_compliance_and_impact(
    policy: str, level: str, threshold: int, scope: str, effect: str
) -> None:
    tgt = target("onitnow", policy, level)
    assert tgt["compliance_threshold"] == threshold
    assert tgt["impact_scope"] == scope
    assert tgt["impact_effect"] == effect


def test_onitnow_policies() -> None:
    data = load("onitnow")
    assert set(by_code(data, "packages")) == {"ivx", "ons"}
    for pkg in data["packages"]:
        assert pkg["calendar"] == "onitnow"
        assert pkg["billing_mode"] == "none"
    policies = by_code(data, "policies")
    assert policies["onitnow-ivx"]["packages"] == ["ivx"]
    assert policies["onitnow-ons"]["packages"] == ["ons"]
    for policy in policies.values():
        assert policy["resolution_start"] == "root_cause_identified"


def test_websitenazorg_and_cbg_have_no_numeric_targets() -> None:
    for name in ("websitenazorg", "cbg"):
        for policy in load(name)["policies"]:
            for tgt in policy["targets"]:
                for key in ("response", "resolution", "attention", "critical_resource"):
                    assert key not in tgt, f"{name}/{policy['code']}/{tgt['level']}: {key}"
    assert target("websitenazorg", "wnz-office365", "emergency")["emergency"] is True
    assert target("cbg", "cbg-connect-secure-365", "business-critical")["business_critical"]
    situation = target("cbg", "cbg-connect-secure-365", "business-critical")["situation"]
    assert "geen enkele gebruiker op geen enkel device kan inloggen" in situation


# ---------------------------------------------------------------------------
# CBG tiers (SPEC §2.9, §3.3.5, A-13, A-14, A-48, D19)
# ---------------------------------------------------------------------------

CBG_PACKAGES = [
    # (code, precedence, billing mode, max contiguous, travel factor, fallback, out of hours)
    ("standaard", 1, "post_calculation", None, "1.0", None, False),
    ("basis", 2, "subscription", 30, "0.5", "standaard", False),
    ("extra", 3, "subscription", 60, "0", "standaard", True),
]


@pytest.mark.parametrize(
    ("code", "precedence", "billing", "contiguous", "travel", "fallback", "out_of_hours"),
    CBG_PACKAGES,
)
def test_cbg_package(
    code: str,
    precedence: int,
    billing: str,
    contiguous: int | None,
    travel: str,
    fallback: str | None,
    out_of_hours: bool,
) -> None:
    pkg = by_code(load("cbg"), "packages")[code]
    assert pkg["precedence"] == precedence
    assert pkg["billing_mode"] == billing
    assert pkg.get("max_contiguous_minutes") == contiguous
    assert pkg["travel_factor"] == travel
    assert pkg.get("fallback_package") == fallback
    assert pkg.get("out_of_hours_emergency", False) is out_of_hours
    assert pkg["calendar"] == "cbg"


def test_cbg_precedence_order_and_standaard_billing() -> None:
    packages = by_code(load("cbg"), "packages")
    ordered = sorted(packages.values(), key=lambda p: p["precedence"], reverse=True)
    assert [p["code"] for p in ordered] == ["extra", "basis", "standaard"]
    assert packages["standaard"]["minimum_billable_minutes"] == 15
    assert packages["standaard"]["billing_increment_minutes"] == 15


@pytest.mark.parametrize(
    ("code", "standaard", "basis", "extra"),
    [
        ("office365-management", NOT, INC, INC),
        ("microsoft-community", INC, INC, INC),
        ("business-critical-phone", INC, INC, INC),
        ("questions-and-failures", INC, INC, INC),
        ("contiguous-work-in-subscription", NOT, LIM, LIM),
        ("invoicing", ADD, INC, INC),
        ("travel-costs", ADD, LIM, INC),
        ("subscription-cancellation", NOT, INC, INC),
    ],
)
def test_cbg_feature_matrix(code: str, standaard: str, basis: str, extra: str) -> None:
    services = by_code(load("cbg"), "services")
    assert services[code]["inclusion"] == {"standaard": standaard, "basis": basis, "extra": extra}


def test_cbg_policy_applies_to_all_tiers() -> None:
    policy = by_code(load("cbg"), "policies")["cbg-connect-secure-365"]
    assert sorted(policy["packages"]) == ["basis", "extra", "standaard"]


def test_cbg_extra_has_a_24x7_business_critical_phone_line_chosen_only_by_code() -> None:
    policy = by_code(load("cbg"), "policies")["cbg-extra-24x7"]
    assert policy["packages"] == ["extra"]
    assert policy["is_default"] is False
    assert [(t["level"], t["clock"], t["business_critical"]) for t in policy["targets"]] == [
        ("business-critical", "24x7", True)
    ]
    assert by_code(load("cbg"), "calendars")["cbg-24x7"]["always_open"] is True


def test_cbg_channels() -> None:
    channels = load("cbg")["channels"]
    email = [c for c in channels if c["kind"] == "email"]
    assert [c["address"] for c in email] == ["support@cbgconnect.nl"]
    assert "spam" in email[0]["rules"]
    phone = [c for c in channels if c["kind"] == "phone"]
    assert len(phone) == 1
    assert phone[0]["packages"] == ["extra"]


# ---------------------------------------------------------------------------
# Escalation contacts (SPEC §1.4) and channels (SPEC §10)
# ---------------------------------------------------------------------------


def test_onitnow_escalation_contacts() -> None:
    contacts = load("onitnow")["escalation_contacts"]
    summary = sorted(
        (
            c["level"],
            c["role"],
            c["name"],
            c["email"],
            c["phone"],
            tuple(c.get("packages", ["ivx", "ons"])),
        )
        for c in contacts
    )
    phone = "+31 (0)85 0046154"
    assert summary == [
        (1, "Service Support Manager", "Jan Blanke", "j.blanke@onitnow.nl", phone, ("ivx", "ons")),
        (2, "COO", "Frank de Jong", "f.dejong@onitnow.nl", phone, ("ons",)),
        (2, "CTO", "Gerben van Kesteren", "g.vankesteren@onitnow.nl", phone, ("ivx",)),
    ]


def test_websitenazorg_escalation_contacts() -> None:
    contacts = sorted(load("websitenazorg")["escalation_contacts"], key=lambda c: c["level"])
    assert [c["level"] for c in contacts] == [1, 2, 3]
    assert contacts[0]["email"] == "support@websitenazorg.nl"
    assert "assigned support employee" in contacts[0]["role"]
    assert contacts[1]["role"] == "Senior support employee or management team"
    assert "email" not in contacts[1]
    assert "Mediation" in contacts[2]["role"]
    assert load("websitenazorg")["packages"][0]["out_of_hours_emergency"] is True


@pytest.mark.parametrize(
    ("package", "kind", "address", "preferred"),
    [
        ("ivx", "portal", "https://infravision.4me.com/", True),
        ("ivx", "phone", "+31 (0)85 0046154", False),
        ("ivx", "email", "support@infravision.com", False),
        ("ivx", "vendor", "support@xurrent.com", False),
        ("ons", "portal", "https://onitnow.xurrent.com", True),
        ("ons", "phone", "+31 (0)85 0046154", False),
        ("ons", "email", "support@onitnow.nl", False),
    ],
)
def test_onitnow_channels(package: str, kind: str, address: str, preferred: bool) -> None:
    matches = [
        c
        for c in load("onitnow")["channels"]
        if c["kind"] == kind
        and c["address"] == address
        and package in c.get("packages", ["ivx", "ons"])
    ]
    assert len(matches) == 1
    assert matches[0].get("preferred", False) is preferred


def test_onitnow_vendor_channels_are_top_only_per_template() -> None:
    vendor = {c["packages"][0]: c for c in load("onitnow")["channels"] if c["kind"] == "vendor"}
    assert set(vendor) == {"ivx", "ons"}
    assert "Top" in vendor["ivx"]["rules"]
    assert "Top" in vendor["ons"]["rules"]
    assert "must" in vendor["ons"]["rules"]


def test_websitenazorg_email_channel() -> None:
    channels = load("websitenazorg")["channels"]
    assert [(c["kind"], c["address"]) for c in channels] == [("email", "support@websitenazorg.nl")]


def test_microsoft_channels() -> None:
    addresses = {c["address"] for c in load("microsoft")["channels"]}
    assert "http://serviceshub.microsoft.com" in addresses
    rules = " ".join(c.get("rules", "") for c in load("microsoft")["channels"])
    assert "AEM" in rules
    assert "D365-evenement" in rules


# ---------------------------------------------------------------------------
# On call (issue #13 §1): the acknowledgement wait is catalogue data, not a silent default
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cbg", "microsoft", "websitenazorg"])
def test_providers_with_out_of_hours_promises_set_the_on_call_acknowledgement_wait(
    name: str,
) -> None:
    (policy,) = load(name)["escalation_policies"]
    assert seconds(policy.get("oncall_acknowledge")) == 15 * 60


def test_onitnow_promises_nothing_out_of_hours_so_sets_no_on_call_wait() -> None:
    (policy,) = load("onitnow")["escalation_policies"]
    assert "oncall_acknowledge" not in policy
