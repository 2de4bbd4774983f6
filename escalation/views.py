"""The acknowledgement link of an escalation email: GET shows, POST acknowledges.

A GET never changes anything, so mail scanners that open links cannot acknowledge for you. The
page is in the language the mail was written in (the recipient's, issue #11 §2), with dates
formatted for it and a link to the ticket."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from escalation.models import Escalation
from escalation.services.actions import escalation_acknowledge
from escalation.tokens import ack_token_read
from notifications.services.emails import local_time, ticket_url
from notifications.services.recipients import staff_languages_by_email


def escalation_acknowledge_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        escalation_id, email = ack_token_read(token)
    except signing.SignatureExpired:
        return _problem(request, _("This link has expired. Acknowledge in the back-office."))
    except (signing.BadSignature, ValueError):
        return _problem(request, _("This link is not valid."))
    escalation = (
        Escalation.objects.select_related("ticket__customer").filter(pk=escalation_id).first()
    )
    if escalation is None:
        return _problem(request, _("This escalation no longer exists."))
    done = False
    if request.method == "POST":
        done = escalation_acknowledge(escalation=escalation, by=email, now=timezone.now())
        escalation.refresh_from_db()
    with override(recipient_language(escalation, email)):
        return render(
            request,
            "escalation/acknowledge.html",
            {
                "escalation": escalation,
                "email": email,
                "done": done,
                "raised": local_time(escalation.raised_at),
                "acknowledged": (
                    local_time(escalation.acknowledged_at) if escalation.acknowledged_at else ""
                ),
                "ticket_url": ticket_url(escalation.ticket),
            },
        )


def recipient_language(escalation: Escalation, email: str) -> str:
    """The language the escalation's mail to `email` was written in; else the staff member's
    preference; else the desk's default."""
    for recipient in escalation.recipients:
        if str(recipient.get("email", "")).lower() == email.lower() and recipient.get("language"):
            return str(recipient["language"])
    return staff_languages_by_email([email]).get(email.lower(), settings.LANGUAGE_CODE)


def _problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "escalation/acknowledge.html", {"problem": message}, status=400)
