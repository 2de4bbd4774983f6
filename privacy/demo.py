"""The demo's data-subject requests (issue #15 §3): Tom Visser of Hollands Retail asked what
the desk holds about him (answered: the export is ready to download), and Kees van Dijk, who
left, asked to be erased (waiting for a coordinator's confirmation on its request page).
Idempotent: nothing is added when the demo has requests already."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth.models import User

from contracts.models import Contact
from privacy.models import DataSubjectRequest, ReceivedVia, RequestKind
from privacy.services.exports import dsr_export_build
from privacy.services.requests import dsr_record

ACCESS_EMAIL = "tom.visser@hollandsretail.example"
ERASURE_EMAIL = "kees.vandijk@hollandsretail.example"


def privacy_demo_seed(*, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    people = {c.email: c for c in Contact.objects.filter(email__in=[ACCESS_EMAIL, ERASURE_EMAIL])}
    coordinator = User.objects.filter(username="coordinator").first()
    if len(people) < 2 or DataSubjectRequest.objects.filter(contact__in=people.values()).exists():
        return counts
    access = dsr_record(
        contact=people[ACCESS_EMAIL],
        kind=RequestKind.ACCESS,
        received_at=now - timedelta(days=3),
        received_via=ReceivedVia.EMAIL,
        note="Vraagt per mail welke gegevens wij van hem hebben.",
        actor=coordinator,
        now=now - timedelta(days=3),
        reference="DEMO01",
    )
    if coordinator is not None:
        dsr_export_build(request=access, actor=coordinator, now=now - timedelta(days=2))
    dsr_record(
        contact=people[ERASURE_EMAIL],
        kind=RequestKind.ERASURE,
        received_at=now - timedelta(days=1),
        received_via=ReceivedVia.LETTER,
        note="Uit dienst; vraagt per brief om verwijdering van zijn gegevens.",
        actor=coordinator,
        now=now - timedelta(days=1),
        reference="DEMO02",
    )
    counts["data-subject requests"] = 2
    return counts
