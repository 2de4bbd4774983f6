"""`manage.py seed_demo` records the demo's data-subject requests (`privacy.demo`): an access
request answered with its export and an erasure waiting for a coordinator; a second run adds
nothing. Loaded once for the module and rolled back after it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from privacy.models import DataSubjectRequest, RequestStatus

DEMO_NOW = "2026-11-21T12:00:00+01:00"
pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--now", DEMO_NOW, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


def test_the_demo_has_an_answered_access_request_and_a_waiting_erasure(demo_output):
    access = DataSubjectRequest.objects.get(reference="DEMO01")
    erasure = DataSubjectRequest.objects.get(reference="DEMO02")

    assert (access.kind, access.status, bool(access.export_file)) == (
        "access",
        RequestStatus.COMPLETED,
        True,
    )
    assert (erasure.kind, erasure.status) == ("erasure", RequestStatus.RECORDED)
    assert "privacy: 2 data-subject requests recorded" in demo_output


def test_a_second_demo_run_adds_no_request():
    with override_settings(MEDIA_ROOT="/nonexistent-never-written"):
        seed()

    assert DataSubjectRequest.objects.count() == 2
