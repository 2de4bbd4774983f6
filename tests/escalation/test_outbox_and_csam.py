"""The outbox sends each row once with its Message-ID, retries with a bound (D12), and the
CSAM's contract notices go out once per occasion (D11)."""

from datetime import date, timedelta

import pytest
from django.core import mail

from contracts.models import ContactRole, ContactRoleKind
from escalation.services.csam import csam_contract_notices
from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import Email, outbox_enqueue, outbox_send
from tests.factories import ContactFactory, ContractFactory, UserFactory
from tests.tickets.helpers import ams

pytestmark = pytest.mark.django_db

EMAIL = Email("ops@klant.example", "Ops", "nl", "[SD-1] onderwerp", "tekst\n", "<p>tekst</p>")


def _row(key="k1", **kwargs):
    return outbox_enqueue(key=key, email=EMAIL, now=ams("2026-06-08 10:00"), **kwargs)


def test_a_row_is_written_once_per_key():
    assert _row() is not None
    assert _row() is None
    assert OutboxEmail.objects.count() == 1


def test_sending_delivers_once_with_the_deterministic_message_id():
    row = _row()
    assert outbox_send(outbox_id=row.pk, now=ams("2026-06-08 10:00"))
    assert not outbox_send(outbox_id=row.pk, now=ams("2026-06-08 10:01"))
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    assert message.alternatives[0] == ("<p>tekst</p>", "text/html")
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.SENT, 1)


def test_a_row_is_not_sent_before_its_time():
    row = _row(send_after=ams("2026-06-08 08:30") + timedelta(days=1))
    assert not outbox_send(outbox_id=row.pk, now=ams("2026-06-08 10:00"))
    assert mail.outbox == []


def test_failures_back_off_and_stop_after_the_bound(settings):
    settings.EMAIL_BACKEND = "tests.escalation.failing_backend.FailingBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    row = _row()
    now = ams("2026-06-08 10:00")
    assert not outbox_send(outbox_id=row.pk, now=now)
    row.refresh_from_db()
    assert (row.state, row.send_after - now) == (OutboxState.PENDING, timedelta(seconds=30))
    assert "SMTP down" in row.last_error
    outbox_send(outbox_id=row.pk, now=row.send_after)
    row.refresh_from_db()
    outbox_send(outbox_id=row.pk, now=row.send_after)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 3)


@pytest.fixture
def ms_contract():
    return ContractFactory(
        provider_code="microsoft",
        package_code="core",
        csam=UserFactory(username="csam", email="csam@microsoft.example"),
        end_date=date(2026, 8, 20),
        renewal_notice_deadline=date(2026, 7, 1),
    )


def test_csam_contract_notices_go_out_once_per_occasion(ms_contract):
    # 8 Jun: work order ends 20 Aug (73 days: inside 75); notice deadline 1 Jul (23 days).
    assert csam_contract_notices(now=ams("2026-06-08 06:00")) == 2
    assert csam_contract_notices(now=ams("2026-06-08 07:00")) == 0
    assert csam_contract_notices(now=ams("2026-06-09 06:00")) == 0
    keys = sorted(OutboxEmail.objects.values_list("key", flat=True))
    assert keys == [
        f"csam-renewal-notice:{ms_contract.pk}:2026-07-01",
        f"csam-work-order-end:{ms_contract.pk}:2026-08-20",
    ]


def test_csam_hears_when_the_named_contact_limit_is_reached(ms_contract):
    for _ in range(10):
        ContactRole.objects.create(
            contact=ContactFactory(customer=ms_contract.customer),
            contract=ms_contract,
            role=ContactRoleKind.NAMED_CONTACT,
        )
    csam_contract_notices(now=ams("2026-04-01 06:00"))  # before the date windows
    (row,) = OutboxEmail.objects.all()
    assert row.key == f"csam-named-contact-limit:{ms_contract.pk}:10"
    assert "10 / 10" in row.body_text


def test_csam_hears_of_entitlements_that_will_lapse_unused(ms_contract):
    from decimal import Decimal

    from contracts.models import EntitlementMovement
    from contracts.selectors import entitlement_balances

    for quantity, reason in ((Decimal(40), "werkopdracht"), (Decimal(-15), "workshop")):
        EntitlementMovement.objects.create(
            contract=ms_contract,
            kind="proactive_credits",
            quantity=quantity,
            reason=reason,
            occurred_at=ams("2026-03-01 10:00"),
        )
    assert entitlement_balances(ms_contract) == {"proactive_credits": Decimal(25)}
    csam_contract_notices(now=ams("2026-07-20 06:00"))  # 31 days before the end: not yet
    assert not OutboxEmail.objects.filter(key__startswith="csam-entitlements-lapse").exists()
    csam_contract_notices(now=ams("2026-07-21 06:00"))
    csam_contract_notices(now=ams("2026-07-22 06:00"))
    (row,) = OutboxEmail.objects.filter(key__startswith="csam-entitlements-lapse")
    assert "credits: 25" in row.body_text


def test_a_row_whose_sender_dies_every_time_ends_failed(settings):
    from notifications.services.outbox import _claim

    settings.OUTBOX_MAX_ATTEMPTS = 2
    row = _row()
    now = ams("2026-06-08 10:00")
    for minute in (0, 5):  # two sends that never finish (the worker was killed)
        assert _claim(row.pk, now + timedelta(minutes=minute)) is not None
    assert not outbox_send(outbox_id=row.pk, now=now + timedelta(minutes=10))
    row.refresh_from_db()
    assert (row.state, row.attempts, mail.outbox) == (OutboxState.FAILED, 2, [])
    assert "unfinished attempts" in row.last_error


def test_a_claimed_row_waits_for_its_lease(settings):
    from notifications.services.outbox import _claim

    row = _row()
    now = ams("2026-06-08 10:00")
    assert _claim(row.pk, now) is not None
    assert not outbox_send(outbox_id=row.pk, now=now + timedelta(seconds=60))
    assert outbox_send(outbox_id=row.pk, now=now + timedelta(seconds=120))
    assert len(mail.outbox) == 1
