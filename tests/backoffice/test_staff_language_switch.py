"""The language a staff member picks in the back-office is their mail language too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import StaffProfile
from notifications.services.recipients import staff_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_switching_to_english_keeps_english_for_mails(client) -> None:
    user = UserFactory(username="engineer", is_staff=True)
    client.force_login(user)
    assert staff_language(user) == "nl"
    response = client.post(reverse("backoffice:language"), {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert staff_language(user) == "en"
    client.post(reverse("backoffice:language"), {"language": "nl", "next": "/admin/"})
    assert StaffProfile.objects.get(user=user).language == "nl"


def test_an_unknown_language_changes_nothing(client) -> None:
    user = UserFactory(username="engineer", is_staff=True)
    client.force_login(user)
    client.post(reverse("backoffice:language"), {"language": "xx", "next": "/admin/"})
    assert not StaffProfile.objects.filter(user=user).exists()
