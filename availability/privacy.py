"""The availability app's part of erasure (issue #15 §3): outages and planned maintenance on
the customer's services keep their times, exclusions and figures and lose the person's strings
in their texts; an announcement to the person stays a row (who was told is counted), pointing at
the pseudonymised contact. Registered with `privacy.registry` in `AvailabilityConfig.ready()`."""

from __future__ import annotations

from availability.models import Outage, PlannedMaintenance
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber


def availability_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    services = {"service__contract__customer_id": subject.customer_id}
    planned = PlannedMaintenance.objects.filter(services__contract__customer_id=subject.customer_id)
    return {
        "availability.Outage": scrubber.rows(Outage.objects.filter(**services), ["description"]),
        "availability.PlannedMaintenance": scrubber.rows(
            planned, ["title", "description", "override_reason"]
        ),
    }
