"""The portal's API token form (issue #12 §1): the common questions and the named contact the
token acts as, among the organisation's active named contacts and its manager."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.forms import ApiTokenForm
from contracts.models import Contact
from contracts.selectors_tokens import token_contacts_for


class ContactTokenForm(ApiTokenForm):
    contact = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=Contact.objects.none(),
        empty_label=None,
        help_text=_("The token sees and does what this person may do in the portal."),
    )
    field_order = ["name", "contact", "scope", "valid_until"]

    def __init__(self, *args: Any, manager: Contact, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, now=now, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["contact"])
        field.queryset = token_contacts_for(manager.customer_id)
        field.initial = manager.pk

    def token_owner(self) -> dict[str, Any]:
        return {"contact": self.cleaned_data["contact"]}
