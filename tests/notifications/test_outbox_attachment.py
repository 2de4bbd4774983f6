"""An outbox mail with a stored file attached (issue #15 §2): written with the path, sent with
the file's bytes, and retried when the file cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import Email, EmailAttachment, outbox_enqueue, outbox_send

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


def pack_email(path: str) -> Email:
    return Email(
        to_email="ssm@provider.example",
        to_name="Stefan",
        language="nl",
        subject="Pakket",
        body_text="Zie bijlage.",
        body_html="<p>Zie bijlage.</p>",
        attachment=EmailAttachment(path, "pakket.pdf", "application/pdf"),
    )


def test_the_stored_file_is_sent_as_an_attachment():
    path = default_storage.save("review-packs/test.pdf", ContentFile(b"%PDF-1.7 test"))
    row = outbox_enqueue(key="attach-1", email=pack_email(path), now=NOW)
    assert outbox_send(outbox_id=row.pk, now=NOW) is True
    (sent,) = mail.outbox
    assert sent.attachments == [("pakket.pdf", b"%PDF-1.7 test", "application/pdf")]
    assert sent.alternatives[0][1] == "text/html"


def test_a_missing_file_leaves_the_mail_pending_for_a_retry():
    row = outbox_enqueue(key="attach-2", email=pack_email("review-packs/missing.pdf"), now=NOW)
    assert outbox_send(outbox_id=row.pk, now=NOW) is False
    row = OutboxEmail.objects.get(pk=row.pk)
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert mail.outbox == []
