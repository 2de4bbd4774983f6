"""The drill's data, made through the services (run inside Django by the drill):
``python -m ops.drill.seed OUT.json`` with the drill's environment.

A few customers on Microsoft Advanced (whose Critical target runs on a 24x7 clock: the drill's
catalogue shortens it to minutes, so warnings and breaches fall due during the run), each with a
support services manager and two named contacts who log in to the portal and hold a write
token; a staff superuser (the CSAM of every contract, so escalations have a recipient) with a
provider token for the staff actions. Written as JSON for the load clients.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CUSTOMERS = 3
NAMED = ("named_contact", 2)
SSM = "support_services_manager"


def _contract(code: str, csam: Any) -> Any:
    from contracts.models import Contract, Customer, Package

    customer = Customer.objects.create(code=code, name=f"Drill {code}")
    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code="microsoft", code="advanced"
    )
    return Contract.objects.create(
        customer=customer,
        provider=package.release.provider,
        package=package,
        reference=f"{code}-contract",
        start_date=date(2020, 1, 1),
        csam=csam,
    )


def _person(contract: Any, key: str, role: str, password: str) -> Any:
    from django.contrib.auth import get_user_model

    from contracts.models import Contact, ContactRole

    email = f"{key}@{contract.customer.code}.example"
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    contact = Contact.objects.create(customer=contract.customer, name=key, email=email, user=user)
    ContactRole.objects.create(contact=contact, contract=contract, role=role)
    return contact


def _token(created_by: Any, now: Any, **whose: Any) -> str:
    from contracts.services.tokens import TokenCreateInput, api_token_create

    data = TokenCreateInput(
        name=f"drill {secrets.token_hex(3)}",
        scope="write",
        expires_at=now + timedelta(days=1),
        created_by=created_by,
        **whose,
    )
    return api_token_create(data=data, now=now)[1]


def seed() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    now = timezone.now()
    password = f"drill-{secrets.token_urlsafe(12)}"
    staff = get_user_model().objects.create_superuser(
        "drill-staff", "drill-staff@provider.example", password
    )
    contacts = []
    for n in range(CUSTOMERS):
        contract = _contract(f"drill-c{n}", staff)
        manager = _person(contract, "manager", SSM, password)
        for i in range(NAMED[1]):
            contact = _person(contract, f"named{i}", NAMED[0], password)
            contacts.append(
                {
                    "id": contact.pk,
                    "email": contact.email,
                    "contract": contract.pk,
                    "shared": contract.tickets_shared_by_default,
                    "token": _token(manager.user, now, contact=contact),
                }
            )
    return {
        "password": password,
        "contacts": contacts,
        "staff_token": _token(staff, now, provider=contract.provider),
    }


def main() -> None:
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        data = seed()
    Path(sys.argv[1]).write_text(json.dumps(data, indent=1))


if __name__ == "__main__":
    main()
