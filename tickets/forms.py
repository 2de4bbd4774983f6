"""What every door asks of a new ticket, whoever fills it in (issue #11 §3, §4): the portal's
form and the back-office's phone registration both start from `TicketRequestForm`; the
provider's own impact questions are added per contract by each (tickets.questions)."""

from __future__ import annotations

from typing import TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import RequestType


class RequestFields(TypedDict):
    request_type: str
    subject: str
    description: str
    product: str
    reproduction_steps: str


class TicketRequestForm(forms.Form):
    request_type = forms.ChoiceField(
        label=_("Type of request"),
        choices=RequestType.choices,
        initial=RequestType.INCIDENT,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    product = forms.CharField(label=_("Product or service"), max_length=200, required=False)
    reproduction_steps = forms.CharField(
        label=_("Steps to reproduce"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def request_fields(self) -> RequestFields:
        """The common answers, as TicketCreateInput takes them (call after is_valid())."""
        data = self.cleaned_data
        return RequestFields(
            request_type=data["request_type"],
            subject=data["subject"],
            description=data["description"],
            product=data["product"],
            reproduction_steps=data["reproduction_steps"],
        )
