"""Demo customers with their contract (package, dates, services) and contacts (with logins)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from contracts.models import (
    CatalogueService,
    Contact,
    ContactRole,
    Contract,
    ContractStatus,
    Customer,
    EscalationContact,
    Package,
)
from contracts.services.contacts import contact_name_checked
from tickets.demo import DemoDataError
from tickets.demo.data import CUSTOMERS, ContactSpec, CustomerSpec, contact_email

Packages = dict[tuple[str, str], Package]


def packages_required() -> Packages:
    """Every demo package in the current catalogue, or a clear error."""
    found = {
        (p.release.provider.code, p.code): p
        for p in Package.objects.filter(release__is_current=True).select_related(
            "release__provider"
        )
    }
    missing = sorted(
        f"{c.provider}/{c.package}" for c in CUSTOMERS if (c.provider, c.package) not in found
    )
    if missing:
        raise DemoDataError(
            f"The catalogue is not loaded (missing packages: {', '.join(missing)}). "
            "Run `python manage.py load_catalog` first."
        )
    return found


def demo_customers_exist() -> bool:
    return Customer.objects.filter(code__in=[c.code for c in CUSTOMERS]).exists()


def customer_create(
    spec: CustomerSpec,
    packages: Packages,
    staff: dict[str, User],
    today: date,
    password_hash: str,
    counts: Counter[str],
) -> None:
    """One demo customer with its contract (CSAM for Microsoft) and contacts."""
    customer = Customer.objects.create(
        code=spec.code,
        name=spec.name,
        email_domains=[spec.domain],
        licence_count=spec.licences,
    )
    contract = _contract_create(spec, customer, packages[(spec.provider, spec.package)], today)
    if spec.provider == "microsoft":
        contract.csam = staff.get("csam")
        contract.save(update_fields=["csam"])
        _microsoft_escalation_contacts(contract, staff)
    for contact_spec in spec.contacts:
        _contact_create(contact_spec, spec, customer, contract, password_hash)
    counts["customers"] += 1
    counts["contracts"] += 1
    counts["contacts"] += len(spec.contacts)


def _microsoft_escalation_contacts(contract: Contract, staff: dict[str, User]) -> None:
    """The Microsoft seed names no escalation chain (SPEC §1.4), so the demo contract names its
    own: the desk's service support manager (level 1) and escalation officer (level 2)."""
    ssm = staff.get("ssm")
    EscalationContact.objects.create(
        contract=contract,
        level=1,
        role="Service Support Manager",
        name=ssm.get_full_name() if ssm else "Service Support Manager",
        email=ssm.email if ssm else "ssm@servicedesk.example",
    )
    officer = staff.get("escalation")
    EscalationContact.objects.create(
        contract=contract,
        level=2,
        role="Escalation officer",
        name=officer.get_full_name() if officer else "Escalation officer",
        email=officer.email if officer else "escalations@servicedesk.example",
    )


def _contract_create(
    spec: CustomerSpec, customer: Customer, package: Package, today: date
) -> Contract:
    start = _month_start(today, -spec.start_months_back)
    end = _month_start(start, spec.term_months) - timedelta(days=1) if spec.term_months else None
    contract = Contract.objects.create(
        reference=spec.reference,
        customer=customer,
        provider=package.release.provider,
        package=package,
        status=ContractStatus.ACTIVE,
        start_date=start,
        go_live_date=start if spec.renews else None,
        end_date=end,
        renewal_date=_month_start(start, 12) if spec.renews else None,
        auto_renew=spec.renews or spec.provider == "cbg",
        hosting=spec.hosting,
        tickets_shared_by_default=spec.shares_by_default,
    )
    if spec.services:
        contract.services.set(
            CatalogueService.objects.filter(release=package.release, code__in=spec.services)
        )
    return contract


def _month_start(day: date, months: int) -> date:
    """The first day of the month `months` months after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _contact_create(
    spec: ContactSpec,
    customer_spec: CustomerSpec,
    customer: Customer,
    contract: Contract,
    password_hash: str,
) -> None:
    email = contact_email(spec.key, customer_spec.domain)
    first, _, last = spec.name.partition(" ")
    user, _ = get_user_model().objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first,
            "last_name": last,
            "password": password_hash,
        },
    )
    contact = Contact.objects.create(
        customer=customer,
        user=user,
        name=contact_name_checked(spec.name),  # the demo data obeys the name rule too
        email=email,
        language=spec.language,
        is_active=spec.active,
    )
    if spec.role:
        ContactRole.objects.create(contact=contact, contract=contract, role=spec.role)
