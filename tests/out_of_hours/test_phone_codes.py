"""Out-of-hours phone codes (issue #13 §2): issued by a coordinator, shown once to the
customer's manager, kept only as a hash, rotated and revoked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.models import PhoneCode
from contracts.selectors_phone_codes import (
    STATE_ACTIVE,
    STATE_REVOKED,
    STATE_WAITING,
    phone_code_state,
    phone_code_valid,
)
from contracts.services.phone_codes import (
    PhoneCodeRefused,
    phone_code_issue,
    phone_code_reveal,
    phone_code_revoke,
    phone_code_rotate,
)
from tests.out_of_hours.support import ISSUED, cbg_customer, code_revealed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
LATER = ISSUED + timedelta(days=1)


def test_an_issued_code_waits_for_the_manager_and_opens_nothing_yet() -> None:
    customer = cbg_customer()
    code = phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)
    assert phone_code_state(code, ISSUED) == STATE_WAITING
    assert code.code_hash == ""
    assert not phone_code_valid(contract=customer.contract, code="12345678", now=LATER)


def test_the_revealed_code_is_stored_hashed_and_checks() -> None:
    customer = cbg_customer()
    code, raw = code_revealed(customer)
    digits = raw.replace(" ", "")
    assert len(digits) == 8
    assert digits.isdigit()
    stored = PhoneCode.objects.get(pk=code.pk)
    assert digits not in stored.code_hash
    assert stored.code_hash.startswith("md5$")
    assert stored.revealed_to == customer.manager
    assert phone_code_state(stored, LATER) == STATE_ACTIVE
    assert phone_code_valid(contract=customer.contract, code=raw, now=LATER)
    assert phone_code_valid(
        contract=customer.contract, code=f"{digits[:4]}-{digits[4:]}", now=LATER
    )
    wrong = str((int(digits) + 1) % 10**8).zfill(8)
    assert not phone_code_valid(contract=customer.contract, code=wrong, now=LATER)


def test_a_code_is_shown_only_once() -> None:
    customer = cbg_customer()
    code, _raw = code_revealed(customer)
    with pytest.raises(PhoneCodeRefused, match=r"was shown on .* and is not shown again"):
        phone_code_reveal(code=code, contact=customer.manager, now=LATER)


def test_only_the_customers_support_services_manager_sees_the_code() -> None:
    customer = cbg_customer()
    other = cbg_customer(reference="CBG-OTHER")
    code = phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)
    for contact in (customer.caller, other.manager):
        with pytest.raises(PhoneCodeRefused, match="Only the support services manager"):
            phone_code_reveal(code=code, contact=contact, now=ISSUED)


def test_rotation_withdraws_the_old_code_and_issues_a_new_one_that_waits() -> None:
    customer = cbg_customer()
    old, raw = code_revealed(customer)
    new = phone_code_rotate(contract=customer.contract, actor=customer.coordinator, now=LATER)
    old.refresh_from_db()
    assert (old.revoked_at, old.rotated) == (LATER, True)
    assert phone_code_state(new, LATER) == STATE_WAITING
    assert not phone_code_valid(contract=customer.contract, code=raw, now=LATER)
    _new, new_raw = phone_code_reveal(code=new, contact=customer.manager, now=LATER)
    assert phone_code_valid(contract=customer.contract, code=new_raw, now=LATER)


def test_a_revoked_code_opens_nothing_and_revoking_twice_keeps_the_first_time() -> None:
    customer = cbg_customer()
    code, raw = code_revealed(customer)
    phone_code_revoke(code=code, actor=customer.coordinator, now=LATER)
    phone_code_revoke(code=code, actor=customer.coordinator, now=LATER + timedelta(hours=1))
    assert code.revoked_at == LATER
    assert phone_code_state(code, LATER) == STATE_REVOKED
    assert not phone_code_valid(contract=customer.contract, code=raw, now=LATER)


def test_a_contract_has_one_live_code() -> None:
    customer = cbg_customer()
    phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)
    with pytest.raises(PhoneCodeRefused, match="already has a code"):
        phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=LATER)


def test_the_code_ends_with_the_contract() -> None:
    customer = cbg_customer()
    customer.contract.end_date = date(2026, 6, 30)
    customer.contract.save(update_fields=["end_date"])
    code, raw = code_revealed(customer)
    assert code.ends_at == datetime(2026, 6, 30, 21, 59, 59, tzinfo=UTC)
    assert phone_code_valid(contract=customer.contract, code=raw, now=code.ends_at - timedelta(1))
    assert not phone_code_valid(contract=customer.contract, code=raw, now=code.ends_at)


@pytest.mark.parametrize("package", ["basis", "standaard"])
def test_basis_and_standaard_get_no_out_of_hours_code(package: str) -> None:
    customer = cbg_customer(package)
    with pytest.raises(PhoneCodeRefused, match=r"during office hours|outside office hours"):
        phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)


def test_the_demo_gives_the_extra_customer_a_code_waiting_for_its_manager() -> None:
    """Once, however often the demo is seeded; the manager (Eva Smit) is in the demo data."""
    from collections import Counter

    from tickets.demo.phone_codes import EXTRA_CONTRACT, phone_codes_demo

    customer = cbg_customer(reference=EXTRA_CONTRACT)
    counts: Counter[str] = Counter()
    for _run in range(2):
        phone_codes_demo(staff={"coordinator": customer.coordinator}, now=LATER, counts=counts)
    code = PhoneCode.objects.get(contract=customer.contract)
    assert phone_code_state(code, LATER) == STATE_WAITING
    assert counts["out-of-hours phone codes"] == 1
