"""The portal's part of erasure and access export (issue #15 §3): the login attempts django-axes
recorded under the person's login name (lock-outs, failures, the access log) are removed; the
export lists them. Registered with `privacy.registry` in `PortalConfig.ready()`."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Q

from privacy.export import ExportWriter, rows_data
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber

MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def _theirs(subject: Subject) -> Q:
    """Axes records "<door>:<name typed>": the email or the login name, in any case."""
    q = Q(username__iendswith=f":{subject.email}") | Q(username__iexact=subject.email)
    if subject.username:
        q |= Q(username__iendswith=f":{subject.username}") | Q(username__iexact=subject.username)
    return q


def portal_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    return {
        f"axes.{model.__name__} (removed)": model.objects.filter(_theirs(subject)).delete()[0]
        for model in MODELS
    }


def portal_export(subject: Subject, writer: ExportWriter) -> None:
    writer.json(
        "logins/log.json",
        rows_data(
            AccessLog.objects.filter(_theirs(subject)).order_by("attempt_time"),
            ["attempt_time", "logout_time", "ip_address", "user_agent"],
        ),
    )
    writer.json(
        "logins/failures.json",
        rows_data(
            AccessFailureLog.objects.filter(_theirs(subject)).order_by("attempt_time"),
            ["attempt_time", "ip_address", "user_agent", "locked_out"],
        ),
    )
