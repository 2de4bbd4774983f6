"""Monitored services of a contract: created with the default promise of their provider."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from availability.exceptions import ServiceRefused
from availability.models import MonitoredService, ServiceKind
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
