"""The timeline in words (issue #11 §5): every event kind the code writes has a sentence, data
reads as words in the page's language, and nothing shows a raw key or a dict."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from backoffice.event_sentences import SENTENCES, Names, event_sentence
from backoffice.timeline import LABELS, timeline
from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import Desk
from tests.tickets.helpers import create_ticket
from tickets.models import Line, Status, Ticket, TicketEvent
from tickets.services import (
    ticket_assign,
    ticket_mark_complete,
    ticket_set_line,
    ticket_transition,
)

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("tickets", "escalation", "intake", "backoffice", "notifications", "portal")
EVENT_WRITERS = {"_event", "_events", "TicketEvent"}


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _kinds_in(tree: ast.AST) -> set[str]:
    """`kind="..."` of TicketEvent(...) / TicketEvent.objects.create(...), and the kind argument
    of the services' `_event(ticket, "kind", ...)` / `_events(ids, "kind", ...)` helpers."""
    kinds: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        target = ast.unparse(func)
        writes_event = name in EVENT_WRITERS or target.startswith("TicketEvent.objects.")
        if not writes_event:
            continue
        for keyword in node.keywords:
            if keyword.arg == "kind" and _string(keyword.value):
                kinds.add(_string(keyword.value) or "")
        if name in ("_event", "_events") and len(node.args) > 1 and _string(node.args[1]):
            kinds.add(_string(node.args[1]) or "")
    return kinds


def emitted_kinds() -> set[str]:
    kinds: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            kinds |= _kinds_in(ast.parse(path.read_text(encoding="utf-8")))
    return kinds


def test_the_code_search_finds_the_known_event_kinds() -> None:
    kinds = emitted_kinds()

    assert {"created", "status_changed", "escalated", "rca_delivered"} <= kinds
    assert "customer_reply_seen" in kinds
    assert len(kinds) >= 30


def test_every_event_kind_written_in_the_code_has_a_sentence_and_a_label() -> None:
    kinds = emitted_kinds()

    assert sorted(kinds - set(SENTENCES)) == []
    assert sorted(kinds - set(LABELS)) == []


@pytest.mark.parametrize("kind", sorted(SENTENCES))
def test_each_sentence_reads_without_data_and_without_keys(kind: str) -> None:
    with override("en"):
        text = event_sentence(kind, {}, Names())

    assert text
    assert "_" not in text
    assert "{" not in text


def _event(ticket: Ticket, kind: str, data: dict[str, object]) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, data=data, created_at=timezone.now()
    )


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("step", "said"),
    [
        (1, "Nobody was on call; the escalation contact Sam was paged."),
        (3, "Nobody on call acknowledged; the escalation contact Sam was paged."),
    ],
)
def test_a_contact_paged_first_reads_as_a_rota_gap_not_as_nobody_answering(step, said) -> None:
    data = {"role": "escalation_contact", "name": "Sam", "step": step}
    assert event_sentence("oncall_paged", data, Names()) == said


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_an_escalation_reads_as_its_level_and_reason(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    data = {"escalation": 1, "level": 1, "reason": "critical_created", "recipients": ["a@x.nl"]}
    event = _event(ticket, "escalated", data)

    (row,) = timeline([event])

    assert row.label == "escalated"
    assert "Level 1 (first-line escalation): Critical / Sev 1 ticket created." in row.details
    assert "a@x.nl" in row.details
    assert "critical_created" not in row.details
    assert "reason:" not in row.details


@pytest.mark.django_db
def test_the_work_page_timeline_has_no_raw_keys_in_either_language(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(hours=1), priority_level="hoog")
    ticket_mark_complete(ticket=ticket, now=timezone.now(), actor=staff("first"))
    ticket_set_line(ticket=ticket, line=Line.SECOND, now=timezone.now(), actor=engineer)
    ticket_assign(ticket=ticket, assignee=engineer, now=timezone.now(), actor=engineer)
    ticket_transition(
        ticket=ticket,
        to_status=Status.IN_PROGRESS,
        now=timezone.now(),
        actor=engineer,
        reason="Gestart",
    )
    _event(ticket, "escalated", {"level": 1, "reason": "critical_created", "recipients": []})
    page = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    english = english_client(engineer).get(page).content.decode()
    dutch_client = Client()
    dutch_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch_client.force_login(engineer)
    dutch = dutch_client.get(page).content.decode()

    for html in (english, dutch):
        timeline_html = html[html.index('class="timeline"') :].split("</table>")[0]
        for raw in ("status_changed", "critical_created", "in_progress", "reason:", "{'"):
            assert raw not in timeline_html
    assert "Status changed from new to in progress." in english
    assert "Assigned to Second (was nobody)." in english
    assert "Moved from the first line to the second line." in english
    assert "Critical / Sev 1 ticket created" in english
    assert "in behandeling" in dutch
    assert "Kritiek / Sev 1-ticket aangemaakt" in dutch


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_times_in_the_data_are_localised_to_amsterdam(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    due = datetime(2026, 7, 1, 12, 30, tzinfo=UTC).isoformat()
    event = _event(ticket, "root_cause_recorded", {"resolution_due_at": due})

    with timezone.override(ZoneInfo("Europe/Amsterdam")):  # as the pages' middleware does
        (row,) = timeline([event])

    assert row.details == "Root cause recorded; the resolution is now due 1 Jul 2026 14:30."


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_an_unknown_kind_falls_back_to_words_not_a_dict(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    data = {"new_status": "waiting_for_customer", "details": {"was_shared": True}}
    event = _event(ticket, "sharing_flipped_over", data)

    (row,) = timeline([event])

    assert row.label == "sharing flipped over"
    assert row.details == "New status: waiting for customer; Details: was shared yes"
