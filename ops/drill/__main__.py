"""``python -m ops.drill [--short] [--out DIR]``: start, load, break, drain, verify. Exit 0 only
when nothing accepted was lost or doubled; 2 when the drill could not run."""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ops.drill import collect, load, objects, report, topology
from ops.drill.beats import beat_figures
from ops.drill.faults import FaultLog, faults_run
from ops.drill.procs import DrillError, Supervisor, install_signal_handlers
from ops.drill.protection import Protection, gunicorn_alone, nginx_log_read, protection_run
from ops.drill.sink import arrivals
from ops.drill.verify import Window, delivered_once

# mode -> load seconds, clients, pause between a client's requests, Critical response target
MODES = {"short": (75, 4, 0.25, "30s", "1m"), "long": (600, 6, 0.2, "3m", "5m")}
KNOBS = {
    "OUTBOX_RELAY_SECONDS": "5",
    "ESCALATION_SWEEP_SECONDS": "5",
    "ESCALATION_SWEEP_LEASE_SECONDS": "15",
    "OUTBOX_SEND_LEASE_SECONDS": "20",
    "OUTBOX_PUBLISH_PAUSE_SECONDS": "5",
    "OUTBOX_CATCHUP_PER_MINUTE": "6000",
    "API_IDEMPOTENCY_LEASE_SECONDS": "10",
    "API_RATE_LIMIT": "6000/min",
    "WEBHOOK_RELAY_SECONDS": "30",
}
DRAIN_SECONDS = 90
MARGIN_SECONDS = 30  # a sweep every 5 s, a killed sweep's lease of 15 s


def interruptions(faults: FaultLog, sup: Supervisor) -> list[Window]:
    """What may cut a send between the SMTP server's 250 and the row's commit: a worker killed
    (on purpose, or crashed and noticed up to a second later), PgBouncer away."""
    cuts = [Window("worker kill", t, t) for t in faults.worker_kills]
    cuts += [Window(f"{name} exit", t - 1.0, t) for t, name in sup.unplanned if "worker" in name]
    return cuts + [w for w in faults.windows if w.what == "pgbouncer"]


def drain(deadline: float) -> None:
    """Until no mail is due and unsent, and the sweep has nothing overdue (bounded)."""
    while time.monotonic() < deadline:
        lag, backlog, _ = collect.query(collect.SAMPLE_SQL)[0]
        if backlog == 0 and lag < 10:
            return
        time.sleep(1)


def run(mode: str, out: Path) -> dict[str, Any]:
    response, resource = MODES[mode][3:]
    sup = Supervisor()
    with tempfile.TemporaryDirectory(prefix="drill-") as name:
        tmp = Path(name)
        (tmp / "logs").mkdir()
        ports = topology.ports_choose()
        env = topology.environment(ports, tmp, KNOBS)
        catalogue = topology.catalogue_make(tmp / "catalogue", response, resource)
        print("drill: database (migrate, catalogue, seed)", flush=True)
        topology.database_create(env, catalogue, tmp / "seed.json")
        try:
            print("drill: starting the topology", flush=True)
            topology.topology_start(sup, ports, tmp, env)
            sup.watch(restart_after=3.0)
            run = _load(sup, ports, tmp, mode)
            result = _verify(run, sup, tmp, env, mode) | {"out": str(out)}
            result["beats"] = beat_figures(
                tmp / "logs", run.faults.windows, run.samples.rows, run.begin
            )
            result["worker_queues"] = dict(enumerate(topology.WORKER_QUEUES))
            print(report.write(out, result, run.samples, run.faults, run.begin), flush=True)
            return result
        finally:
            sup.stopping.set()
            sup.stop_all()
            if (tmp / "sink.sqlite3").exists():
                (out / "sink.sqlite3").write_bytes((tmp / "sink.sqlite3").read_bytes())
            for log in (tmp / "logs").iterdir():
                (out / "logs").mkdir(exist_ok=True)
                (out / "logs" / log.name).write_bytes(log.read_bytes()[-2_000_000:])


@dataclass
class Run:
    """What the load left for the verification."""

    shared: load.Shared
    faults: FaultLog
    samples: collect.Samples
    shield: Protection
    begin: float
    end: float = 0.0


