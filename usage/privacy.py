"""The usage app's part of erasure (issue #15 §3): billable lines keep their quantities and
amounts (invoices were made of them) and lose the person's strings in their descriptions.
Registered with `privacy.registry` in `UsageConfig.ready()`."""

from __future__ import annotations

from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber
from usage.models import BillingLine


def usage_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    lines = BillingLine.objects.filter(contract__customer_id=subject.customer_id)
    return {"usage.BillingLine": scrubber.rows(lines, ["description"])}
