"""The drill's verdict from what the clients saw, what the sink received and what the database
holds: report.json, report.md and chart.svg in the run's directory, the Markdown printed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ops.drill.beats import beat_lines
from ops.drill.chart import Series, line_chart
from ops.drill.collect import Samples
from ops.drill.faults import FaultLog
from ops.drill.protection import Protection
from ops.drill.topology import WEB, WORKERS
from ops.drill.verify import (
    ACCEPTED,
    REFUSED,
    DeliveryCheck,
    Operation,
    Window,
    exactly_once,
    never_doubled,
    per_day,
    percentile,
)

# Which table holds each kind's record.
TABLE = {
    "api_create": "tickets",
    "staff_create": "tickets",
    "portal_create": "tickets",
    "api_reply": "messages",
    "staff_reply": "messages",
    "mail_new": "inbound",
    "mail_reply": "inbound",
}


def _latencies(ops: Sequence[Operation], start: float, end: float) -> list[float]:
    return [
        ms
        for op in ops
        if (ms := op.latency_ms()) is not None and start <= op.attempts[0].started <= end
    ]


def _once_checks(
    ops: Sequence[Operation], found: dict[str, Counter[str]], windows: Sequence[Window]
) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    for table in ("tickets", "messages", "inbound"):
        accepted = [
            op.marker for op in ops if TABLE[op.kind] == table and op.outcome(windows) == ACCEPTED
        ]
        once = exactly_once(accepted, found[table])
        checks[table] = asdict(once) | {"ok": once.ok}
    return checks


def _latency(ops: Sequence[Operation]) -> dict[str, dict[str, Any]]:
    latency = {}
    for kind in sorted({op.kind for op in ops}):
        ms = [m for op in ops if op.kind == kind and (m := op.latency_ms()) is not None]
        latency[kind] = {
            "n": len(ms),
            "p50_ms": percentile(ms, 0.5),
            "p95_ms": percentile(ms, 0.95),
        }
    return latency


def verdict(
    ops: Sequence[Operation],
    found: dict[str, Counter[str]],
    delivery: DeliveryCheck,
    escalations: dict[str, Any],
    unfired: list[str],
    faults: FaultLog,
) -> dict[str, Any]:
    """Pass only when nothing accepted is lost or doubled, nothing failed outside a refusal,
    every mail went once (D12 apart) and every due escalation fired once."""
    windows = faults.windows
    outcomes = Counter((op.kind, op.outcome(windows)) for op in ops)
    checks = _once_checks(ops, found, windows)
    doubled_refused = {t: never_doubled(found[t]) for t in found}
    failed = [op for op in ops if op.outcome(windows) not in (ACCEPTED, REFUSED)]
    ok = (
        all(c["ok"] for c in checks.values())
        and delivery.ok
        and not failed
        and not any(doubled_refused.values())
        and escalations["doubled"] == 0
        and not unfired
        and not any(d["missing"] or d["doubled"] for d in escalations["due"].values())
    )
    return {
        "ok": ok,
        "outcomes": {f"{k}:{o}": n for (k, o), n in sorted(outcomes.items())},
        "exactly_once": checks,
        "doubled_without_acceptance": doubled_refused,
        "failed_requests": [op.marker for op in failed],
        "failure_samples": [
            f"{op.kind} {a.status} {a.detail}" for op in failed[:5] for a in op.attempts[-1:]
        ],
        "outbox": asdict(delivery) | {"ok": delivery.ok},
        "escalations": escalations | {"unfired_at_end_minus_margin": unfired},
        "latency": _latency(ops),
        "kill_windows": [asdict(w) for w in windows],
        "fault_notes": faults.notes,
    }


def capacity(
    ops: Sequence[Operation], arrivals: int, seconds: float, faults: FaultLog
) -> dict[str, int]:
    windows = faults.windows
    tickets = sum(
        1 for op in ops if TABLE[op.kind] == "tickets" and op.outcome(windows) == ACCEPTED
    )
    mails_in = sum(
        1 for op in ops if op.kind.startswith("mail") and op.outcome(windows) == ACCEPTED
    )
    return {
        "tickets_per_day_per_web_process": per_day(tickets, seconds, WEB),
        "mails_in_per_day_per_worker": per_day(mails_in, seconds, WORKERS),
        "mails_out_per_day_per_worker": per_day(arrivals, seconds, WORKERS),
    }


def protection_figures(
    ops: Sequence[Operation], shield: Protection, begin: float, end: float
) -> dict[str, Any]:
    during = _latencies(ops, shield.started, shield.ended)
    outside = _latencies(ops, begin, shield.started) + _latencies(ops, shield.ended, end)
    return asdict(shield) | {
        "p95_ms_during": percentile(during, 0.95),
        "p95_ms_outside": percentile(outside, 0.95),
        "requests_during": len(during),
    }


def write(
    out: Path, result: dict[str, Any], samples: Samples, faults: FaultLog, begin: float
) -> str:
    rows = samples.rows
    shaded = [(w.start - begin, w.end - begin, w.what) for w in faults.windows]
    out.joinpath("chart.svg").write_text(
        line_chart(
            "Sweep lag and outbox backlog (shaded: kill windows)",
            [
                Series("sweep lag (s)", [(t, lag) for t, lag, _, _ in rows]),
                Series("outbox backlog (rows)", [(t, float(b)) for t, _, b, _ in rows]),
                Series("oldest pending mail (s)", [(t, o) for t, _, _, o in rows]),
            ],
            shaded,
        )
    )
    result["samples"] = rows
    out.joinpath("report.json").write_text(json.dumps(result, indent=1, default=str))
    text = markdown(result)
    out.joinpath("report.md").write_text(text)
    return text


def _checks_table(v: dict[str, Any]) -> list[str]:
    lines = ["| check | checked | lost | doubled | ok |", "|---|---|---|---|---|"]
    for name, c in v["exactly_once"].items():
        counts = f"{c['checked']} | {len(c['lost'])} | {len(c['doubled'])}"
        lines.append(f"| {name} exactly once | {counts} | {c['ok']} |")
    o, e = v["outbox"], v["escalations"]
    unfired = e["unfired_at_end_minus_margin"]
    return [
        *lines,
        f"| outbox by Message-ID | {o['sent']} | {len(o['lost'])} | "
        f"{len(o['unexplained_duplicates'])} (+{len(o['d12_duplicates'])} D12) | {o['ok']} |",
        f"| escalations | {sum(e['by_reason'].values())} | {len(unfired)} | {e['doubled']} | "
        f"{not unfired and not e['doubled']} |",
        "",
        f"Escalations by reason: {e['by_reason']}",
        *[
            f"- {reason}: due by the end minus the margin on {d['due']} tickets, "
            f"missing {len(d['missing'])}, doubled {len(d['doubled'])}"
            for reason, d in e["due"].items()
        ],
        f"Failed requests: {len(v['failed_requests'])}; outcomes: {v['outcomes']}",
        *[f"- {s}" for s in v["failure_samples"]],
    ]


def _latency_table(v: dict[str, Any]) -> list[str]:
    lines = ["| kind | n | p50 ms | p95 ms |", "|---|---|---|---|"]
    for kind, lat in v["latency"].items():
        lines.append(f"| {kind} | {lat['n']} | {_ms(lat['p50_ms'])} | {_ms(lat['p95_ms'])} |")
    return lines


def _proxy_lines(p: dict[str, Any]) -> list[str]:
    alone = p["alone_page_ms"]
    alone_text = f"{alone:.0f} ms" if alone is not None else "no answer within 5 s"
    seconds = p["ended"] - p["started"]
    return [
        f"Proxy: {p['slow_clients']} uploads sending 8 bytes a second for {seconds:.0f} s,"
        f" a client that never ends its headers (closed by nginx after "
        f"{_ms(p['silent_closed_after'])} s) and a 300 MB upload ('{p['big_status']}' after "
        f"{p['big_seconds']:.1f} s, {p['big_bytes_sent'] // 2**20} MiB sent). "
        f"nginx logged {p['logged']} of these, passed {p['forwarded']} "
        f"on to gunicorn. The load's p95 meanwhile: {_ms(p['p95_ms_during'])} ms "
        f"({p['requests_during']} requests), otherwise {_ms(p['p95_ms_outside'])} ms.",
        f"Without the proxy: two slow uploads straight to one gunicorn (2 workers), then its login "
        f"page: {alone_text}.",
    ]


def markdown(r: dict[str, Any]) -> str:
    v = r["verdict"]
    windows = [f"- {w['what']}: {w['end'] - w['start']:.1f} s" for w in v["kill_windows"]]
    return "\n".join(
        [
            f"# Drill {r['mode']} — {'PASS' if v['ok'] else 'FAIL'}",
            "",
            f"Load {r['load_seconds']:.0f} s, {r['operations']} operations; output {r['out']}",
            "",
            *_checks_table(v),
            "",
            *_latency_table(v),
            "",
            "Kill windows (kill to 5 s after the process answers again):",
            *windows,
            *[f"- {n}" for n in v["fault_notes"]],
            f"- unplanned exits (restarted by the supervisor): {r['unplanned']}",
            "",
            *beat_lines(r["beats"]),
            f"Workers' queues: {r['worker_queues']}",
            f"Attachments and raw mail on object storage (moto): {r['objects']}",
            "",
            *_proxy_lines(r["protection"]),
            "",
            "Capacity (this machine, this mix, per process per day):",
            *[f"- {k}: {n}" for k, n in r["capacity"].items()],
            f"- outbox rows by state: {r['outbox_states']}; mail stored but not yet routed: "
            f"{r['intake_unrouted']}; client errors: {len(r['client_errors'])}",
            "",
        ]
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"
