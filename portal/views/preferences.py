"""A contact's own choices: which optional mails to receive, and the language of pages and
mails (issue #11 §2, §5). The rules live in contracts.services.preferences."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from contracts.services.preferences import contact_language_set, contact_mail_preferences_set
from portal.access import contact_required, request_contact


class MailPreferencesForm(forms.Form):
    mail_when_waiting = forms.BooleanField(
        required=False, label=gettext_lazy("When a ticket waits for my answer")
    )
    mail_when_closed = forms.BooleanField(
        required=False, label=gettext_lazy("When a ticket is closed")
    )
    mail_survey = forms.BooleanField(
        required=False, label=gettext_lazy("An invitation to say how satisfied I am")
    )


@contact_required
def preferences_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    initial = {name: getattr(contact, name) for name in MailPreferencesForm.base_fields}
    form = MailPreferencesForm(request.POST or None, initial=initial, label_suffix="")
    if request.method == "POST" and form.is_valid():
        contact_mail_preferences_set(contact=contact, now=timezone.now(), **form.cleaned_data)
        messages.success(request, _("Your mail preferences are saved."))
        return redirect("portal:preferences")
    return render(request, "portal/preferences.html", {"form": form})


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, redirect to `next`), and for a signed-in contact the
    choice is kept on the contact too, so the next login and every mail use it."""
    response = set_language(request)
    contact = request_contact(request)
    language = request.POST.get("language", "")
    if contact is not None and language in dict(settings.LANGUAGES):
        contact_language_set(contact=contact, language=language, now=timezone.now())
    return response
