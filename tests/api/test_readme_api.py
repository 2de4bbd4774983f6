"""The README's REST API example (the block between `<!-- api-create -->` markers) does what it
says: the create with its Idempotency-Key (and the retry's replay), the conditional read and
the conditional change, sent as written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from tests.api.conftest import api_client, contact_token
from tests.factories import UserFactory
from tests.portal.conftest import Org
from tickets.models import Ticket
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db


def readme_example() -> str:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- api-create -->\n```sh\n(.*?)```", readme, re.S)
    assert block is not None
    return block.group(1)


def bodies() -> list[dict[str, Any]]:
    return [json.loads(body) for body in re.findall(r"-d '(\{.*?\})'", readme_example())]


def idempotency_key() -> str:
    found = re.search(r"-H 'Idempotency-Key: ([^']+)'", readme_example())
    assert found is not None
    return found.group(1)


def test_the_readmes_create_files_a_ticket_once_and_answers_a_retry_the_same(org_a: Org) -> None:
    create, _share = bodies()
    client = api_client(contact_token(org_a.named))
    first = client.post(
        "/api/v1/tickets/", create, format="json", HTTP_IDEMPOTENCY_KEY=idempotency_key()
    )
    again = client.post(
        "/api/v1/tickets/", create, format="json", HTTP_IDEMPOTENCY_KEY=idempotency_key()
    )
    assert first.status_code == 201, first.content
    assert first["Location"] == f"/api/v1/tickets/{first.json()['id']}/"
    assert (again.status_code, again.content, again["Idempotent-Replayed"]) == (
        201,
        first.content,
        "true",
    )


def test_the_readmes_conditional_read_and_change_answer_as_it_says(org_a: Org) -> None:
    create, share = bodies()
    client = api_client(contact_token(org_a.named))
    location = client.post("/api/v1/tickets/", create, format="json")["Location"]
    etag = client.get(location)["ETag"]
    assert client.get(location, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ticket = Ticket.objects.get(pk=location.rstrip("/").rsplit("/", 1)[-1])
    agent = UserFactory(username="agent-readme")
    ticket_reply(ticket=ticket, body="Wij kijken ernaar.", now=timezone.now(), author_user=agent)
    assert client.get(location, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.patch(location, share, format="json", HTTP_IF_MATCH=etag).status_code == 412
    fresh = client.get(location)["ETag"]
    changed = client.patch(location, share, format="json", HTTP_IF_MATCH=fresh)
    assert changed.status_code == 200, changed.content