def _load(sup: Supervisor, ports: topology.Ports, tmp: Path, mode: str) -> Run:
    """The clients, the sampler, the faults and the proxy's shield together; then the same
    slow uploads straight to one gunicorn, then the drain."""
    seconds, clients, pause, _, _ = MODES[mode]
    seed = json.loads((tmp / "seed.json").read_text())
    shared = load.Shared(ports.nginx, ports.intake, seed, f"DRL{secrets.token_hex(3)}")
    run = Run(shared, FaultLog(), collect.Samples(), Protection(), time.time())
    stop = threading.Event()
    print(f"drill: load for {seconds} s with faults", flush=True)
    threads = load.clients_run(shared, clients, pause, stop)
    sampling = threading.Event()  # on through the drain: the chart shows the catching up
    sampler = collect.sampler_run(run.begin, 2.0, sampling, run.samples)
    fault_thread = faults_run(sup, seconds, stop, collect.in_flight, run.faults)
    time.sleep(seconds * 0.05)
    run.shield = protection_run(ports.nginx, min(20.0, max(15.0, seconds * 0.1)))
    time.sleep(max(0.0, run.begin + seconds - time.time()))
    fault_thread.join(timeout=60)  # a restart in progress finishes first
    stop.set()
    for thread in threads:
        thread.join(timeout=40)
    run.end = time.time()
    gunicorn_alone(ports.webs[0], run.shield)
    nginx_log_read(tmp / "logs" / "nginx-access.log", run.shield)
    print("drill: draining", flush=True)
    drain(time.monotonic() + DRAIN_SECONDS)
    sampling.set()
    sampler.join(timeout=10)
    sup.stop_all([n for n in sup.procs if n.startswith(("beat", "worker"))])
    return run


def _verify(run: Run, sup: Supervisor, tmp: Path, env: dict[str, str], mode: str) -> dict[str, Any]:
    ports_objects = int(env["OBJECT_STORAGE_ENDPOINT_URL"].rsplit(":", 1)[1])
    ops = list(run.shared.operations)
    arrived = arrivals(str(tmp / "sink.sqlite3"))
    sent, states = collect.outbox_rows()
    result: dict[str, Any] = {
        "mode": mode,
        "load_seconds": run.end - run.begin,
        "operations": len(ops),
        "outbox_states": states,
        "intake_unrouted": collect.intake_unrouted(),
        "unplanned": [f"{name} at +{t - run.begin:.0f} s" for t, name in sup.unplanned],
        "client_errors": run.shared.errors,
    }
    result["verdict"] = report.verdict(
        ops,
        collect.marker_counts(run.shared.tag, objects.object_reader(ports_objects)),
        delivered_once(sent, arrived, interruptions(run.faults, sup)),
        collect.escalation_figures() | {"due": collect.escalations_due(run.end, MARGIN_SECONDS)},
        collect.unfired_at(run.end - MARGIN_SECONDS, env),
        run.faults,
    )
    portal = [op for op in ops if op.kind == "portal_create" and any(a.ok for a in op.attempts)]
    rows = [r[0] for r in collect.query(objects.ROW_SQL, f"{run.shared.tag}%")]
    raw_rows = [r[0] for r in collect.query(objects.RAW_SQL)]
    keys = objects.bucket_keys(ports_objects)
    stored = objects.objects_check(rows, raw_rows, keys, len(portal))
    result["objects"] = stored
    result["verdict"]["ok"] = result["verdict"]["ok"] and not run.shared.errors and stored["ok"]
    result["protection"] = report.protection_figures(ops, run.shield, run.begin, run.end)
    mails_out = sum(map(len, arrived.values()))
    result["capacity"] = report.capacity(ops, mails_out, run.end - run.begin, run.faults)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="the CI version (about 2 minutes)")
    parser.add_argument("--out", help="output directory (default var/drill/<timestamp>)")
    args = parser.parse_args()
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out or topology.ROOT / "var" / "drill" / stamp)
    out.mkdir(parents=True, exist_ok=True)
    install_signal_handlers()
    try:
        result = run("short" if args.short else "long", out)
    except (DrillError, OSError, subprocess.SubprocessError) as exc:
        print(f"drill: could not run: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("drill: interrupted; every process it started is stopped", file=sys.stderr)
        return 130
    return 0 if result["verdict"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
