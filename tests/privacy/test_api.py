"""Data-subject requests in the API (issue #15 §3): a coordinator's token records, confirms an
erasure and downloads an access export; other roles and customers' tokens may not."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.models import Contact
from tests.api.conftest import api_client, contact_token, provider_token
from tests.privacy.conftest import NAME, NOW, PersonWorld, member

pytestmark = pytest.mark.django_db
ROOT = "/api/v1/data-subject-requests/"


def recorded(client: Any, person: PersonWorld, kind: str) -> dict[str, Any]:
    answer = client.post(
        ROOT,
        {
            "contact": person.tom.pk,
            "kind": kind,
            "received_at": NOW.isoformat(),
            "received_via": "email",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def test_a_coordinator_records_and_confirms_an_erasure(person):
    client = api_client(provider_token(person.coordinator))
    request = recorded(client, person, "erasure")

    wrong = client.post(f"{ROOT}{request['id']}/erase/", {"reference": "x"}, format="json")
    right = client.post(
        f"{ROOT}{request['id']}/erase/", {"reference": request["reference"]}, format="json"
    )

    assert request["subject"]["name"] == NAME
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "confirmation_mismatch"
    assert right.status_code == 200
    assert right.json()["status"] == "completed"
    assert right.json()["subject"]["name"] != NAME
    assert Contact.objects.get(pk=person.tom.pk).name != NAME


def test_a_coordinator_builds_and_downloads_an_export(person):
    client = api_client(provider_token(person.coordinator))
    request = recorded(client, person, "access")

    built = client.post(f"{ROOT}{request['id']}/export/")
    download = client.get(f"{ROOT}{request['id']}/export/download/")

    assert built.json()["export_available"] is True
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_the_refusal_says_what_to_type(person):
    client = api_client(provider_token(person.coordinator), language="en")
    request = recorded(client, person, "erasure")

    wrong = client.post(f"{ROOT}{request['id']}/erase/", {"reference": "x"}, format="json")

    assert wrong.status_code == 422
    assert wrong.json()["detail"] == (
        f"Type the request's reference {request['reference']} to confirm the erasure."
    )


def test_the_second_line_may_not_list_or_erase(person):
    coordinator = api_client(provider_token(person.coordinator))
    request = recorded(coordinator, person, "erasure")
    engineer = api_client(provider_token(person.engineer))

    listing = engineer.get(ROOT)
    erase = engineer.post(
        f"{ROOT}{request['id']}/erase/", {"reference": request["reference"]}, format="json"
    )

    assert (listing.status_code, erase.status_code) == (403, 403)
    assert Contact.objects.get(pk=person.tom.pk).name == NAME


def test_a_customers_token_is_refused(person):
    client = api_client(contact_token(person.mia))

    assert client.get(ROOT).status_code == 403


def test_another_providers_coordinator_does_not_see_the_request(person):
    recorded(api_client(provider_token(person.coordinator)), person, "access")
    other = api_client(provider_token(member("ms-coordinator", "Support coordinator"), "microsoft"))

    assert other.get(ROOT).json()["results"] == []
