"""What `privacy` itself erases and exports: the contact, their login, the contracts rows that
name them (change requests, notices, AEM events, escalation contacts, API tokens), the admin's
history and the person's own requests. Registered in `PrivacyConfig.ready()`."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db.models import Q

from contracts.models import (
    AemEvent,
    ApiToken,
    Contact,
    ContactChangeRequest,
    ContactRole,
    ContractNotice,
    EscalationContact,
    RemoteAccessGrant,
)
from privacy.export import ExportWriter, rows_data
from privacy.files import stored_files_delete
from privacy.models import DataSubjectRequest
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber

CONTACT_FIELDS = ("id", "customer__name", "name", "email", "phone", "language", "is_active")


def contracts_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    customer = subject.customer_id
    own_requests = Q(requested_by_id=subject.contact_id) | Q(contact_id=subject.contact_id)
    requests = ContactChangeRequest.objects.filter(customer_id=customer)
    counts = {
        "contracts.Contact": scrubber.rows(
            Contact.objects.filter(pk=subject.contact_id),
            [],
            blank=["phone", "email_bounce_reason"],
            values={
                "name": scrubber.pseudonym,
                "email": scrubber.pseudonym_email,
                "is_active": False,
            },
        ),
        "contracts.ContactChangeRequest": scrubber.rows(
            requests.filter(own_requests), ["name", "email", "decision_note"], own=["note"]
        )
        + scrubber.rows(requests.exclude(own_requests), ["name", "email", "note", "decision_note"]),
        "contracts.ContractNotice": scrubber.rows(
            ContractNotice.objects.filter(contract__customer_id=customer), ["note"]
        ),
        "contracts.AemEvent": scrubber.rows(
            AemEvent.objects.filter(contract__customer_id=customer),
            ["solution", "notes", "assessment_filename"],
        ),
        "contracts.EscalationContact": scrubber.rows(
            EscalationContact.objects.filter(contract__customer_id=customer),
            ["name", "email", "phone"],
        ),
        "contracts.ApiToken": _tokens_erase(subject, scrubber),
        # A remote-access grant the person gave stays (who may reach which system, and until
        # when, is the customer's); its texts lose the person's strings.
        "contracts.RemoteAccessGrant": scrubber.rows(
            RemoteAccessGrant.objects.filter(customer_id=customer),
            ["system", "scope", "revoke_reason"],
        ),
    }
    return counts | _account_erase(subject, scrubber)


def _tokens_erase(subject: Subject, scrubber: Scrubber) -> int:
    """The person's tokens stop working; every token's name loses their strings."""
    ApiToken.objects.filter(contact_id=subject.contact_id, revoked_at__isnull=True).update(
        revoked_at=scrubber.now
    )
    tokens = ApiToken.objects.filter(
        Q(contact__customer_id=subject.customer_id) | Q(contact__isnull=True)
    )
    return scrubber.rows(tokens, ["name"])


def _account_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    counts: Counts = {}
    if subject.user_id is not None:
        counts["auth.User"] = scrubber.rows(
            User.objects.filter(pk=subject.user_id),
            [],
            blank=["first_name", "last_name", "email"],
            values={
                "username": f"erased-{scrubber.pseudonym_token}",
                "password": make_password(None),
                "is_active": False,
            },
        )
    mentions = Q(object_repr__icontains=subject.email) | Q(change_message__icontains=subject.email)
    if subject.name:
        mentions |= Q(object_repr__icontains=subject.name)
    counts["admin.LogEntry"] = scrubber.rows(
        LogEntry.objects.filter(mentions), ["object_repr", "change_message"]
    )
    requests = DataSubjectRequest.objects.filter(contact_id=subject.contact_id)
    exports = [row.export_file for row in requests.exclude(export_file="")]
    counts["privacy.export"] = stored_files_delete(exports)
    counts["privacy.DataSubjectRequest"] = scrubber.rows(
        requests, ["note"], blank=["export_file"], values={"export_expires_at": None}
    )
    return counts


def contracts_export(subject: Subject, writer: ExportWriter) -> None:
    writer.json(
        "contact/contact.json",
        rows_data(Contact.objects.filter(pk=subject.contact_id), CONTACT_FIELDS)[0],
    )
    writer.json(
        "contact/roles.json",
        rows_data(
            ContactRole.objects.filter(contact_id=subject.contact_id),
            ["contract__reference", "role"],
        ),
    )
    writer.json(
        "contact/change-requests.json",
        rows_data(
            ContactChangeRequest.objects.filter(
                Q(requested_by_id=subject.contact_id) | Q(contact_id=subject.contact_id)
            ),
            ["action", "name", "email", "note", "status", "created_at", "decided_at"],
        ),
    )
    writer.json(
        "contact/api-tokens.json",
        rows_data(
            ApiToken.objects.filter(contact_id=subject.contact_id),
            ["name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"],
        ),
    )
    writer.json(
        "contact/remote-access-granted.json",
        rows_data(
            RemoteAccessGrant.objects.filter(granted_by_id=subject.contact_id),
            ["system", "scope", "granted_at", "expires_at", "revoked_at"],
        ),
    )
    if subject.user_id is not None:
        writer.json(
            "contact/login.json",
            rows_data(
                User.objects.filter(pk=subject.user_id),
                ["username", "email", "date_joined", "last_login", "is_active"],
            )[0],
        )
