"""The reasons `escalation.services.oncall.oncall_page_open` is called with, while the real
service still pages: the on-call service opens one page per ticket while it waits for an
acknowledgement, so a 24x7 ticket's own page may already stand for a later reason's call."""

from __future__ import annotations

from datetime import datetime

import pytest

from escalation.models import OnCallPage
from tickets.models import Ticket


def oncall_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from escalation.services import oncall

    called: list[str] = []
    real = oncall.oncall_page_open

    def spy(*, ticket: Ticket, now: datetime, reason: str) -> OnCallPage:
        called.append(reason)
        return real(ticket=ticket, now=now, reason=reason)

    monkeypatch.setattr(oncall, "oncall_page_open", spy)
    return called
