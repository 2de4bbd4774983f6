"""The monthly review pack mail (issue #15 §2): from the first working day of the month on the
provider's calendar, last month's pack goes to the contract's CSAM and the service support
managers, each in their language with the PDF attached, exactly once."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from notifications.models import OutboxEmail, StaffProfile
from notifications.services.outbox import outbox_send
from reports.models import ReviewPack
from reports.services.mail import first_working_day, review_packs_monthly
from tests.factories import ContractFactory, UserFactory
from tests.tickets.helpers import ams

pytestmark = pytest.mark.django_db
NEW_YEAR = ams("2027-01-01 09:00")  # a holiday, then a weekend
FIRST_WORKING_DAY = ams("2027-01-04 07:00")


@pytest.fixture
def contract():
    csam = UserFactory(username="pack-csam", email="csam@provider.example")
    StaffProfile.objects.create(user=csam, language="en")
    ssm = UserFactory(username="pack-ssm", email="ssm@provider.example")
    ssm.groups.add(Group.objects.get(name="Service support manager"))
    return ContractFactory(provider_code="onitnow", package_code="ons", csam=csam)


def test_the_first_working_day_follows_the_providers_calendar(contract):
    assert first_working_day(contract, date(2027, 1, 1)) == date(2027, 1, 4)


def test_nothing_goes_before_the_first_working_day(contract):
    assert review_packs_monthly(now=NEW_YEAR) == 0
    assert OutboxEmail.objects.count() == 0


def test_the_csam_and_the_ssm_get_last_months_pack_in_their_language(contract):
    review_packs_monthly(now=FIRST_WORKING_DAY)
    rows = {row.to_email: row for row in OutboxEmail.objects.all()}
    assert set(rows) == {"csam@provider.example", "ssm@provider.example"}
    assert rows["csam@provider.example"].language == "en"
    assert rows["ssm@provider.example"].language == "nl"
    assert rows["csam@provider.example"].attachment_name.endswith("-2026-12-en.pdf")
    assert sorted(ReviewPack.objects.values_list("language", flat=True)) == ["en", "nl"]


def test_a_second_run_sends_nothing(contract):
    review_packs_monthly(now=FIRST_WORKING_DAY)
    review_packs_monthly(now=ams("2027-01-04 08:00"))
    assert OutboxEmail.objects.count() == 2


def test_a_job_that_missed_the_first_working_day_catches_up_later_in_the_month(contract):
    review_packs_monthly(now=ams("2027-01-12 10:00"))
    assert OutboxEmail.objects.count() == 2


def test_the_sent_mail_carries_the_kept_pdf(contract):
    review_packs_monthly(now=FIRST_WORKING_DAY)
    row = OutboxEmail.objects.get(to_email="csam@provider.example")
    stored = ReviewPack.objects.get(language="en")
    assert outbox_send(outbox_id=row.pk, now=FIRST_WORKING_DAY) is True
    (sent,) = mail.outbox
    (name, content, content_type) = sent.attachments[0]
    assert (name, content_type) == (row.attachment_name, "application/pdf")
    assert content == stored.pdf.open("rb").read()
    assert "December 2026" in sent.subject


def test_a_contract_that_started_this_month_gets_no_pack_for_last_month(contract):
    contract.start_date = date(2027, 1, 1)
    contract.save(update_fields=["start_date"])
    assert review_packs_monthly(now=FIRST_WORKING_DAY) == 0
