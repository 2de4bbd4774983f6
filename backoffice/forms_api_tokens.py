"""The back-office's API token form (issue #12 §1): the common questions and the provider the
token works for, among those the staff member works with."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from contracts.forms import ApiTokenForm
from contracts.models import Provider
from contracts.selectors_tokens import token_providers_for


class ProviderTokenForm(ApiTokenForm):
    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.none(),
        help_text=_("The token sees this provider's customers only, and does what you may do."),
    )
    field_order = ["name", "provider", "scope", "valid_until"]

    def __init__(self, *args: Any, user: User, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, now=now, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["provider"])
        field.queryset = token_providers_for(user)
        only = list(field.queryset[:2])
        if len(only) == 1:
            field.initial = only[0].pk

    def token_owner(self) -> dict[str, Any]:
        return {"provider": self.cleaned_data["provider"]}
