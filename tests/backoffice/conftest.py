"""Back-office fixtures: provider people in their role groups, and the intake's desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils.translation import override

from tests.factories import UserFactory
from tests.intake.conftest import Desk, desk_build

ROLE_GROUPS = {
    "first": "First line",
    "second": "Second line",
    "coordinator": "Support coordinator",
    "ssm": "Service support manager",
    "officer": "Escalation officer",
    "csam": "Customer success account manager",
}


def staff(role: str, username: str | None = None) -> User:
    user = UserFactory(username=username or f"{role}-user", first_name=role.title())
    user.set_password("pw")
    user.save()
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def english(user: User) -> Client:
    """A logged-in client reading the English pages (assertions name English text)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def desk(db: None) -> Desk:
    return desk_build()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("escalation.services.outbox.outbox_dispatch", lambda outbox_id: None)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Service messages are asserted in English; the default language is Dutch."""
    with override("en"):
        yield
