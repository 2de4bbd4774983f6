"""Parse and validate catalogue data files (catalogue/*.toml) before anything is written.

Every problem is reported with file, entry and reason; the loader writes nothing unless every
file is valid. The schema is documented in catalogue/README.md.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from contracts import businesstime
from contracts.catalogue_keys import ALLOWED_KEYS
from contracts.exceptions import CatalogueError
from contracts.text import person_name_validate

SCHEMA_VERSION = 1
INCLUSIONS = ("included", "additional", "limited", "not_offered")
BILLING_MODES = ("none", "subscription", "post_calculation", "work_order")
CHANNEL_KINDS = ("portal", "phone", "email", "trust", "vendor", "escalation", "web")
REQUEST_TYPES = ("incident", "information", "change")
RESOLUTION_STARTS = ("registered", "root_cause_identified")
CLOCKS = ("business", "24x7")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class ParsedCatalogue:
    """One valid file: its raw text, canonical hash and parsed data."""

    path: Path
    text: str
    data: dict[str, Any]
    sha256: str
    provider_code: str


@dataclass
class _Checker:
    """Collects errors as '<file>: <entry>: <reason>'."""

    filename: str
    errors: list[str] = field(default_factory=list)

    def error(self, entry: str, reason: str) -> None:
        self.errors.append(f"{self.filename}: {entry}: {reason}")

    def known_keys(self, entry: str, obj: dict[str, Any], section: str) -> None:
        unknown = sorted(set(obj) - ALLOWED_KEYS[section])
        if unknown:
            allowed = ", ".join(sorted(ALLOWED_KEYS[section]))
            self.error(entry, f"unknown key(s) {', '.join(unknown)}; allowed: {allowed}")

    def require(self, entry: str, obj: dict[str, Any], key: str, kind: type) -> Any:
        value = obj.get(key)
        if value is None:
            self.error(entry, f"'{key}' is required")
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.error(entry, f"'{key}' must be {kind.__name__}, not {type(value).__name__}")
            return None
        return value

    def person_name(self, entry: str, obj: dict[str, Any]) -> None:
        """A person's name goes into mail headers: no line breaks, quotes or < > @ (#10 §2)."""
        name = self.optional(entry, obj, "name", str)
        try:
            person_name_validate(name or "")
        except ValidationError:
            self.error(entry, "'name' may not contain line breaks, quotes or the characters < > @")

    def optional(self, entry: str, obj: dict[str, Any], key: str, kind: type) -> Any:
        if key not in obj:
            return None
        return self.require(entry, obj, key, kind)

    def choice(self, entry: str, obj: dict[str, Any], key: str, choices: tuple[str, ...]) -> None:
        value = obj.get(key)
        if value is not None and value not in choices:
            self.error(entry, f"'{key}' is {value!r}; expected one of {', '.join(choices)}")

    def duration(self, entry: str, obj: dict[str, Any], key: str) -> None:
        value = self.optional(entry, obj, key, str)
        if value is not None:
            try:
                businesstime.parse_duration(value)
            except ValueError as exc:
                self.error(entry, f"'{key}': {exc}")

    def codes_exist(self, entry: str, refs: Any, known: set[str], what: str) -> None:
        if refs is None:
            return
        if not isinstance(refs, list):
            self.error(entry, f"'{what}' references must be a list")
            return
        for ref in refs:
            if ref not in known:
                self.error(entry, f"unknown {what} {ref!r}")


def _entries(
    check: _Checker, data: dict[str, Any], key: str, prefix: str = "", label_key: str = "code"
) -> list[tuple[str, dict[str, Any]]]:
    """The tables of array `key`, each with a label such as 'packages[0] (ivx)'."""
    items = data.get(key, [])
    if not isinstance(items, list):
        check.error(prefix + key, "must be an array of tables")
        return []
    named = []
    for index, item in enumerate(items):
        code = item.get(label_key) if isinstance(item, dict) else None
        label = f"{prefix}{key}[{index}]" + (f" ({code})" if code else "")
        if not isinstance(item, dict):
            check.error(label, "must be a table")
            continue
        check.known_keys(label, item, key)
        named.append((label, item))
    return named


def _unique_codes(check: _Checker, entries: list[tuple[str, dict[str, Any]]]) -> set[str]:
    seen: set[str] = set()
    for label, item in entries:
        code = check.require(label, item, "code", str)
        if code is not None and code in seen:
            check.error(label, f"code {code!r} is used twice")
        if code is not None:
            seen.add(code)
    return seen


