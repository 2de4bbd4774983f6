"""Data-subject requests in the back-office (issue #15 §3): a coordinator records a request,
sees what an erasure changes, confirms it by typing the reference; builds and downloads an
access export. Other roles may not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from contracts.models import Contact
from privacy.models import DataSubjectRequest, RequestStatus
from tests.privacy.conftest import NAME, NOW, PersonWorld, member

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def recorded(client: Client, person: PersonWorld, kind: str) -> DataSubjectRequest:
    answer = client.post(
        reverse("admin:privacy_datasubjectrequest_add"),
        {
            "contact": person.tom.pk,
            "kind": kind,
            "received_at_0": (NOW + timedelta(days=1)).strftime("%Y-%m-%d"),
            "received_at_1": "10:00:00",
            "received_via": "email",
            "note": "Per mail gevraagd.",
        },
    )
    assert answer.status_code == 302, answer.context["adminform"].form.errors
    return DataSubjectRequest.objects.get(contact=person.tom, kind=kind)


def test_a_coordinator_sees_the_counts_and_erases_with_the_reference(person):
    client = signed_in(person.coordinator)
    request = recorded(client, person, "erasure")
    url = reverse("admin:privacy_datasubjectrequest_erase", args=[request.pk])

    page = client.get(url)
    wrong = client.post(url, {"reference": "ABCDEF"})
    untouched = Contact.objects.get(pk=person.tom.pk).name
    right = client.post(url, {"reference": request.reference.lower()})

    assert page.status_code == 200
    assert b"tickets.TicketMessage" in page.content
    assert wrong.status_code == 200
    assert request.reference.encode() in wrong.content
    assert untouched == NAME
    assert right.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert Contact.objects.get(pk=person.tom.pk).name != NAME


def test_a_coordinator_builds_and_downloads_an_access_export(person):
    client = signed_in(person.coordinator)
    request = recorded(client, person, "access")

    built = client.post(reverse("admin:privacy_datasubjectrequest_export", args=[request.pk]))
    download = client.get(reverse("admin:privacy_datasubjectrequest_download", args=[request.pk]))

    assert built.status_code == 302
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_the_second_line_may_not_erase_or_export(person):
    client = signed_in(person.coordinator)
    request = recorded(client, person, "erasure")
    engineer = signed_in(person.engineer)

    erase = engineer.post(
        reverse("admin:privacy_datasubjectrequest_erase", args=[request.pk]),
        {"reference": request.reference},
    )

    assert erase.status_code == 403
    assert Contact.objects.get(pk=person.tom.pk).name == NAME


def test_a_second_erasure_of_a_person_waiting_is_refused(person):
    client = signed_in(person.coordinator)
    recorded(client, person, "erasure")

    again = client.post(
        reverse("admin:privacy_datasubjectrequest_add"),
        {
            "contact": person.tom.pk,
            "kind": "erasure",
            "received_at_0": NOW.strftime("%Y-%m-%d"),
            "received_at_1": "10:00:00",
            "received_via": "phone",
        },
        follow=True,
    )

    assert DataSubjectRequest.objects.filter(contact=person.tom).count() == 1
    assert b"waiting for confirmation already" in again.content


def test_the_first_line_sees_no_requests(person):
    client = signed_in(member("first", "First line"))

    listing = client.get(reverse("admin:privacy_datasubjectrequest_changelist"))

    assert listing.status_code == 403
