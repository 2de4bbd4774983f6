"""Load the catalogue data files into versioned releases (issue #2 §2, DECISIONS D3).

Idempotent: a file whose parsed content equals the current release changes nothing. A changed
file creates a new release (version + 1) beside the old one, which stays for the tickets and
contracts that point at it. A broken file is rejected before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from contracts import businesstime
from contracts.catalogue_schema import ParsedCatalogue, parse_catalogue
from contracts.models import (
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    EscalationContact,
    EscalationPolicy,
    Package,
    Provider,
    ProviderChannel,
    ServiceInclusion,
    SlaPolicy,
    SlaTarget,
)


@dataclass(frozen=True)
class LoadOutcome:
    provider_code: str
    version: int
    created: bool


def _seconds(value: str | None) -> int | None:
    if value is None:
        return None
    return int(businesstime.parse_duration(value).total_seconds())


@transaction.atomic
def catalogue_load(*, paths: list[Path], now: datetime) -> list[LoadOutcome]:
    """Validate all files, then write a new release for each changed one."""
    parsed_files = parse_catalogue(paths)
    return [_release_write(parsed=parsed, now=now) for parsed in parsed_files]


def catalogue_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def _release_write(*, parsed: ParsedCatalogue, now: datetime) -> LoadOutcome:
    info = parsed.data["provider"]
    provider, _ = Provider.objects.get_or_create(code=info["code"], defaults={"name": info["name"]})
    if provider.name != info["name"]:
        provider.name = info["name"]
        provider.save(update_fields=["name"])
    current = (
        CatalogueRelease.objects.select_for_update()
        .filter(provider=provider, is_current=True)
        .first()
    )
    if current is not None and current.sha256 == parsed.sha256:
        return LoadOutcome(provider.code, current.version, created=False)
    version = 1
    if current is not None:
        version = current.version + 1
        CatalogueRelease.objects.filter(pk=current.pk).update(is_current=False)
    release = CatalogueRelease.objects.create(
        provider=provider,
        version=version,
        sha256=parsed.sha256,
        source_name=parsed.path.name,
        source_text=parsed.text,
        loaded_at=now,
        is_current=True,
    )
    _release_content_write(release=release, data=parsed.data)
    return LoadOutcome(provider.code, version, created=True)


def _release_content_write(*, release: CatalogueRelease, data: dict[str, Any]) -> None:
    calendars = {
        item["code"]: BusinessCalendar.objects.create(release=release, **_calendar_fields(item))
        for item in data.get("calendars", [])
    }
    packages = {
        item["code"]: Package.objects.create(
            release=release, default_calendar=calendars[item["calendar"]], **_package_fields(item)
        )
        for item in data.get("packages", [])
    }
    services = {
        item["code"]: _service_write(release, item, packages) for item in data.get("services", [])
    }
    for item in data.get("channels", []):
        channel = ProviderChannel.objects.create(
            release=release,
            kind=item["kind"],
            address=item["address"],
            rules=item.get("rules", ""),
            preferred=item.get("preferred", False),
            source=item.get("source", ""),
        )
        channel.packages.set([packages[code] for code in item.get("packages", [])])
    for item in data.get("escalation_contacts", []):
        contact = EscalationContact.objects.create(
            release=release,
            level=item["level"],
            role=item["role"],
            name=item.get("name", ""),
            email=item.get("email", ""),
            phone=item.get("phone", ""),
        )
        contact.packages.set([packages[code] for code in item.get("packages", [])])
    for item in data.get("policies", []):
        _policy_write(release, item, calendars, packages, services)
    for item in data.get("escalation_policies", []):
        _escalation_policy_write(release, item, packages)


def _calendar_fields(item: dict[str, Any]) -> dict[str, Any]:
    holidays = item.get("holidays", {})
    return {
        "code": item["code"],
        "name": item["name"],
        "timezone": item["timezone"],
        "always_open": item.get("always_open", False),
        "hours": item.get("hours", {}),
        "holiday_country": holidays.get("country", ""),
        "holiday_subdivision": holidays.get("subdivision", ""),
        "holiday_categories": holidays.get("categories", []),
        "holiday_remove_names": holidays.get("remove_names", []),
        "extra_closures": [str(d) for d in holidays.get("extra_closures", [])],
        "removals": [str(d) for d in holidays.get("removals", [])],
    }


def _package_fields(item: dict[str, Any]) -> dict[str, Any]:
    factor = item.get("travel_factor")
    return {
        "code": item["code"],
        "name": item["name"],
        "description": item.get("description", ""),
        "named_contact_min": item.get("named_contact_min"),
        "named_contact_max": item.get("named_contact_max"),
        "requires_named_contact": item.get("requires_named_contact", False),
        "requires_support_services_manager": item.get("requires_support_services_manager", False),
        "precedence": item.get("precedence", 0),
        "max_contiguous_minutes": item.get("max_contiguous_minutes"),
        "travel_factor": Decimal(factor) if factor is not None else None,
        "billing_mode": item.get("billing_mode", "none"),
        "minimum_billable_minutes": item.get("minimum_billable_minutes"),
        "billing_increment_minutes": item.get("billing_increment_minutes"),
        "out_of_hours_emergency": item.get("out_of_hours_emergency", False),
        "fallback_package_code": item.get("fallback_package", ""),
        "sort": item.get("sort", 0),
    }


def _service_write(
    release: CatalogueRelease, item: dict[str, Any], packages: dict[str, Package]
) -> CatalogueService:
    service = CatalogueService.objects.create(
        release=release,
        code=item["code"],
        category=item["category"],
        name=item["name"],
        description=item.get("description", ""),
        unit=item.get("unit", ""),
        notes=item.get("notes", ""),
        source=item.get("source", ""),
    )
    ServiceInclusion.objects.bulk_create(
        ServiceInclusion(service=service, package=packages[code], inclusion=value)
        for code, value in item.get("inclusion", {}).items()
    )
    return service


def _policy_write(
    release: CatalogueRelease,
    item: dict[str, Any],
    calendars: dict[str, BusinessCalendar],
    packages: dict[str, Package],
    services: dict[str, CatalogueService],
) -> None:
    policy = SlaPolicy.objects.create(
        release=release,
        code=item["code"],
        name=item["name"],
        service=services[item["service"]] if item.get("service") else None,
        resolution_start=item.get("resolution_start", "registered"),
        is_default=item.get("is_default", True),
        notes=item.get("notes", ""),
        source=item.get("source", ""),
    )
    policy.packages.set([packages[code] for code in item.get("packages", [])])
    SlaTarget.objects.bulk_create(
        _target_build(policy, target, calendars, index)
        for index, target in enumerate(item.get("targets", []))
    )


def _target_build(
    policy: SlaPolicy, item: dict[str, Any], calendars: dict[str, BusinessCalendar], index: int
) -> SlaTarget:
    threshold = item.get("compliance_threshold")
    return SlaTarget(
        policy=policy,
        request_type=item.get("request_type", "incident"),
        level=item["level"],
        label_nl=item["label_nl"],
        label_en=item["label_en"],
        rank=item["rank"],
        response_seconds=_seconds(item.get("response")),
        resolution_seconds=_seconds(item.get("resolution")),
        attention_seconds=_seconds(item.get("attention")),
        critical_resource_seconds=_seconds(item.get("critical_resource")),
        calendar=calendars[item["calendar"]],
        clock_kind=item["clock"],
        compliance_threshold=Decimal(str(threshold)) if threshold is not None else None,
        impact_scope=item.get("impact_scope", ""),
        impact_effect=item.get("impact_effect", ""),
        business_critical=item.get("business_critical"),
        emergency=item.get("emergency"),
        effort=item.get("effort", ""),
        provider_commitments=item.get("provider_commitments", ""),
        customer_duties=item.get("customer_duties", ""),
        situation=item.get("situation", ""),
        is_assumption=item.get("is_assumption", False),
        sort=item.get("sort", index),
    )


def _escalation_policy_write(
    release: CatalogueRelease, item: dict[str, Any], packages: dict[str, Package]
) -> None:
    """D10 defaults; a key left out keeps the model's default."""
    fields: dict[str, Any] = {}
    durations = {
        "level2_unacknowledged": "level2_unacknowledged_seconds",
        "level2_unresolved_rank1": "level2_unresolved_rank1_seconds",
        "renotify": "renotify_seconds",
        "status_update": "status_update_seconds",
        "oncall_acknowledge": "oncall_acknowledge_seconds",
    }
    for key, field_name in durations.items():
        if key in item:
            fields[field_name] = _seconds(item[key])
    for key in (
        "warning_percent",
        "level2_unresolved_other_business_days",
        "level1_on_create_levels",
        "level2_on_resolution_breach_levels",
        "manual_level3",
    ):
        if key in item:
            fields[key] = item[key]
    policy = EscalationPolicy.objects.create(release=release, **fields)
    policy.packages.set([packages[code] for code in item.get("packages", [])])
