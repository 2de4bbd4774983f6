"""Contract changes: versions and moving to a newer catalogue release (DECISIONS D3)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contracts.exceptions import ContractsError
from contracts.models import Contract, Package


def contract_version_bump(*, contract: Contract, changed: Iterable[str]) -> Contract:
    """A changed contract gets a new version; tickets keep the version they were made under."""
    if not set(changed) - {"version"}:
        return contract
    Contract.objects.filter(pk=contract.pk).update(version=F("version") + 1)
    contract.refresh_from_db(fields=["version"])
    return contract


@transaction.atomic
def contract_package_upgrade(*, contract: Contract) -> Contract:
    """Move the contract to the current catalogue release of its package (explicit, D3).

    Existing tickets keep their frozen targets; only tickets created afterwards, or a ticket
    recomputed on purpose, use the new release."""
    package = contract.package
    current = (
        Package.objects.filter(
            release__provider_id=package.release.provider_id,
            release__is_current=True,
            code=package.code,
        )
        .select_related("release")
        .first()
    )
    if current is None:
        raise ContractsError(
            _(
                "The current catalogue of %(provider)s has no package %(package)r; "
                "choose another package for %(contract)s."
            )
            % {
                "provider": package.release.provider,
                "package": package.code,
                "contract": contract.reference,
            }
        )
    if current.pk == package.pk:
        return contract
    contract.package = current
    contract.save(update_fields=["package"])
    return contract_version_bump(contract=contract, changed=["package"])
