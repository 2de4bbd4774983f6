"""Monitored services of a contract: created with the default promise of their provider."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from availability.exceptions import ServiceRefused
from availability.models import MonitoredService, ServiceKind, TargetBasis
from availability.rules.targets import targets_default
from contracts.models import Contract


@transaction.atomic
def monitored_service_create(
    *, contract: Contract, name: str, kind: str, hosting: str | None = None, now: datetime
) -> MonitoredService:
    """A service of the contract whose availability is measured, with the targets of its
    provider, kind and hosting (the contract's hosting unless given); editable afterwards."""
    name = name.strip()
    if not name:
        raise ServiceRefused(_("Give the service a name."))
    if kind not in ServiceKind.values:
        raise ServiceRefused(_("Choose the kind of service."))
    chosen = contract.hosting if hosting is None else hosting
    targets = targets_default(provider_code=contract.provider.code, kind=kind, hosting=chosen)
    try:
        with transaction.atomic():
            return MonitoredService.objects.create(
                contract=contract,
                name=name,
                kind=kind,
                hosting=chosen,
                office_target_percent=targets.office_percent,
                outside_target_percent=targets.outside_percent,
                max_interruptions=targets.max_interruptions,
                target_basis=targets.basis,
                created_at=now,
            )
    except IntegrityError:
        raise ServiceRefused(
            _("The contract already has a service called %(name)s.") % {"name": name}
        ) from None


SERVICE_CHANGES = {
    "name",
    "office_target_percent",
    "outside_target_percent",
    "max_interruptions",
    "target_basis",
    "is_active",
}


def _percent_ok(value: Decimal | None) -> bool:
    return value is None or Decimal(0) <= value <= Decimal(100)


@transaction.atomic
def monitored_service_update(
    *, service: MonitoredService, changes: dict[str, Any], now: datetime
) -> MonitoredService:
    """Change a service's name, targets, basis or whether it is still measured."""
    unknown = set(changes) - SERVICE_CHANGES
    if unknown:
        raise ServiceRefused(
            _("These service fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in changes.items():
        setattr(service, field, value.strip() if isinstance(value, str) else value)
    if not service.name:
        raise ServiceRefused(_("Give the service a name."))
    if not (
        _percent_ok(service.office_target_percent) and _percent_ok(service.outside_target_percent)
    ):
        raise ServiceRefused(_("A target is a percentage from 0 to 100."))
    if service.target_basis not in TargetBasis.values:
        raise ServiceRefused(_("Choose what the targets rest on."))
    if (
        MonitoredService.objects.filter(contract_id=service.contract_id, name=service.name)
        .exclude(pk=service.pk)
        .exists()
    ):
        raise ServiceRefused(
            _("The contract already has a service called %(name)s.") % {"name": service.name}
        )
    service.save(update_fields=sorted(changes) or None)
    return service
