"""The back-office's language switch: Django's set_language (cookie, back to `next`), and the
choice kept as the staff member's mail language (issue #11 §2)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from notifications.services.preferences import staff_language_set


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        staff_language_set(user=request.user, language=language)
    return response
