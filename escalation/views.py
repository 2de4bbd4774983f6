"""The acknowledgement link of an escalation email: GET shows, POST acknowledges.

A GET never changes anything, so mail scanners that open links cannot acknowledge for you."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.models import Escalation
from escalation.services.actions import escalation_acknowledge
from escalation.tokens import ack_token_read


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
    return render(
        request,
        "escalation/acknowledge.html",
        {"escalation": escalation, "email": email, "done": done},
    )


def _problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "escalation/acknowledge.html", {"problem": message}, status=400)
