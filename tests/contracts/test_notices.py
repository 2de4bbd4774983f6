"""Recording a notice (D18): its effective end on the contract, refusals in nl/en with nothing
written."""

from datetime import UTC, date, datetime

import pytest

from contracts.exceptions import NoticeRefused
from contracts.models import Contract, ContractNotice, ContractStatus, NoticeParty
from contracts.services.notices import contract_notice_record
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 10, 15, 10, 0, tzinfo=UTC)


def onitnow(**kwargs):
    return ContractFactory(
        provider_code="onitnow",
        package_code="ons",
        start_date=date(2025, 2, 1),
        go_live_date=date(2025, 2, 1),
        renewal_date=date(2026, 2, 1),
        renewal_notice_deadline=date(2025, 12, 1),
        auto_renew=True,
        **kwargs,
    )


def cbg(**kwargs):
    return ContractFactory(provider_code="cbg", package_code="basis", **kwargs)


def record(contract, received_on, *, now=NOW, **kwargs):
    kwargs.setdefault("given_by", NoticeParty.CUSTOMER)
    return contract_notice_record(
        contract=contract, received_on=received_on, by=UserFactory(), now=now, **kwargs
    )


def test_onitnow_notice_in_time_ends_the_contract_at_the_renewal():
    contract = onitnow()

    notice = record(contract, date(2025, 10, 1))

    contract.refresh_from_db()
    assert (notice.effective_end, contract.end_date, contract.version) == (
        date(2026, 2, 1),
        date(2026, 2, 1),
        2,
    )


def test_cbg_notice_ends_the_month_when_14_days_before_its_end():
    contract = cbg()

    notice = record(contract, date(2025, 10, 15), now=datetime(2025, 10, 20, tzinfo=UTC))

    contract.refresh_from_db()
    assert (notice.effective_end, contract.end_date) == (date(2025, 10, 31), date(2025, 10, 31))


def test_cbg_late_notice_ends_the_next_month():
    contract = cbg()

    notice = record(contract, date(2025, 10, 18), now=datetime(2025, 10, 20, tzinfo=UTC))

    assert notice.effective_end == date(2025, 11, 30)


def _refused(contract, received_on, **kwargs):
    """The refusal's message; the contract and its notices are as they were."""
    before = (_dates(contract), ContractNotice.objects.filter(contract=contract).count())
    with pytest.raises(NoticeRefused) as refused:
        record(contract, received_on, **kwargs)
    assert (_dates(contract), ContractNotice.objects.filter(contract=contract).count()) == before
    return str(refused.value)


def _dates(contract):
    return Contract.objects.values_list("end_date", "version").get(pk=contract.pk)


@pytest.mark.usefixtures("english")
def test_onitnow_notice_after_the_deadline_is_refused_and_names_both_dates():
    contract = onitnow()

    message = _refused(contract, date(2025, 12, 2), now=datetime(2025, 12, 3, tzinfo=UTC))

    assert message == (
        "The deadline for the renewal of Feb. 1, 2026 was Dec. 1, 2025; the contract "
        "renews and the notice can be given for the next term (record it after the renewal)."
    )
    assert not ContractNotice.objects.exists()


def test_onitnow_notice_after_the_deadline_is_refused_in_dutch():
    contract = onitnow()

    message = _refused(contract, date(2025, 12, 2), now=datetime(2025, 12, 3, tzinfo=UTC))

    # Dates in the reader's language (the text follows once the Dutch catalogue is compiled).
    assert "1 februari 2026" in message
    assert "1 december 2025" in message


@pytest.mark.usefixtures("english")
def test_onitnow_notice_not_in_writing_is_refused():
    message = _refused(onitnow(), date(2025, 10, 1), in_writing=False)

    assert "only when it is given in writing" in message
    assert not ContractNotice.objects.exists()


@pytest.mark.usefixtures("english")
def test_notice_dated_in_the_future_is_refused():
    message = _refused(cbg(), date(2025, 10, 16))

    assert message.startswith("A notice cannot be dated in the future")
    assert not ContractNotice.objects.exists()


def test_notice_dated_in_the_future_is_refused_in_dutch():
    message = _refused(cbg(), date(2025, 10, 16))

    assert "16 oktober 2025" in message


@pytest.mark.usefixtures("english")
def test_second_notice_is_refused():
    contract = cbg()
    record(contract, date(2025, 10, 1))

    message = _refused(contract, date(2025, 10, 2))

    assert message.startswith(f"Contract {contract.reference} already has a notice")
    assert ContractNotice.objects.filter(contract=contract).count() == 1


@pytest.mark.usefixtures("english")
def test_notice_on_an_ended_contract_is_refused():
    contract = cbg(status=ContractStatus.ENDED, end_date=date(2025, 9, 30))

    message = _refused(contract, date(2025, 10, 1))

    assert message == f"Contract {contract.reference} has already ended; it takes no notice."
    assert not ContractNotice.objects.exists()


@pytest.mark.usefixtures("english")
def test_work_order_takes_no_notice():
    contract = ContractFactory(
        provider_code="microsoft", package_code="core", end_date=date(2026, 6, 30)
    )

    message = _refused(contract, date(2025, 10, 1))

    assert message == "A work order ends on its end date (June 30, 2026) and takes no notice."


def test_work_order_refusal_dates_its_end_in_dutch():
    contract = ContractFactory(
        provider_code="microsoft", package_code="core", end_date=date(2026, 6, 30)
    )

    assert "30 juni 2026" in _refused(contract, date(2025, 10, 1))


@pytest.mark.usefixtures("english")
def test_cbg_standaard_takes_no_notice():
    message = _refused(ContractFactory(provider_code="cbg", package_code="standaard"), NOW.date())

    assert message.startswith("The Standaard package has no notice terms")


def test_onitnow_notice_after_the_deadline_is_refused_in_dutch_words():
    message = _refused(onitnow(), date(2025, 12, 2), now=datetime(2025, 12, 3, tzinfo=UTC))

    assert message.startswith(
        "De uiterste opzegdatum voor de verlenging van 1 februari 2026 was 1 december 2025"
    )


def test_onitnow_notice_not_in_writing_is_refused_in_dutch():
    message = _refused(onitnow(), date(2025, 10, 1), in_writing=False)

    assert "alleen als ze schriftelijk is gedaan" in message


def test_notice_on_an_ended_contract_is_refused_in_dutch():
    contract = cbg(status=ContractStatus.ENDED, end_date=date(2025, 9, 30))

    assert "is al beëindigd" in _refused(contract, date(2025, 10, 1))
