"""Contract versions, moving to a new catalogue release and the logged recompute (D3)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from contracts.exceptions import ContractsError
from contracts.services.catalogue import catalogue_load
from contracts.services.contracts import contract_package_upgrade, contract_version_bump
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.services import ticket_sla_rebase

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _load_onitnow_with_top_response(tmp_path: Path, response: str) -> None:
    text = (Path(settings.CATALOGUE_DIR) / "onitnow.toml").read_text(encoding="utf-8")
    copy = tmp_path / "onitnow.toml"
    copy.write_text(text.replace('response = "1h"', f'response = "{response}"'), encoding="utf-8")
    catalogue_load(paths=[copy], now=datetime(2026, 6, 1, tzinfo=UTC))


@pytest.mark.parametrize(("changed", "version"), [(["end_date"], 2), ([], 1), (["version"], 1)])
def test_a_changed_contract_gets_a_new_version(changed, version):
    contract = ContractFactory()
    assert contract_version_bump(contract=contract, changed=changed).version == version


def test_a_new_release_reaches_a_contract_only_when_moved_explicitly(tmp_path):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    _load_onitnow_with_top_response(tmp_path, "2h")
    stays = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    assert local(stays.response_due_at) == "2026-06-01 10:00 +0200"
    contract = contract_package_upgrade(contract=contract)
    assert (contract.package.release.version, contract.version) == (2, 2)
    moved = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    assert local(moved.response_due_at) == "2026-06-01 11:00 +0200"
    assert moved.contract_version == 2


def test_recomputing_an_open_ticket_is_explicit_and_logged(tmp_path):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 09:00"), priority_level="top")
    _load_onitnow_with_top_response(tmp_path, "2h")
    contract_package_upgrade(contract=contract)
    ticket = ticket_sla_rebase(
        ticket=ticket, reason="nieuwe voorwaarden", actor=UserFactory(), now=ams("2026-06-01 09:30")
    )
    assert local(ticket.response_due_at) == "2026-06-01 11:00 +0200"
    event = ticket.events.get(kind="sla_recomputed")
    assert (event.data["before"]["contract_version"], event.data["after"]["contract_version"]) == (
        1,
        2,
    )


def test_moving_is_refused_when_the_package_left_the_catalogue(tmp_path):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    text = (Path(settings.CATALOGUE_DIR) / "onitnow.toml").read_text(encoding="utf-8")
    copy = tmp_path / "onitnow.toml"
    renamed = text.replace('"ons"', '"ons2026"').replace(" ons = ", " ons2026 = ")
    copy.write_text(renamed, encoding="utf-8")
    catalogue_load(paths=[copy], now=datetime(2026, 6, 1, tzinfo=UTC))
    with pytest.raises(ContractsError, match="has no package 'ons'"):
        contract_package_upgrade(contract=contract)


def test_the_admin_action_moves_selected_contracts(tmp_path, admin_client):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    _load_onitnow_with_top_response(tmp_path, "2h")
    response = admin_client.post(
        "/admin/contracts/contract/",
        {"action": "move_to_current_catalogue", "_selected_action": [contract.pk]},
        follow=True,
    )
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.package.release.version == 2
