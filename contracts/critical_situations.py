"""What a Microsoft critical situation offers, per policy and severity (SPEC §3.10, ESC-13, D8).

The service description states these rules in one table that the catalogue's targets carry only
as prose (`provider_commitments`, `customer_duties`), so the table is kept here, keyed by the
policy's code and the target's level, beside the catalogue it reads:

- a critical situation resource is assigned where the table says so (and always where the
  target carries a `critical_resource` time, which the sweep enforces);
- the provider's senior executives are notified "if needed", at the engineer's request;
- the customer's senior executives are notified "as asked" by the provider;
- 24x7 effort can be requested on a Normal case (an effort flag only, D8).

Retail on Azure products follows the AEM table (the catalogue's note on `ms-retail`).
"""

from __future__ import annotations

from dataclasses import dataclass

from contracts.models import SlaTarget


@dataclass(frozen=True)
class CriticalSituation:
    resource: bool = False
    provider_executives: bool = False
    customer_executives: bool = False


NONE = CriticalSituation()

_TABLE: dict[tuple[str, str], CriticalSituation] = {
    ("ms-advanced", "critical"): CriticalSituation(resource=True),
    ("ms-performance", "critical"): CriticalSituation(
        resource=True, provider_executives=True, customer_executives=True
    ),
    ("ms-rapid-response", "1"): CriticalSituation(
        provider_executives=True, customer_executives=True
    ),
    ("ms-aem", "1"): CriticalSituation(resource=True, customer_executives=True),
    ("ms-aem", "a"): CriticalSituation(provider_executives=True),
    ("ms-retail", "1"): CriticalSituation(
        resource=True, provider_executives=True, customer_executives=True
    ),
    ("ms-retail", "a"): CriticalSituation(resource=True),
}

# Normal cases on which the customer may ask for 24x7 effort (A-41: the clocks do not change).
_EFFORT_24X7_ON_REQUEST = frozenset({("ms-advanced", "normal"), ("ms-performance", "normal")})


def critical_situation(policy_code: str, target: SlaTarget | None) -> CriticalSituation:
    """What a target of the policy offers in a critical situation; nothing when not in the
    table. The policy's code is passed (a ticket carries its policy) to spare a query."""
    if target is None:
        return NONE
    found = _TABLE.get((policy_code, target.level), NONE)
    if target.critical_resource_seconds and not found.resource:
        return CriticalSituation(True, found.provider_executives, found.customer_executives)
    return found


def effort_24x7_on_request(policy_code: str, target: SlaTarget | None) -> bool:
    """Whether a customer may ask for 24x7 effort on a case with this target of the policy."""
    return target is not None and (policy_code, target.level) in _EFFORT_24X7_ON_REQUEST
