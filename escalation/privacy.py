"""The escalation app's part of erasure and access export (issue #15 §3), registered with
`privacy.registry` in `EscalationConfig.ready()`: escalations and on-call pages of the
customer's tickets keep their levels, times and counts and lose the person's strings."""

from __future__ import annotations

from escalation.models import Escalation
from escalation.models_oncall import OnCallPage, OnCallPageStep
from privacy.export import ExportWriter, rows_data
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber


def escalation_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    on_tickets = {"ticket__customer_id": subject.customer_id}
    escalations = Escalation.objects.filter(**on_tickets)
    raised = {"raised_by_contact_id": subject.contact_id}
    text = ["recipients", "configuration_error", "acknowledged_by", "resolution_note", "fallbacks"]
    pages = OnCallPage.objects.filter(**on_tickets)
    return {
        "escalation.Escalation": scrubber.rows(escalations.filter(**raised), text, own=["note"])
        + scrubber.rows(escalations.exclude(**raised), [*text, "note"]),
        "escalation.OnCallPage": scrubber.rows(pages, ["reason", "acknowledged_by_name"]),
        "escalation.OnCallPageStep": scrubber.rows(
            OnCallPageStep.objects.filter(page__in=pages), ["name", "email", "phone", "pager_error"]
        ),
    }


def escalation_export(subject: Subject, writer: ExportWriter) -> None:
    """The escalations the person raised."""
    writer.json(
        "escalations/raised-by-you.json",
        rows_data(
            Escalation.objects.filter(raised_by_contact_id=subject.contact_id).order_by(
                "raised_at"
            ),
            ["ticket__number", "level", "note", "raised_at", "acknowledged_at", "resolved_at"],
        ),
    )
