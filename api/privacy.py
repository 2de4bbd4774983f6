"""The API's part of erasure (issue #15 §3): answers kept for an `Idempotency-Key` retry that
name the person, or that their own tokens or login got, are removed (they are kept a day only;
a retry after the erasure runs as a new request). Registered in `ApiConfig.ready()`; the
person's tokens themselves are contracts rows (`privacy.contacts`)."""

from __future__ import annotations

from api.models import IdempotencyRecord
from contracts.models import ApiToken
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber


def api_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    tokens = ApiToken.objects.filter(contact_id=subject.contact_id).values_list("pk", flat=True)
    callers = {f"token:{pk}" for pk in tokens}
    if subject.user_id is not None:
        callers.add(f"user:{subject.user_id}")
    doomed = [
        record.pk
        for record in IdempotencyRecord.objects.only("pk", "caller_key", "headers", "body")
        if record.caller_key in callers
        or scrubber.mentions(record.body)
        or scrubber.mentions(record.headers)
    ]
    removed, _per_model = IdempotencyRecord.objects.filter(pk__in=doomed).delete()
    return {"api.IdempotencyRecord (removed)": removed}
