"""Standard Webhooks signatures: the published vector, rotation with two secrets, tampering."""

from datetime import timedelta

import pytest

from notifications.models import WebhookEndpoint
from notifications.services.webhooks.delivery import signing_secrets
from notifications.services.webhooks.endpoints import webhook_secret_rotate
from notifications.services.webhooks.signing import (
    SignedRequest,
    webhook_secret_generate,
    webhook_sign,
    webhook_signature_header,
    webhook_signature_verify,
)
from tests.factories import ContractFactory
from tests.notifications.webhook_helpers import provider_endpoint
from tests.tickets.helpers import ams

# The test vector published with the Standard Webhooks reference libraries.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _request(signature: str, body: bytes = SPEC_BODY, timestamp: int = SPEC_TIMESTAMP):
    return SignedRequest(msg_id=SPEC_ID, timestamp=timestamp, signature=signature, body=body)


def test_the_signature_is_the_one_of_the_published_test_vector():
    assert webhook_sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_the_published_signature_verifies():
    request = _request(SPEC_SIGNATURE)
    assert webhook_signature_verify(SPEC_SECRET, request, now_timestamp=SPEC_TIMESTAMP + 10)


def test_a_tampered_body_does_not_verify():
    request = _request(SPEC_SIGNATURE, body=b'{"test": 2432232315}')
    assert not webhook_signature_verify(SPEC_SECRET, request, now_timestamp=SPEC_TIMESTAMP)


def test_an_old_timestamp_does_not_verify():
    request = _request(SPEC_SIGNATURE)
    assert not webhook_signature_verify(SPEC_SECRET, request, now_timestamp=SPEC_TIMESTAMP + 301)


def test_another_secret_does_not_verify():
    request = _request(SPEC_SIGNATURE)
    other = webhook_secret_generate()
    assert not webhook_signature_verify(other, request, now_timestamp=SPEC_TIMESTAMP)


def test_a_secret_is_prefixed_and_holds_32_random_bytes():
    secret = webhook_secret_generate()
    assert secret.startswith("whsec_")
    assert len(secret) == len("whsec_") + 44
    assert secret != webhook_secret_generate()


def test_headers_from_a_request_verify_whatever_their_case():
    header = webhook_signature_header([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    headers = {
        "Webhook-Id": SPEC_ID,
        "Webhook-Timestamp": str(SPEC_TIMESTAMP),
        "Webhook-Signature": header,
    }
    request = SignedRequest.from_headers(headers, SPEC_BODY)
    assert webhook_signature_verify(SPEC_SECRET, request, now_timestamp=SPEC_TIMESTAMP)


@pytest.mark.django_db
def test_during_rotation_both_secrets_sign_and_each_verifies(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = provider_endpoint(ContractFactory(), "http://127.0.0.1:9/hook")
    old = endpoint.secret
    now = ams("2026-06-08 10:00")
    endpoint = webhook_secret_rotate(endpoint=endpoint, now=now)
    keys = signing_secrets(endpoint, now + timedelta(hours=23))
    header = webhook_signature_header(keys, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)
    request = _request(header)
    assert keys == [endpoint.secret, old]
    assert len(header.split(" ")) == 2
    assert webhook_signature_verify(old, request, now_timestamp=SPEC_TIMESTAMP)
    assert webhook_signature_verify(endpoint.secret, request, now_timestamp=SPEC_TIMESTAMP)


@pytest.mark.django_db
def test_after_the_grace_period_only_the_new_secret_signs(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = provider_endpoint(ContractFactory(), "http://127.0.0.1:9/hook")
    now = ams("2026-06-08 10:00")
    endpoint = webhook_secret_rotate(endpoint=endpoint, now=now)
    assert signing_secrets(endpoint, now + timedelta(hours=24)) == [endpoint.secret]
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).previous_secret != endpoint.secret
