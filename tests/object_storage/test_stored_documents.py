"""Other stored files on object storage (issue 17): the outbox reads its attachment from the
bucket, a kept review pack's PDF is one object, and an RCA report and an AEM event's assessment
are reached through their back-office pages, never by a link to the object."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import outbox_enqueue, outbox_send
from reports.models import ReviewPack
from reports.periods import period_parse
from reports.services.packs import (
    PackResult,
    review_pack_pdf_bytes,
    review_pack_pdf_of,
    review_pack_store,
)
from tests.aem_support import microsoft_contract, planned_event
from tests.factories import CustomerFactory, UserFactory
from tests.notifications.test_outbox_attachment import pack_email
from tests.object_storage.conftest import ObjectStore
from tests.reports.world import AFTER, pack_world
from tests.tickets.helpers import ams
from tickets.models import Problem, ProblemOrigin
from tickets.services.problems import problem_attach_rca, problem_open

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n% RCA certificaat verlopen\n"
NOVEMBER = period_parse("2026-11")


def test_an_outbox_mail_is_sent_with_its_file_read_from_the_bucket(s3: ObjectStore) -> None:
    path = default_storage.save("review-packs/2026-11.pdf", ContentFile(PDF))
    assert path in s3.names()
    row = outbox_enqueue(key="s3-attach-1", email=pack_email(path), now=NOW)

    assert outbox_send(outbox_id=row.pk, now=NOW) is True

    (sent,) = mail.outbox
    assert sent.attachments == [("pakket.pdf", PDF, "application/pdf")]


def test_an_object_missing_from_the_bucket_leaves_the_mail_pending(s3: ObjectStore) -> None:
    row = outbox_enqueue(key="s3-attach-2", email=pack_email("review-packs/weg.pdf"), now=NOW)

    assert outbox_send(outbox_id=row.pk, now=NOW) is False

    row = OutboxEmail.objects.get(pk=row.pk)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert mail.outbox == []


@pytest.fixture
def problem(s3: ObjectStore) -> Problem:
    """A problem with its RCA report in the bucket."""
    coordinator = UserFactory(is_superuser=True, is_staff=True)
    opened = problem_open(
        title="Certificaat verlopen",
        customer=CustomerFactory(),
        tickets=[],
        origin=ProblemOrigin.COORDINATOR,
        product="",
        now=NOW,
        actor=coordinator,
    )
    problem_attach_rca(
        problem=opened, file=SimpleUploadedFile("rca.pdf", PDF), now=NOW, actor=coordinator
    )
    opened.refresh_from_db()
    assert opened.rca_report.name in s3.names()
    return opened


def test_the_rca_report_is_linked_to_and_streamed_by_the_problems_page(
    problem: Problem, s3: ObjectStore, client
) -> None:
    client.force_login(User.objects.get(is_superuser=True))

    page = client.get(f"/admin/tickets/problem/{problem.pk}/change/")
    download = client.get(f"/admin/tickets/problem/{problem.pk}/rca/")

    assert page.status_code == 200
    assert f'href="/admin/tickets/problem/{problem.pk}/rca/"' in page.content.decode()
    assert s3.endpoint not in page.content.decode()
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_rca_report_is_not_given_to_staff_without_the_right(problem: Problem, client) -> None:
    client.force_login(UserFactory(is_staff=True))

    download = client.get(f"/admin/tickets/problem/{problem.pk}/rca/")

    assert download.status_code == 403
    assert PDF not in download.content


def test_the_aem_events_assessment_is_linked_to_and_streamed_by_the_events_page(
    s3: ObjectStore, client
) -> None:
    event = planned_event(
        microsoft_contract("azure-event-management"),
        "2026-05-04",
        "2026-05-08",
        now=ams("2026-03-02 10:00"),
    )
    event.assessment_filename, event.assessment_content_type = "capaciteit.txt", "text/plain"
    event.assessment_file.save("capaciteit.txt", ContentFile(b"Capaciteit: ruim."), save=True)
    assert event.assessment_file.name in s3.names()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(f"/admin/contracts/aemevent/{event.pk}/change/")
    download = client.get(f"/admin/contracts/aemevent/{event.pk}/assessment/")

    assert page.status_code == 200
    link = f'<a href="/admin/contracts/aemevent/{event.pk}/assessment/">capaciteit.txt</a>'
    assert link in page.content.decode()
    assert s3.endpoint not in page.content.decode()
    assert b"".join(download.streaming_content) == b"Capaciteit: ruim."
    assert download["Content-Disposition"] == 'attachment; filename="capaciteit.txt"'


def test_a_kept_review_packs_pdf_is_one_object_whoever_renders_it(s3: ObjectStore) -> None:
    """Two renderings of one pack (two workers): the loser of the compare-and-set removes its
    own object, so the bucket holds exactly the PDF the row names."""
    world = pack_world()
    stale = review_pack_store(contract=world.contract, period=NOVEMBER, language="nl", now=AFTER)

    kept = review_pack_pdf_of(ReviewPack.objects.get(pk=stale.pk))
    again = review_pack_pdf_of(stale)  # still without its checksum: renders, loses, removes

    assert again.pdf.name == kept.pdf.name
    assert [n for n in s3.names() if n.startswith("review-packs/")] == [kept.pdf.name]
    pdf = review_pack_pdf_bytes(PackResult(data=kept.data, stored=kept))
    assert pdf == s3.read(kept.pdf.name)
    assert pdf.startswith(b"%PDF")
