"""Contact roles under a contract and the customer's named-contact change requests (D14)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.exceptions import (
    ContactChangeDecided,
    ContactChangeError,
    ContactNameRefused,
    ContactRoleRefused,
)
from contracts.models import (
    Contact,
    ContactChangeAction,
    ContactChangeRequest,
    ContactChangeStatus,
    ContactRole,
    ContactRoleKind,
    Contract,
)
from contracts.selectors import contact_role_problem
from contracts.text import display_line, person_name_validate

# What a sender's display name may not keep to become a contact's name (see person_name_validate).
_NAME_UNSAFE = str.maketrans(dict.fromkeys('\r\n<>@"', " "))


def contact_name_checked(name: str) -> str:
    """A person's name as every door stores it (issue #10 §2): refused (ContactNameRefused)
    with line breaks, quotes or < > @, so it can never break or forge a mail header; cleaned
    of control, bidi and zero-width characters."""
    try:
        person_name_validate(name)
    except ValidationError as exc:
        raise ContactNameRefused(
            _("%(name)r is not a usable name: %(reason)s")
            % {"name": display_line(name), "reason": " ".join(exc.messages)}
        ) from exc
    cleaned = display_line(name)
    if not cleaned:
        raise ContactNameRefused(_("A name is required."))
    return cleaned


def contact_name_from_sender(name: str, email: str) -> str:
    """A contact's name made from an email's display name, which the sender chose: what would
    be refused in a form is blanked out instead (the email is not refused, nothing is lost);
    the address when nothing is left."""
    safe = display_line(display_line(name).translate(_NAME_UNSAFE))[:200]
    return safe or display_line(email).translate(_NAME_UNSAFE).strip()[:200]


@transaction.atomic
def contact_role_grant(*, contact: Contact, contract: Contract, role: str) -> ContactRole:
    """Grant a role, refusing one above the named-contact cap or a second SSM."""
    # Lock the contract so two grants cannot both pass the count.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    problem = contact_role_problem(contact=contact, contract=contract, role=role)
    if problem is not None:
        raise ContactRoleRefused(problem)
    grant, _created = ContactRole.objects.get_or_create(
        contact=contact, contract=contract, role=role
    )
    return grant


@transaction.atomic
def contact_change_request_record(
    *,
    requested_by: Contact,
    contracts: Sequence[Contract],
    action: str,
    name: str,
    email: str,
    note: str,
    now: datetime,
) -> ContactChangeRequest:
    """Store the manager's request; a coordinator approves or rejects it later."""
    if action not in ContactChangeAction.values:
        raise ContactChangeError(
            _("Unknown request %(action)r: use add or remove.") % {"action": action}
        )
    if not contracts:
        raise ContactChangeError(_("A named-contact change needs at least one contract."))
    foreign = [c.reference for c in contracts if c.customer_id != requested_by.customer_id]
    if foreign:
        raise ContactChangeError(
            _("Contracts %(contracts)s are not contracts of %(customer)s.")
            % {"contracts": ", ".join(foreign), "customer": requested_by.customer}
        )
    request = ContactChangeRequest.objects.create(
        customer_id=requested_by.customer_id,
        requested_by=requested_by,
        action=action,
        name=contact_name_checked(name),
        email=email.strip(),
        note=note.strip(),
        created_at=now,
    )
    request.contracts.set(contracts)
    return request


def _pending_locked(request: ContactChangeRequest) -> ContactChangeRequest:
    locked = ContactChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ContactChangeStatus.PENDING:
        when = timezone.localtime(locked.decided_at) if locked.decided_at else None
        if when is None:
            raise ContactChangeDecided(
                _("Request #%(pk)s was already %(status)s; a request is decided once.")
                % {"pk": locked.pk, "status": locked.get_status_display()}
            )
        raise ContactChangeDecided(
            _("Request #%(pk)s was already %(status)s on %(when)s; a request is decided once.")
            % {
                "pk": locked.pk,
                "status": locked.get_status_display(),
                "when": f"{when:%Y-%m-%d %H:%M}",
            }
        )
    return locked


