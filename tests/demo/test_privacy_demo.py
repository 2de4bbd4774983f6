"""`manage.py seed_demo` records the demo's data-subject requests (`privacy.demo`): an access
request answered with its export and an erasure waiting for a coordinator; a second run adds
nothing. Loaded once for the package (tests/demo/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from privacy.models import DataSubjectRequest, RequestStatus
from tests.demo.seeding import seed

pytestmark = pytest.mark.django_db


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
