"""System checks of the intake configuration (issue #10 §6): `manage.py check` and every
management command refuse a clear-text IMAP mailbox on another machine."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register()
def imap_mailboxes_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from intake.imap import mailbox_problems

    return [
        Error(problem, hint="Fix INTAKE_IMAP_MAILBOXES.", id="intake.E001")
        for problem in mailbox_problems(list(settings.INTAKE_IMAP_MAILBOXES))
    ]
