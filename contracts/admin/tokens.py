"""API tokens in the admin (issue #12 §1): a read-only list for whoever manages every token,
searchable by name and prefix, with one action, revoke, through the service. The secret's hash
is never shown. Tokens are made on the back-office's API tokens page and in the portal."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.admin.secrets import SecretLookupsRefused
from contracts.models import ApiToken
from contracts.selectors_tokens import MANAGE_ALL_PERMISSION
from contracts.services.tokens import api_token_revoke


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(SecretLookupsRefused, admin.ModelAdmin):
    secret_fields = ("secret_hash",)
    list_display = [
        "name",
        "prefix",
        "scope",
        "owner",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["provider", "scope", RevokedFilter]
    list_select_related = ["provider", "user", "contact__customer"]
    search_fields = ["name", "prefix"]
    actions = ["revoke_selected"]
    revoke_template = "admin/contracts/apitoken/revoke.html"
    # Everything but secret_hash, read-only.
    fields = readonly_fields = (
        "name",
        "prefix",
        "scope",
        "provider",
        "user",
        "contact",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )

    @admin.display(description=_("for"))
    def owner(self, obj: ApiToken) -> str:
        if obj.contact is not None:
            return f"{obj.contact.name} ({obj.contact.customer.name})"
        return f"{obj.user.get_username() if obj.user else '-'} ({obj.provider})"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the back-office's API tokens page and in the portal

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted: the list keeps who had access when

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_ALL_PERMISSION)

    @admin.action(description=_("Revoke the selected tokens…"), permissions=["revoke"])
    def revoke_selected(
        self, request: HttpRequest, queryset: QuerySet[ApiToken]
    ) -> TemplateResponse | None:
        """An intermediate page asks to confirm, then revokes each token still live."""
        live = queryset.filter(revoked_at__isnull=True).order_by("pk")
        if request.POST.get("confirm"):
            now = timezone.now()
            count = 0
            for token in live:
                api_token_revoke(token=token, now=now)
                self.log_change(request, token, [{"changed": {"fields": ["revoked_at"]}}])
                count += 1
            self.message_user(
                request,
                gettext("Tokens revoked: %(n)s.") % {"n": count},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Revoke API tokens"),
            "tokens": list(live.select_related(*self.list_select_related)),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.revoke_template, context)
