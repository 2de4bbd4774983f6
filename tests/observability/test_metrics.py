"""/metrics (issue #17 §1): who may scrape, and that the figures say what the database and the
broker hold; the request-latency histogram counts requests by route name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import OperationalError, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kombu import Queue

from intake.models import InboundMessage, Outcome
from notifications.models import OutboxEmail, OutboxState
from servicedesk.observability.gauges import queue_names
from tests.escalation.conftest import free_port
from tests.factories import ContractFactory, named_contact
from tests.observability.conftest import REDIS_URL, redis_client, sample
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def scrape(client: Client | None = None, **extra: str) -> str:
    response = (client or Client()).get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.content.decode()


def test_a_client_outside_the_allowed_networks_is_refused(settings) -> None:
    settings.METRICS_TOKEN = ""
    response = Client().get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403


def test_behind_our_proxy_the_forwarded_client_counts_not_the_proxy(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 403


def test_a_wrong_or_empty_token_is_refused(settings) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    client = Client()
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    settings.METRICS_TOKEN = ""
    empty = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")
    assert (wrong.status_code, empty.status_code) == (403, 403)


@pytest.mark.django_db
def test_the_token_opens_metrics_from_anywhere(settings) -> None:
    settings.METRICS_TOKEN = "s3cret-token"
    text = scrape(REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert sample(text, "servicedesk_database_up") == 1.0


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_sweep_lag_is_how_far_the_oldest_due_check_lies_behind() -> None:
    contact = named_contact(ContractFactory())
    overdue = create_ticket(contact, NOW - timedelta(hours=1))
    later = create_ticket(contact, NOW - timedelta(hours=1))
    Ticket.objects.update(next_check_at=None)
    Ticket.objects.filter(pk=overdue.pk).update(next_check_at=NOW - timedelta(seconds=120))
    Ticket.objects.filter(pk=later.pk).update(next_check_at=NOW + timedelta(seconds=60))
    assert sample(scrape(), "servicedesk_escalation_sweep_lag_seconds") == 120.0


def _outbox(key: str, *, send_after: datetime, state: str = OutboxState.PENDING) -> OutboxEmail:
    return OutboxEmail.objects.create(
        key=key,
        message_id=f"<{key}@obs.test>",
        to_email="someone@example.com",
        subject=key,
        body_text="x",
        body_html="<p>x</p>",
        created_at=NOW - timedelta(hours=1),
        send_after=send_after,
        state=state,
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_outbox_backlog_oldest_pending_and_failed_sends() -> None:
    OutboxEmail.objects.all().delete()
    _outbox("due-1", send_after=NOW - timedelta(seconds=30))
    _outbox("due-2", send_after=NOW - timedelta(seconds=10))
    _outbox("later", send_after=NOW + timedelta(minutes=5))
    _outbox("sent", send_after=NOW - timedelta(hours=1), state=OutboxState.SENT)
    _outbox("gave-up", send_after=NOW - timedelta(hours=1), state=OutboxState.FAILED)
    text = scrape()
    assert sample(text, "servicedesk_outbox_backlog") == 2.0
    assert sample(text, "servicedesk_outbox_oldest_pending_seconds") == 30.0
    assert sample(text, "servicedesk_outbox_failed") == 1.0


# What a stored message needs besides its key, arrival and outcome.
_RAW = {"sha256": "0" * 64, "size": 1, "raw": b"x", "transport": "pipe"}


def _inbound(key: str, *, received_at: datetime, outcome: str) -> InboundMessage:
    return InboundMessage.objects.create(
        dedupe_key=key, message_id=key, received_at=received_at, outcome=outcome, **_RAW
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_intake_lag_is_the_age_of_the_oldest_unrouted_message() -> None:
    _inbound("routed-long-ago", received_at=NOW - timedelta(days=2), outcome=Outcome.TRIAGE)
    _inbound("waiting", received_at=NOW - timedelta(seconds=300), outcome=Outcome.RECEIVED)
    assert sample(scrape(), "servicedesk_intake_lag_seconds") == 300.0


@pytest.mark.django_db
def test_with_nothing_waiting_every_lag_is_zero() -> None:
    text = scrape()
    assert [
        sample(text, f"servicedesk_{name}")
        for name in ("escalation_sweep_lag_seconds", "intake_lag_seconds", "webhook_backlog")
    ] == [0.0, 0.0, 0.0]


@pytest.mark.django_db
def test_a_scrape_only_reads() -> None:
    with CaptureQueriesContext(connections["default"]) as queries:
        scrape()
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements
    assert set(statements) == {"SELECT"}


@pytest.mark.django_db
def test_a_failing_database_is_a_zero_not_an_error(monkeypatch) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    text = scrape()
    assert sample(text, "servicedesk_database_up") == 0.0
    assert sample(text, "servicedesk_outbox_backlog") is None


@pytest.mark.django_db
def test_queue_depths_on_redis_count_every_priority_of_each_named_queue(settings) -> None:
    client = redis_client()
    keys = ["celery", "escalation", "escalation\x06\x163"]
    client.delete(*keys)
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ROUTES = {"escalation.tasks.*": {"queue": "escalation"}}
    try:
        client.rpush("celery", "a", "b", "c")
        client.rpush("escalation", "d")
        client.rpush("escalation\x06\x163", "e")
        text = scrape()
    finally:
        client.delete(*keys)
    assert sample(text, "servicedesk_broker_up") == 1.0
    assert sample(text, "servicedesk_broker_queue_depth", queue="celery") == 3.0
    assert sample(text, "servicedesk_broker_queue_depth", queue="escalation") == 2.0


@pytest.mark.django_db
def test_queue_depths_on_redis_read_under_the_brokers_key_prefix(settings) -> None:
    client = redis_client()
    client.delete("obs-desk:intake")
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": "obs-desk:"}
    try:
        client.rpush("obs-desk:intake", "a", "b")
        text = scrape()
    finally:
        client.delete("obs-desk:intake")
    assert sample(text, "servicedesk_broker_queue_depth", queue="intake") == 2.0


@pytest.mark.django_db
def test_queue_depths_on_the_filesystem_broker_count_waiting_files(settings, tmp_path) -> None:
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    for name in ("1_a.celery.msg", "2_b.celery.msg", "3_c.other.msg"):
        (tmp_path / name).write_bytes(b"{}")
    assert sample(scrape(), "servicedesk_broker_queue_depth", queue="celery") == 2.0


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_is_a_zero(settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    text = scrape()
    assert sample(text, "servicedesk_broker_up") == 0.0
    assert sample(text, "servicedesk_broker_queue_depth", queue="celery") is None


def _counted(client: Client, paths: list[str], **labels: str) -> float:
    """How many more requests the histogram holds with `labels` after getting `paths`."""
    name = "servicedesk_http_request_duration_seconds_count"
    before = sample(scrape(client), name, **labels) or 0.0
    for path in paths:
        client.get(path)
    return (sample(scrape(client), name, **labels) or 0.0) - before


@pytest.mark.django_db
def test_the_latency_histogram_counts_a_request_by_its_route_name() -> None:
    labels = {"method": "GET", "route": "portal:login", "status": "2xx"}
    assert _counted(Client(), ["/portal/login/"], **labels) == 1.0


@pytest.mark.django_db
def test_an_unknown_path_is_one_label_whatever_the_path() -> None:
    labels = {"method": "GET", "route": "unmatched", "status": "4xx"}
    assert _counted(Client(), ["/no-such-page-1/", "/no-such-page-2/"], **labels) == 2.0


def test_the_queues_come_from_every_shape_of_the_settings(settings) -> None:
    settings.CELERY_TASK_QUEUES = [Queue("intake"), Queue("celery")]
    settings.CELERY_TASK_ROUTES = [
        {"escalation.tasks.*": {"queue": "escalation"}},
        {"reports.tasks.*": "reports", "usage.tasks.*": Queue("reports")},
    ]
    assert queue_names() == ["celery", "escalation", "intake", "reports"]


def test_without_named_queues_there_is_celery(settings) -> None:
    settings.CELERY_TASK_QUEUES = None
    settings.CELERY_TASK_ROUTES = None
    assert queue_names() == ["celery"]
