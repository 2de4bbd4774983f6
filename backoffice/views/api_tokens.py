"""API tokens in the back-office (issue #12 §1): a staff member makes, lists and revokes their
own; whoever may manage every token (the support coordinators, superusers) also sees and
revokes the other staff's tokens of the providers they see. The raw token is shown once, in
the response to the POST that made it: never stored, never in a URL, a message or the session.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import staff_user
from backoffice.forms_api_tokens import ProviderTokenForm
from contracts.forms import ApiTokenRevokeForm, revoked_message
from contracts.selectors_tokens import (
    MANAGE_ALL_PERMISSION,
    api_token_rows,
    api_tokens_of_staff,
)
from contracts.services.tokens import TokenRefused, api_token_create, api_token_revoke


def api_tokens(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    now = timezone.now()
    may_manage_all = user.has_perm(MANAGE_ALL_PERMISSION)
    everyone = may_manage_all and request.GET.get("all") == "1"
    context = {**admin.site.each_context(request), "title": _("API tokens")}
    form = ProviderTokenForm(user=user, now=now)
    if request.method == "POST" and request.POST.get("do") == "revoke":
        chosen = ApiTokenRevokeForm.chosen(
            request.POST, tokens=api_tokens_of_staff(user, everyone=True)
        )
        messages.success(request, revoked_message(api_token_revoke(token=chosen, now=now)))
        return HttpResponseRedirect(request.get_full_path())
    if request.method == "POST":
        form = ProviderTokenForm(request.POST, user=user, now=now)
        if form.is_valid():
            try:
                token, raw = api_token_create(data=form.token_input(created_by=user), now=now)
            except TokenRefused as refusal:
                form.refused(refusal)
            else:
                context |= {"token": token, "raw": raw, "list_url": request.path}
                return TemplateResponse(request, "backoffice/api_token_created.html", context)
    rows = api_token_rows(api_tokens_of_staff(user, everyone=everyone), now)
    context |= {
        "rows": rows,
        "form": form,
        "everyone": everyone,
        "may_manage_all": may_manage_all,
    }
    return TemplateResponse(request, "backoffice/api_tokens.html", context)
