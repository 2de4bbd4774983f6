"""The drill's verdict over a whole run (ops.drill.report): one doubled or lost record, an
unexplained duplicate mail or a missing escalation fails it; the report renders either way."""

from collections import Counter
from typing import Any

from ops.drill.faults import FaultLog
from ops.drill.protection import Protection
from ops.drill.report import capacity, markdown, protection_figures, verdict
from ops.drill.verify import Attempt, DeliveryCheck, Operation, Window

KILL = Window("web1", 50.0, 60.0)
DELIVERED = DeliveryCheck(sent=2, once=2, lost=[], d12_duplicates=[], unexplained_duplicates=[])
NO_ESCALATION_DUE: dict[str, Any] = {"by_reason": {}, "doubled": 0, "due": {}}


def _ops() -> list[Operation]:
    return [
        Operation("api_create", "t-1", [Attempt(10, 10.1, 201, True)]),
        Operation("portal_create", "t-2", [Attempt(55, 55.1, 502, False)]),  # refused
        Operation("mail_new", "m-1", [Attempt(20, 20.05, 250, True, smtp=True)]),
        Operation("api_reply", "r-1", [Attempt(30, 30.2, 201, True)]),
    ]


def _found(**changes: Counter[str]) -> dict[str, Counter[str]]:
    found = {
        "tickets": Counter({"t-1": 1}),
        "messages": Counter({"r-1": 1}),
        "inbound": Counter({"m-1": 1}),
    }
    return found | changes


def _faults() -> FaultLog:
    return FaultLog(windows=[KILL])


def test_a_run_where_every_accepted_request_left_one_record_passes() -> None:
    result = verdict(_ops(), _found(), DELIVERED, NO_ESCALATION_DUE, [], _faults())

    assert result["ok"]
    assert result["outcomes"]["portal_create:refused"] == 1


def test_a_refused_request_that_left_two_records_fails_the_run() -> None:
    found = _found(tickets=Counter({"t-1": 1, "t-2": 2}))

    assert not verdict(_ops(), found, DELIVERED, NO_ESCALATION_DUE, [], _faults())["ok"]


def test_a_lost_mail_a_stray_duplicate_or_a_missing_escalation_fails_the_run() -> None:
    stray = DeliveryCheck(2, 1, [], [], ["<x>"])
    missing = NO_ESCALATION_DUE | {"due": {"critical_created": {"missing": ["7"], "doubled": []}}}

    assert not verdict(
        _ops(), _found(inbound=Counter()), DELIVERED, NO_ESCALATION_DUE, [], _faults()
    )["ok"]
    assert not verdict(_ops(), _found(), stray, NO_ESCALATION_DUE, [], _faults())["ok"]
    assert not verdict(_ops(), _found(), DELIVERED, missing, [], _faults())["ok"]
    assert not verdict(_ops(), _found(), DELIVERED, NO_ESCALATION_DUE, ["would fire"], _faults())[
        "ok"
    ]


def test_the_report_renders_the_checks_latency_and_the_proxy() -> None:
    ops = _ops()
    result = {
        "mode": "short",
        "out": "var/drill/x",
        "load_seconds": 75.0,
        "operations": len(ops),
        "verdict": verdict(ops, _found(), DELIVERED, NO_ESCALATION_DUE, [], _faults()),
        "protection": protection_figures(ops, Protection(started=5, ended=25), 0, 75),
        "capacity": capacity(ops, 2, 75.0, _faults()),
        "unplanned": [],
        "outbox_states": {"sent": 2},
        "intake_unrouted": 0,
        "client_errors": [],
        "beats": {
            "lock_acquired_at": {"beat0": [0.2]},
            "max_sweep_lag_after_kill": {},
            "max_sweep_lag": 4.0,
        },
        "worker_queues": {0: "escalation,celery"},
        "objects": {"rows": 1, "missing": [], "ok": True},
    }

    text = markdown(result)

    assert text.startswith("# Drill short — PASS")
    assert "| api_create | 1 | 100 | 100 |" in text
    assert "no answer within 5 s" in text
    assert "lock taken at (s after the load's start) {'beat0': [0.2]}" in text
