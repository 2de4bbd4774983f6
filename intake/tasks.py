"""Celery tasks of the intake: thin, one service call each."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from intake.imap import ImapConfigurationError, imap_poll, mailbox_from_url
from intake.services.receive import inbound_retry_stuck

log = logging.getLogger(__name__)


@shared_task(name="intake.tasks.imap_poll_all_task")
def imap_poll_all_task() -> int:
    """Poll every configured mailbox; one failing mailbox does not stop the others."""
    taken = 0
    for url in settings.INTAKE_IMAP_MAILBOXES:
        try:
            box = mailbox_from_url(url)
        except ImapConfigurationError as exc:  # e.g. clear-text IMAP to another host
            log.error("IMAP mailbox not polled: %s", exc)
            continue
        try:
            taken += imap_poll(box, timezone.now())
        except Exception:
            log.exception("IMAP poll of %s failed", box.name)
    return taken


@shared_task(name="intake.tasks.inbound_retry_stuck_task")
def inbound_retry_stuck_task() -> int:
    return inbound_retry_stuck(now=timezone.now())
