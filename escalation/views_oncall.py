"""The acknowledgement link of an on-call page (mail and SMS): GET shows, POST acknowledges.

No login: the signed link names the paged step, so whoever holds the phone can take the page
at 03:00 without a password. A GET never changes anything (mail scanners open links); the
link expires (ONCALL_ACK_MAX_AGE_HOURS) and works once: after the page is acknowledged it says
by whom and when. The page is in the paged person's language."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from escalation.models import OnCallPageStep
from escalation.services.oncall import oncall_page_acknowledge
from escalation.tokens import oncall_ack_token_read
from notifications.services.emails import local_time, ticket_url

TEMPLATE = "escalation/oncall_acknowledge.html"


def oncall_acknowledge_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        step_id = oncall_ack_token_read(token)
    except signing.SignatureExpired:
        return _problem(request, _("This link has expired. Acknowledge in the back-office."))
    except (signing.BadSignature, ValueError):
        return _problem(request, _("This link is not valid."))
    step = (
        OnCallPageStep.objects.select_related("page__ticket__customer", "page__acknowledged_by")
        .filter(pk=step_id)
        .first()
    )
    if step is None:
        return _problem(request, _("This page no longer exists."))
    done = False
    if request.method == "POST":
        done = oncall_page_acknowledge(page=step.page, step=step, now=timezone.now())
        step.page.refresh_from_db()
    page = step.page
    with override(step.language):
        return render(
            request,
            TEMPLATE,
            {
                "step": step,
                "page": page,
                "ticket": page.ticket,
                "done": done,
                "paged": local_time(step.paged_at),
                "acknowledged": local_time(page.acknowledged_at) if page.acknowledged_at else "",
                "ticket_url": ticket_url(page.ticket),
            },
        )


def _problem(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, TEMPLATE, {"problem": message}, status=400)
