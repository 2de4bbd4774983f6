"""Fixtures of the API proofs (issue #12): organisations A and B of the portal proofs, tokens
for their contacts and for provider staff, and a client that sends a token."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import ApiToken, Contact, ContactRoleKind, Provider, TokenScope
from contracts.services.tokens import TokenCreateInput, api_token_create
from tests.factories import UserFactory
from tests.portal.conftest import Org, org_a_build, org_b_build


@pytest.fixture(autouse=True)
def _api_isolated(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_LIMIT = ""
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    cache.clear()


@pytest.fixture
def now() -> datetime:
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def org_a(db: None, now: datetime) -> Org:
    return org_a_build(now)


@pytest.fixture
def org_b(db: None, now: datetime) -> Org:
    return org_b_build(now)


def contact_token(contact: Contact, scope: str = TokenScope.WRITE) -> str:
    """A raw token bound to the contact, made as its organisation's manager would."""
    manager = (
        Contact.objects.filter(
            customer_id=contact.customer_id,
            roles__role=ContactRoleKind.SUPPORT_SERVICES_MANAGER,
            user__isnull=False,
        )
        .select_related("user")
        .first()
    )
    assert manager is not None
    now = timezone.now()
    _token, raw = api_token_create(
        data=TokenCreateInput(
            name=f"test {contact.email}",
            scope=scope,
            expires_at=now + timedelta(days=30),
            created_by=manager.user,
            contact=contact,
        ),
        now=now,
    )
    return raw


def staff_member(username: str = "api-coordinator", group: str = "Support coordinator") -> User:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return user


def provider_token(
    user: User, provider: Provider | str = "onitnow", scope: str = TokenScope.WRITE
) -> str:
    if isinstance(provider, str):
        provider = Provider.objects.get(code=provider)
    now = timezone.now()
    _token, raw = api_token_create(
        data=TokenCreateInput(
            name=f"test {user.username}",
            scope=scope,
            expires_at=now + timedelta(days=30),
            created_by=user,
            provider=provider,
        ),
        now=now,
    )
    return raw


def api_client(raw: str, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def coordinator(db: None) -> User:
    return staff_member()


__all__ = ["ApiToken", "Org", "api_client", "contact_token", "provider_token", "staff_member"]
