"""With production settings (HTTPS enforced, ALLOWED_HOSTS of the site only), a load balancer
still gets /healthz over plain HTTP by the machine's address, and the logs are JSON lines by
default, carrying the request id the response names. A fresh interpreter: settings are read
from the environment once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_deploy_settings import _environment, _run

PROBE = """
import json, logging, django
django.setup()
from django.test import Client
client = Client()
probe = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
page = client.get("/portal/login/", HTTP_HOST="desk.example.com")
missing = client.get("/no-such-page/", HTTP_HOST="desk.example.com", secure=True)
print(json.dumps({
    "probe": probe.status_code,
    "page": page.status_code,
    "missing": [missing.status_code, missing["X-Request-ID"]],
}))
"""


def test_production_probes_answer_plain_http_and_logs_are_json(tmp_path: Path) -> None:
    result = _run(["-c", PROBE], _environment(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    # Python's own warnings (WhiteNoise: no static files collected here) are not log records.
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    logged = [json.loads(line) for line in lines]
    not_found = [line for line in logged if line["logger"] == "django.request"]
    assert (seen["probe"], seen["page"]) == (200, 301)
    assert seen["missing"][0] == 404
    assert [line["request_id"] for line in not_found] == [seen["missing"][1]]


def test_a_mistyped_metrics_network_stops_the_start(tmp_path: Path) -> None:
    env = _environment(tmp_path, METRICS_ALLOWED_NETWORKS="10.0.0.0/8,10.0.0.300/32")
    result = _run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "10.0.0.300/32" in result.stderr