def _check_calendars(check: _Checker, data: dict[str, Any]) -> set[str]:
    from contracts.calendars import calendar_from_spec  # local: keeps schema import light

    entries = _entries(check, data, "calendars")
    codes = _unique_codes(check, entries)
    for label, item in entries:
        check.require(label, item, "name", str)
        check.require(label, item, "timezone", str)
        holidays = check.optional(label, item, "holidays", dict)
        if holidays is not None:
            check.known_keys(f"{label}.holidays", holidays, "holidays")
        hours = check.optional(label, item, "hours", dict) or {}
        unknown_days = sorted(set(hours) - set(DAYS))
        if unknown_days:
            check.error(
                label, f"unknown day(s) {', '.join(unknown_days)} in hours; use {', '.join(DAYS)}"
            )
        try:
            calendar_from_spec(item)
        except (ValueError, TypeError, KeyError) as exc:
            check.error(label, str(exc))
    return codes


def _check_packages(check: _Checker, data: dict[str, Any], calendars: set[str]) -> set[str]:
    entries = _entries(check, data, "packages")
    codes = _unique_codes(check, entries)
    for label, item in entries:
        check.require(label, item, "name", str)
        calendar = check.require(label, item, "calendar", str)
        check.codes_exist(label, [calendar] if calendar else None, calendars, "calendar")
        for key in ("named_contact_min", "named_contact_max", "precedence", "sort"):
            check.optional(label, item, key, int)
        for key in ("max_contiguous_minutes", "minimum_billable_minutes"):
            check.optional(label, item, key, int)
        check.choice(label, item, "billing_mode", BILLING_MODES)
        factor = check.optional(label, item, "travel_factor", str)
        if factor is not None:
            try:
                Decimal(factor)
            except InvalidOperation:
                check.error(label, f"'travel_factor' {factor!r} is not a decimal number")
    for label, item in entries:
        fallback = item.get("fallback_package")
        check.codes_exist(label, [fallback] if fallback else None, codes, "package")
    return codes


def _check_services(check: _Checker, data: dict[str, Any], packages: set[str]) -> set[str]:
    entries = _entries(check, data, "services")
    codes = _unique_codes(check, entries)
    for label, item in entries:
        check.require(label, item, "name", str)
        check.require(label, item, "category", str)
        inclusion = check.optional(label, item, "inclusion", dict) or {}
        check.codes_exist(label, list(inclusion), packages, "package")
        for package_code, value in inclusion.items():
            if value not in INCLUSIONS:
                check.error(
                    label,
                    f"inclusion for {package_code!r} is {value!r}; expected one of "
                    f"{', '.join(INCLUSIONS)}",
                )
    return codes


def _check_target(check: _Checker, label: str, item: dict[str, Any], calendars: dict) -> None:
    for key in ("level", "label_nl", "label_en", "calendar", "clock"):
        check.require(label, item, key, str)
    rank = check.require(label, item, "rank", int)
    if rank is not None and not 1 <= rank <= 4:
        check.error(label, f"'rank' is {rank}; expected 1 to 4 (P1-P4)")
    check.choice(label, item, "request_type", REQUEST_TYPES)
    check.choice(label, item, "clock", CLOCKS)
    for key in ("response", "resolution", "attention", "critical_resource"):
        check.duration(label, item, key)
    code = item.get("calendar")
    calendar = calendars.get(code) if isinstance(code, str) else None
    if isinstance(code, str) and calendar is None:
        check.error(label, f"unknown calendar {item.get('calendar')!r}")
    elif calendar is not None and bool(calendar.get("always_open")) != (
        item.get("clock") == "24x7"
    ):
        check.error(
            label, f"clock {item.get('clock')!r} does not match calendar {item.get('calendar')!r}"
        )


def _check_policies(
    check: _Checker, data: dict[str, Any], packages: set[str], services: set[str]
) -> None:
    calendars = {c.get("code"): c for c in data.get("calendars", []) if isinstance(c, dict)}
    entries = _entries(check, data, "policies")
    _unique_codes(check, entries)
    for label, item in entries:
        check.require(label, item, "name", str)
        check.codes_exist(label, item.get("packages"), packages, "package")
        service = item.get("service")
        check.codes_exist(label, [service] if service else None, services, "service")
        check.choice(label, item, "resolution_start", RESOLUTION_STARTS)
        levels: set[tuple[Any, Any]] = set()
        for target_label, target in _entries(check, item, "targets", f"{label}.", "level"):
            _check_target(check, target_label, target, calendars)
            key = (target.get("request_type", "incident"), target.get("level"))
            if key in levels:
                check.error(target_label, f"level {key[1]!r} is used twice")
            levels.add(key)


