"""The reports app's part of erasure (issue #15 §3): a kept review pack of the person's
customer loses the person's strings (a name typed into a ticket subject, a cause, a title) in its
JSON and is drawn again, so what was sent can still be shown, without them; its figures do not
change. Registered with `privacy.registry` in `ReportsConfig.ready()`."""

from __future__ import annotations

from contracts.models import Contract
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber
from reports.services.packs import review_packs_redact


def reports_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    contracts = Contract.objects.filter(customer_id=subject.customer_id)
    changed = review_packs_redact(
        contract_ids=list(contracts.values_list("pk", flat=True)), redact=scrubber.value
    )
    return {"reports.ReviewPack": changed}