def _decision_store(
    request: ContactChangeRequest,
    *,
    status: str,
    note: str,
    now: datetime,
    actor: User | None,
    contact: Contact | None = None,
) -> ContactChangeRequest:
    """Compare-and-set on the status, so a request is decided exactly once."""
    fields = {
        "status": status,
        "decided_by": actor,
        "decided_at": now,
        "decision_note": note.strip(),
        "contact": contact,
    }
    updated = ContactChangeRequest.objects.filter(
        pk=request.pk, status=ContactChangeStatus.PENDING
    ).update(**fields)
    if updated != 1:
        raise ContactChangeDecided(_("Request #%(pk)s was decided meanwhile.") % {"pk": request.pk})
    for field, value in fields.items():
        setattr(request, field, value)
    return request


@transaction.atomic
def contact_change_approve(
    *, request: ContactChangeRequest, now: datetime, actor: User | None, note: str = ""
) -> ContactChangeRequest:
    """Carry the request out: add grants the named-contact role on each of its contracts
    (through contact_role_grant, so the D14 cap holds); remove ends those roles. On any refusal
    nothing is written and the request stays pending."""
    locked = _pending_locked(request)
    contracts = list(locked.contracts.select_related("package", "customer"))
    if locked.action == ContactChangeAction.ADD:
        contact = _contact_added(locked, contracts)
    else:
        contact = _contact_removed(locked, contracts)
    return _decision_store(
        locked,
        status=ContactChangeStatus.APPROVED,
        note=note,
        now=now,
        actor=actor,
        contact=contact,
    )


def _contact_added(request: ContactChangeRequest, contracts: list[Contract]) -> Contact:
    contact = Contact.objects.filter(
        customer_id=request.customer_id, email__iexact=request.email
    ).first()
    if contact is None:
        contact = Contact.objects.create(
            customer_id=request.customer_id,
            name=contact_name_checked(request.name),
            email=request.email,
        )
    elif not contact.is_active:
        contact.is_active = True
        contact.save(update_fields=["is_active"])
    for contract in contracts:
        try:
            contact_role_grant(
                contact=contact, contract=contract, role=ContactRoleKind.NAMED_CONTACT
            )
        except ContactRoleRefused as exc:
            raise ContactChangeError(
                _("Request #%(pk)s stays pending: %(reason)s") % {"pk": request.pk, "reason": exc}
            ) from exc
    return contact


def _contact_removed(request: ContactChangeRequest, contracts: list[Contract]) -> Contact:
    """Ends the named-contact roles; a contact left without any role is deactivated (it can
    then no longer file tickets or log in to the portal, D14)."""
    contact = Contact.objects.filter(
        customer_id=request.customer_id, email__iexact=request.email
    ).first()
    if contact is None:
        raise ContactChangeError(
            _("Request #%(pk)s: %(customer)s has no contact %(email)s.")
            % {"pk": request.pk, "customer": request.customer, "email": request.email}
        )
    removed, _by_model = ContactRole.objects.filter(
        contact=contact, contract__in=contracts, role=ContactRoleKind.NAMED_CONTACT
    ).delete()
    if not removed:
        references = ", ".join(c.reference for c in contracts)
        raise ContactChangeError(
            _("Request #%(pk)s: %(name)s is not a named contact under %(contracts)s.")
            % {"pk": request.pk, "name": contact.name, "contracts": references}
        )
    if contact.is_active and not contact.roles.exists():
        contact.is_active = False
        contact.save(update_fields=["is_active"])
    return contact


@transaction.atomic
def contact_change_reject(
    *, request: ContactChangeRequest, note: str, now: datetime, actor: User | None
) -> ContactChangeRequest:
    """Refuse the request; the note (required) tells the customer why."""
    if not note.strip():
        raise ContactChangeError(_("A reason is required to reject a request."))
    locked = _pending_locked(request)
    return _decision_store(
        locked, status=ContactChangeStatus.REJECTED, note=note, now=now, actor=actor
    )
