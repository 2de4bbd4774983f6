"""The SSRF guard: internal addresses are refused, at registration and at every send, and a
send connects to the address that was checked."""

import pytest

from notifications.exceptions import WebhookTargetRefused
from notifications.models import WebhookEndpoint
from notifications.services.webhooks import targets
from notifications.services.webhooks.endpoints import WebhookEndpointInput, webhook_endpoint_create
from notifications.services.webhooks.targets import address_refusal, webhook_post, webhook_target
from tests.factories import ContractFactory
from tests.notifications.webhook_helpers import Receiver, free_port, receiving
from tests.tickets.helpers import ams

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(autouse=True)
def _private_targets_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.1.2.3:8000/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("http://192.168.0.10:8080/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://100.64.0.1/hook", "non-public"),
        ("http://localhost/hook", "loopback"),
    ],
)
def test_an_internal_address_is_refused(url, kind):
    with pytest.raises(WebhookTargetRefused, match=f"a {kind} address") as refused:
        webhook_target(url)
    assert refused.value.code == "webhook_target_refused"
    assert refused.value.field == "url"


def test_a_name_that_resolves_to_loopback_is_refused(monkeypatch):
    monkeypatch.setattr(targets, "_resolve", lambda host, port: ["93.184.215.14", "127.0.0.1"])
    with pytest.raises(WebhookTargetRefused, match=r"hooks\.example\.com resolves to 127\.0\.0\.1"):
        webhook_target("https://hooks.example.com/in")


def test_an_address_literal_is_named_once():
    with pytest.raises(WebhookTargetRefused) as refused:
        webhook_target("http://10.0.0.5/")
    assert str(refused.value) == (
        "10.0.0.5 is a private address; webhooks are only sent to public addresses."
    )


def test_a_public_address_is_accepted(monkeypatch):
    monkeypatch.setattr(targets, "_resolve", lambda host, port: ["93.184.215.14"])
    target = webhook_target("https://hooks.example.com/in?source=desk")
    assert (target.host, target.port, target.path, target.address) == (
        "hooks.example.com",
        443,
        "/in?source=desk",
        "93.184.215.14",
    )


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/", "file:///etc/passwd", "https://user:pw@hooks.example.com/"],
)
def test_only_plain_http_and_https_addresses_are_accepted(url):
    with pytest.raises(WebhookTargetRefused):
        webhook_target(url)


def test_ipv4_inside_ipv6_is_judged_as_the_ipv4_address():
    assert address_refusal("::ffff:169.254.169.254") == "link-local"
    assert address_refusal("2002:7f00:1::") == "loopback"  # 6to4 of 127.0.0.1
    assert address_refusal("64:ff9b::a00:1") == "private"  # NAT64 of 10.0.0.1
    assert address_refusal("2606:4700:4700::1111") is None


@pytest.mark.django_db
def test_registering_an_internal_address_is_refused_with_a_clear_message():
    contract = ContractFactory()
    with pytest.raises(WebhookTargetRefused, match="webhooks are only sent to public addresses"):
        webhook_endpoint_create(
            data=WebhookEndpointInput(url="http://169.254.169.254/", events=["ticket.created"]),
            provider=contract.provider,
            now=ams("2026-06-08 10:00"),
        )
    assert not WebhookEndpoint.objects.exists()


def test_a_send_to_an_internal_address_is_refused_without_a_connection():
    receiver = Receiver(port=free_port())
    with receiving(receiver):
        outcome = webhook_post(receiver.url, {}, b"{}")
    assert outcome.status_code is None
    assert "loopback" in outcome.error
    assert receiver.requests == []


def test_a_send_connects_to_the_checked_address_and_names_the_host(settings, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and that address is connected to; a
    second answer cannot move the connection elsewhere."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    answers = iter([["127.0.0.1"], ["203.0.113.9"]])
    monkeypatch.setattr(targets, "_resolve", lambda host, port: next(answers))
    receiver = Receiver(port=free_port())
    with receiving(receiver):
        outcome = webhook_post(f"http://hooks.example.test:{receiver.port}/in", {}, b"{}")
    assert outcome.status_code == 204
    assert receiver.requests[0].headers["host"] == f"hooks.example.test:{receiver.port}"
