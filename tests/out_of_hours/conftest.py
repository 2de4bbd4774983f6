"""Fixtures of the out-of-hours tests: the on-call pager recorded, codes hashed fast."""

from __future__ import annotations

import importlib
import sys
import types

import pytest

from tests.out_of_hours.support import PagerRecorder


@pytest.fixture
def pager(monkeypatch: pytest.MonkeyPatch) -> PagerRecorder:
    """escalation.services.oncall as the out-of-hours service imports it at call time."""
    recorder = PagerRecorder()
    try:
        module = importlib.import_module("escalation.services.oncall")
    except ImportError:  # built beside this work: a stand-in module until it is there
        module = types.ModuleType("escalation.services.oncall")
        monkeypatch.setitem(sys.modules, "escalation.services.oncall", module)
    monkeypatch.setattr(module, "oncall_page_open", recorder.oncall_page_open, raising=False)
    return recorder


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outbox rows are written; nothing is handed to a broker."""
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
