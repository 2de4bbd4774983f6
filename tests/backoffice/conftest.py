"""Back-office fixtures: provider people in their role groups, and the intake's desk."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from tests.factories import UserFactory

# The intake's autouse fixtures apply here too: attachments in the test's own directory and
# no outbox dispatch to a shared broker.
from tests.intake.conftest import (  # noqa: F401
    Desk,
    _attachments_in_tmp,
    _no_broker,
    desk_build,
)

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


def english_client(user: User) -> Client:
    """A logged-in client reading the English pages (assertions name English text)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def desk(db: None) -> Desk:
    return desk_build()


@pytest.fixture(autouse=True)
def _english_everywhere(english: None) -> None:
    """Service messages are asserted in English; the default language is Dutch."""


# On call (issue #13 §1): the rota of tests/backoffice/test_oncall_rota.py.
from tests.escalation.oncall_world import rota  # noqa: E402, F401
