"""The production topology on loopback, in a private directory: nginx in front of two gunicorn,
PgBouncer (transaction pooling, DATABASE_POOLING=pgbouncer) in front of PostgreSQL, a private Redis
(broker, cache and the beat's lock), three Celery workers on named queues, each queue consumed by
two of them (so killing one leaves every queue served), two beats of which celery-redbeat's lock
lets one tick (the other takes over when it dies), an SMTP sink and the SMTP intake."""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ops.drill.objects import object_env, store_start
from ops.drill.procs import DrillError, Proc, Supervisor, free_port, http_answers, port_answers

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# Its own database, dropped and made afresh each run; DRILL_DATABASE lets two drills (a CI
# run's short one and a long one by hand) share one PostgreSQL server.
_NAME = os.environ.get("DRILL_DATABASE", "servicedesk_drill")
DATABASE = _NAME if re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", _NAME) else "servicedesk_drill"
# Each queue (servicedesk/queues.py) on two of the three workers: one killed leaves none unserved.
WORKER_QUEUES = (
    "escalation,notifications,celery",
    "notifications,intake,reports",
    "escalation,intake,celery,reports",
)
# The beat lock's timeout: the standby beat takes over within this many seconds of a kill.
REDBEAT_LOCK_SECONDS = 10
WEB, WORKERS, BEATS = 2, 3, 2


@dataclass
class Ports:
    nginx: int
    webs: list[int]
    pgbouncer: int
    redis: int
    sink: int
    intake: int
    objects: int


def ports_choose() -> Ports:
    return Ports(
        free_port(),
        [free_port() for _ in range(WEB)],
        free_port(),
        free_port(),
        free_port(),
        free_port(),
        free_port(),
    )


def catalogue_make(target: Path, response: str, resource: str) -> Path:
    """The catalogue with Microsoft Advanced's Critical target shortened to minutes, so its
    warnings and breaches fall due during the drill (the drill's database only)."""
    shutil.copytree(ROOT / "catalogue", target)
    path = target / "microsoft.toml"
    text = path.read_text()
    block = '  response = "1h"\n  attention = "1h"\n  critical_resource = "1h"\n'
    if block not in text:
        raise DrillError("microsoft.toml's Critical target changed: update ops/drill/topology")
    short = f'  response = "{response}"\n  attention = "{response}"\n'
    path.write_text(text.replace(block, short + f'  critical_resource = "{resource}"\n', 1))
    return target


