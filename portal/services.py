"""Portal services: invitations and password-reset mail through the outbox (D12)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.exceptions import DomainError
from contracts.models import Contact, ContactRole, ContactRoleKind, Contract
from contracts.selectors import named_contact_cap
from contracts.services.contacts import contact_change_request_record
from notifications.services.emails import render
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import Recipient, coordinators, staff_recipient
from portal.tokens import contact_token_generator


def password_link(user: object) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))  # type: ignore[attr-defined]
    token = contact_token_generator.make_token(user)  # type: ignore[arg-type]
    return f"{settings.SITE_URL}{reverse('portal:password_reset_confirm', args=[uid, token])}"


def password_email_enqueue(
    *, user: object, contact: Contact, invitation: bool, now: datetime
) -> None:
    """The set-password link (invitation) or reset link, in the contact's language."""
    link = password_link(user)
    recipient = Recipient("contact", contact.name, contact.email, contact.language)
    with override(contact.language):
        if invitation:
            heading = _("Your access to the customer portal")
            intro = _(
                "You have been invited to the service desk portal of %(customer)s. "
                "Choose your password with the link below; it is valid for three days."
            ) % {"customer": contact.customer.name}
        else:
            heading = _("Reset your portal password")
            intro = _(
                "Someone asked to reset the password of this account. If it was you, "
                "choose a new password with the link below; otherwise ignore this email."
            )
        email = render(
            language=contact.language,
            recipient=recipient,
            subject=heading,
            heading=heading,
            intro=intro,
            facts=[],
            action_url=link,
            action_label=_("Choose a password"),
        )
    kind = "invitation" if invitation else "password-reset"
    token = link.rstrip("/").rsplit("/", 1)[-1]
    outbox_enqueue(key=f"{kind}:{contact.pk}:{token}", email=email, now=now)


@transaction.atomic
def contact_invite(*, contact: Contact, now: datetime) -> object:
    """Give the contact a login (username = email, no usable password) and mail the link."""
    if not contact.is_active:
        raise ValueError(f"{contact.email} is inactive and cannot be invited.")
    user = contact.user
    if user is None:
        user = get_user_model().objects.create_user(
            username=contact.email.lower(), email=contact.email
        )
        user.set_unusable_password()
        user.save()
        contact.user = user
        contact.save(update_fields=["user"])
    password_email_enqueue(user=user, contact=contact, invitation=True, now=now)
    return user


class ContactChangeRefused(DomainError):
    """An addition above the package's named-contact limit (D14)."""


@transaction.atomic
def contact_change_request(
    *,
    contact: Contact,
    contracts: list[Contract],
    action: str,
    name: str,
    email: str,
    note: str,
    now: datetime,
) -> int:
    """The manager asks to add or remove a named contact: an addition above a contract's limit is
    refused; otherwise the request is stored for a coordinator's decision and every support
    coordinator gets it by email (through the outbox, in the same transaction).
    Returns how many coordinators were written to."""
    if not contracts:
        raise ContactChangeRefused(_("There is no current contract to change named contacts of."))
    if action == "add":
        for contract in contracts:
            cap = named_contact_cap(contract)
            named = ContactRole.objects.filter(
                contract=contract, role=ContactRoleKind.NAMED_CONTACT
            ).count()
            if cap is not None and named >= cap:
                raise ContactChangeRefused(
                    _("Contract %(ref)s already has %(cap)s named contacts, its limit.")
                    % {"ref": contract.reference, "cap": cap}
                )
    request = contact_change_request_record(
        requested_by=contact,
        contracts=contracts,
        action=action,
        name=name,
        email=email,
        note=note,
        now=now,
    )
    link = settings.SITE_URL + reverse(
        "admin:contracts_contactchangerequest_change", args=[request.pk]
    )
    people = coordinators()
    for user in people:
        recipient = staff_recipient(user, "support coordinator")
        with override(recipient.language):  # issue #11 §2: in the coordinator's language
            change = _("add") if action == "add" else _("remove")
            message = render(
                language=recipient.language,
                recipient=recipient,
                subject=_("[%(customer)s] named contact: %(action)s %(email)s")
                % {"customer": contact.customer.name, "action": change, "email": email},
                heading=_("Named contact change requested by %(name)s") % {"name": contact.name},
                intro=note or "-",
                facts=[(_("Action"), change), (_("Name"), name), (_("Email"), email)],
                action_url=link,
                action_label=_("Approve or reject"),
            )
        outbox_enqueue(key=f"contact-change:{request.pk}:{user.pk}", email=message, now=now)
    return len(people)
