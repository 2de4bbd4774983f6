"""`make run` (servicedesk/run.py) prints the ports its processes really bind."""

import socket
from collections.abc import Iterator

import pytest

from servicedesk import run


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something already listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture
def started(monkeypatch) -> dict:
    """main() as far as starting honcho: what it would exec, with which environment."""
    seen: dict = {}

    def execve(path, args, env):
        seen.update(path=path, args=args, env=env)

    monkeypatch.setattr(run.os, "execve", execve)
    monkeypatch.setattr(run.environ.Env, "read_env", lambda *a, **k: None)
    for name in ("SERVICEDESK_PORT", "INTAKE_SMTP_PORT", "SITE_URL", "INTAKE_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    return seen


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_prints_and_passes_the_web_port_set_in_the_environment(started, monkeypatch, capsys):
    port = free_port()
    monkeypatch.setenv("SERVICEDESK_PORT", str(port))

    assert run.main() == 0

    out = capsys.readouterr().out
    assert f"http://127.0.0.1:{port}/portal/" in out
    assert f"http://127.0.0.1:{port}/admin/" in out
    assert started["env"]["SERVICEDESK_PORT"] == str(port)
    assert started["env"]["SITE_URL"] == f"http://127.0.0.1:{port}"
    assert started["args"][1:3] == ["start", "-f"]


def test_run_prints_the_smtp_port_it_gives_the_intake(started, monkeypatch, capsys):
    smtp = free_port()
    monkeypatch.setenv("INTAKE_SMTP_PORT", str(smtp))

    run.main()

    assert f"SMTP intake      127.0.0.1:{smtp}" in capsys.readouterr().out
    assert started["env"]["INTAKE_SMTP_PORT"] == str(smtp)


def test_run_refuses_a_port_set_in_the_environment_that_is_taken(
    started, monkeypatch, capsys, busy_port
):
    monkeypatch.setenv("SERVICEDESK_PORT", str(busy_port))

    assert run.main() == 2

    assert f"port {busy_port} is already in use" in capsys.readouterr().err
    assert started == {}  # nothing started


def test_a_taken_default_port_moves_to_the_next_free_one_and_says_so():
    taken = {8000, 8001, 2525}

    plan = run.run_plan({}, is_free=lambda port: port not in taken)

    assert plan.env["SERVICEDESK_PORT"] == "8002"
    assert plan.env["INTAKE_SMTP_PORT"] == "2526"
    assert plan.env["SITE_URL"] == "http://127.0.0.1:8002"
    text = run.banner(plan)
    assert "http://127.0.0.1:8002/portal/" in text
    assert "127.0.0.1:2526" in text
    assert "port 8000 is in use, so the web uses 8002" in text


def test_a_default_port_that_is_free_is_used_as_is():
    plan = run.run_plan({}, is_free=lambda port: True)

    assert (plan.env["SERVICEDESK_PORT"], plan.env["INTAKE_SMTP_PORT"]) == ("8000", "2525")
    assert plan.notes == ()


def test_web_and_smtp_never_get_the_same_port():
    plan = run.run_plan({"INTAKE_SMTP_PORT": ""}, is_free=lambda port: True)
    smtp_on_8000 = run.run_plan({"SERVICEDESK_PORT": "2525"}, is_free=lambda port: True).env[
        "INTAKE_SMTP_PORT"
    ]

    assert plan.env["SERVICEDESK_PORT"] != plan.env["INTAKE_SMTP_PORT"]
    assert smtp_on_8000 == "2526"


def test_a_site_url_set_in_the_environment_is_kept():
    plan = run.run_plan({"SITE_URL": "https://desk.example.com"}, is_free=lambda port: True)

    assert plan.env["SITE_URL"] == "https://desk.example.com"


def test_run_detects_a_port_something_listens_on(busy_port):
    assert not run.port_free(busy_port)
    assert run.port_free(free_port())