def _check_escalation_policies(check: _Checker, data: dict[str, Any], packages: set[str]) -> None:
    for label, item in _entries(check, data, "escalation_policies", label_key="source"):
        check.codes_exist(label, item.get("packages"), packages, "package")
        percent = check.optional(label, item, "warning_percent", int)
        if percent is not None and not 1 <= percent <= 99:
            check.error(label, f"'warning_percent' is {percent}; expected 1 to 99")
        for key in (
            "level2_unacknowledged",
            "level2_unresolved_rank1",
            "renotify",
            "status_update",
            "oncall_acknowledge",
        ):
            check.duration(label, item, key)
        check.optional(label, item, "level2_unresolved_other_business_days", int)
        for key in ("level1_on_create_levels", "level2_on_resolution_breach_levels"):
            check.optional(label, item, key, list)


def _check_contacts_and_channels(check: _Checker, data: dict[str, Any], packages: set[str]) -> None:
    for label, item in _entries(check, data, "channels", label_key="kind"):
        check.require(label, item, "address", str)
        check.choice(label, item, "kind", CHANNEL_KINDS)
        check.require(label, item, "kind", str)
        check.codes_exist(label, item.get("packages"), packages, "package")
    for label, item in _entries(check, data, "escalation_contacts", label_key="role"):
        level = check.require(label, item, "level", int)
        if level is not None and level not in (1, 2, 3):
            check.error(label, f"'level' is {level}; expected 1, 2 or 3")
        check.require(label, item, "role", str)
        check.person_name(label, item)
        check.codes_exist(label, item.get("packages"), packages, "package")


def canonical_sha256(data: dict[str, Any]) -> str:
    """Hash of the parsed content, so comment or layout edits do not make a new version."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def parse_catalogue_file(path: Path) -> tuple[ParsedCatalogue | None, list[str]]:
    """Parse and validate one file; returns (parsed, []) or (None, errors)."""
    check = _Checker(path.name)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path.name}: cannot be read: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{path.name}: not valid TOML: {exc}"]
    check.known_keys("top level", data, "")
    schema = data.get("schema")
    if type(schema) is not int or schema != SCHEMA_VERSION:
        check.error("schema", f"expected schema = {SCHEMA_VERSION}, found {data.get('schema')!r}")
    provider = check.require("provider", data, "provider", dict) or {}
    check.known_keys("provider", provider, "provider")
    provider_code = check.require("provider", provider, "code", str)
    check.require("provider", provider, "name", str)
    calendars = _check_calendars(check, data)
    packages = _check_packages(check, data, calendars)
    services = _check_services(check, data, packages)
    _check_policies(check, data, packages, services)
    _check_contacts_and_channels(check, data, packages)
    _check_escalation_policies(check, data, packages)
    if check.errors:
        return None, check.errors
    parsed = ParsedCatalogue(path, text, data, canonical_sha256(data), str(provider_code))
    return parsed, []


def parse_catalogue(paths: list[Path]) -> list[ParsedCatalogue]:
    """Validate every file; raise CatalogueError listing every problem if any file is broken."""
    errors: list[str] = []
    parsed: list[ParsedCatalogue] = []
    for path in sorted(paths):
        result, file_errors = parse_catalogue_file(path)
        errors.extend(file_errors)
        if result is not None:
            parsed.append(result)
    _check_cross_file(parsed, errors)
    if errors:
        raise CatalogueError(errors)
    return parsed


def _check_cross_file(parsed: list[ParsedCatalogue], errors: list[str]) -> None:
    providers: dict[str, str] = {}
    calendars: dict[str, str] = {}
    for item in parsed:
        if item.provider_code in providers:
            errors.append(
                f"{item.path.name}: provider: code {item.provider_code!r} is also "
                f"defined in {providers[item.provider_code]}"
            )
        providers[item.provider_code] = item.path.name
        for calendar in item.data.get("calendars", []):
            code = calendar["code"]
            if code in calendars:
                errors.append(
                    f"{item.path.name}: calendars ({code}): calendar code is also "
                    f"defined in {calendars[code]}"
                )
            calendars[code] = item.path.name