def environment(ports: Ports, tmp: Path, knobs: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    run_id = secrets.token_hex(4)
    env.update(
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        PYTHONPATH=str(ROOT),
        SERVICEDESK_ENV="production",
        DJANGO_SECRET_KEY=f"drill-only-{secrets.token_urlsafe(32)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{ports.pgbouncer}/{DATABASE}",
        DATABASE_POOLING="pgbouncer",  # no server-side cursors nor prepared statements
        DB_CONN_MAX_AGE="0",  # PgBouncer pools; a process holds no connection between uses
        CELERY_BROKER_URL=f"redis://127.0.0.1:{ports.redis}/0",
        CACHE_URL=f"redis://127.0.0.1:{ports.redis}/1",
        # celery-redbeat (a Redis broker turns it on): keys of this run only, a short lock.
        REDBEAT_KEY_PREFIX=f"drill-{run_id}",
        REDBEAT_LOCK_TIMEOUT=str(REDBEAT_LOCK_SECONDS),
        CELERY_BROKER_KEY_PREFIX=f"drill-{run_id}:",
        EMAIL_URL=f"smtp://127.0.0.1:{ports.sink}",
        EMAIL_TIMEOUT="10",
        SITE_URL=f"http://127.0.0.1:{ports.nginx}",
        TRUSTED_PROXY_COUNT="1",
        SERVICEDESK_VAR_DIR=str(tmp / "var"),
        INTAKE_AUTHSERV_ID="drill.local",
        INTAKE_RECEIPTS_PER_HOUR="100000",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="json",
        **object_env(ports.objects),
        **knobs,
    )
    return env


def database_create(env: dict[str, str], catalogue: Path, seed_out: Path) -> None:
    """A fresh database: migrated, the drill's catalogue loaded, the drill's people seeded
    (directly on PostgreSQL: PgBouncer is not started yet)."""
    psql = ["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_ADMIN, "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"], check=True)
    subprocess.run([*psql, f"CREATE DATABASE {DATABASE}"], check=True)
    direct = dict(env, DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}")
    direct["CATALOGUE_DIR"] = str(catalogue)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for argv in ([*manage, "migrate", "--noinput", "-v0"], [*manage, "load_catalog", "-v0"]):
        subprocess.run(
            argv, env=direct, check=True, cwd=ROOT, timeout=600, stdout=subprocess.DEVNULL
        )
    seed = [sys.executable, "-m", "ops.drill.seed", str(seed_out)]
    subprocess.run(seed, env=direct, check=True, cwd=ROOT, timeout=300)


def nginx_conf(ports: Ports, tmp: Path) -> Path:
    upstream = "\n".join(f"    server 127.0.0.1:{p} max_fails=0;" for p in ports.webs)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""worker_processes 1;
error_log {tmp}/logs/nginx-error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 512; }}
http {{
  log_format drill '$remote_addr [$time_local] "$request" $status $request_length '
                   '"$http_user_agent" $request_time $upstream_addr';
  access_log {tmp}/logs/nginx-access.log drill;
  client_body_temp_path {tmp}/nginx-body; proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fcgi; uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  client_max_body_size 30m;
  client_body_timeout 10s; client_header_timeout 10s; send_timeout 10s;
  upstream desk {{
{upstream}
    keepalive 8;
  }}
  server {{
    listen 127.0.0.1:{ports.nginx};
    location / {{
      proxy_pass http://desk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_request_buffering on;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s; proxy_read_timeout 60s;
    }}
  }}
}}
"""
    )
    return conf


def pgbouncer_ini(ports: Ports, tmp: Path) -> Path:
    users = tmp / "userlist.txt"
    users.write_text('"postgres" ""\n')
    ini = tmp / "pgbouncer.ini"
    ini.write_text(
        f"""[databases]
{DATABASE} = host=127.0.0.1 port=5432 dbname={DATABASE} user=postgres
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {ports.pgbouncer}
unix_socket_dir =
auth_type = trust
auth_file = {users}
pool_mode = transaction
max_client_conn = 300
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
"""
    )
    os.chmod(tmp, 0o755)
    for path in (users, ini):
        os.chmod(path, 0o644)
    return ini


def _stores_start(sup: Supervisor, ports: Ports, tmp: Path, env: dict[str, str]) -> None:
    logs = tmp / "logs"
    pgbouncer = ["/usr/sbin/pgbouncer", str(pgbouncer_ini(ports, tmp))]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        pgbouncer = ["runuser", "-u", "postgres", "--", *pgbouncer]
    ready = functools.partial(port_answers, ports.pgbouncer)
    sup.add(Proc("pgbouncer", pgbouncer, env, logs / "pgbouncer.log", ready))
    redis = ["redis-server", "--bind", "127.0.0.1", "--port", str(ports.redis)]
    redis += ["--save", "", "--appendonly", "no", "--dir", str(tmp)]
    ready = functools.partial(port_answers, ports.redis)
    sup.add(Proc("redis", redis, env, logs / "redis.log", ready))
    # The sink answers after 0.2 s: sends are in flight long enough for a kill to cut one.
    sink = [sys.executable, "-m", "ops.drill.sink", str(ports.sink), str(tmp / "sink.sqlite3")]
    ready = functools.partial(port_answers, ports.sink)
    sup.add(Proc("sink", [*sink, "0.2"], env, logs / "sink.log", ready, ROOT))
    store_start(sup, ports.objects, VENV_BIN / "moto_server", env, logs / "objects.log")


def _web_start(sup: Supervisor, ports: Ports, tmp: Path, env: dict[str, str]) -> None:
    logs = tmp / "logs"
    for n, port in enumerate(ports.webs):
        argv = [str(VENV_BIN / "gunicorn"), "servicedesk.wsgi", f"--bind=127.0.0.1:{port}"]
        argv += ["-c", "python:servicedesk.gunicorn_config"]
        argv += ["--workers=2", "--timeout=30", "--graceful-timeout=5"]
        argv += [f"--access-logfile={logs}/web{n}-access.log"]
        ready = functools.partial(http_answers, f"http://127.0.0.1:{port}/readyz")
        sup.add(Proc(f"web{n}", argv, env, logs / f"web{n}.log", ready, ROOT))
    nginx = ["/usr/sbin/nginx", "-p", str(tmp), "-c", str(nginx_conf(ports, tmp))]
    ready = functools.partial(http_answers, f"http://127.0.0.1:{ports.nginx}/readyz")
    sup.add(Proc("nginx", [*nginx, "-g", "daemon off;"], env, logs / "nginx.log", ready))


def _background_start(sup: Supervisor, ports: Ports, tmp: Path, env: dict[str, str]) -> None:
    logs = tmp / "logs"
    celery = [str(VENV_BIN / "celery"), "-A", "servicedesk"]
    for n, queues in enumerate(WORKER_QUEUES):
        argv = [*celery, "worker", "-Q", queues, "--concurrency=2", f"--hostname=w{n}@drill"]
        argv += ["--without-gossip", "--without-mingle", "--loglevel=WARNING"]
        sup.add(Proc(f"worker{n}", argv, env, logs / f"worker{n}.log", lambda: True, ROOT))
    for n in range(BEATS):
        # redbeat: the lock in Redis picks the one that ticks; INFO logs its "Acquired lock"
        # (no pid file: a killed beat restarts at once).
        argv = [*celery, "beat", "--loglevel=INFO", f"--schedule={tmp}/beat{n}-schedule"]
        beat_env = dict(env, LOG_LEVEL="INFO")
        log = logs / f"beat{n}.log"
        sup.add(Proc(f"beat{n}", [*argv, "--pidfile="], beat_env, log, lambda: True, ROOT))
    intake = [sys.executable, "manage.py", "smtp_intake", "--port", str(ports.intake)]
    ready = functools.partial(port_answers, ports.intake)
    sup.add(Proc("intake", intake, env, logs / "intake.log", ready, ROOT))


def topology_start(sup: Supervisor, ports: Ports, tmp: Path, env: dict[str, str]) -> None:
    """The stores first, then the web behind nginx, then the workers, beats and intake."""
    _stores_start(sup, ports, tmp, env)
    _web_start(sup, ports, tmp, env)
    _background_start(sup, ports, tmp, env)
