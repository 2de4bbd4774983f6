"""The support services manager's plan form for an Azure Event Management event: validation of
the input only; the rules are the planning service's (contracts.services.events)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from contracts.services.events import AemEventInput
from portal.forms import MultipleFileField


class AemEventForm(forms.Form):
    contract = forms.ModelChoiceField(label=_("Contract"), queryset=Contract.objects.none())
    solution = forms.CharField(
        label=_("Azure solution"),
        max_length=200,
        help_text=_("One solution per event: the subscriptions and resources of one outcome."),
    )
    is_retail = forms.BooleanField(label=_("Cloud for Retail event"), required=False)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most 5 consecutive calendar days."),
    )
    confirmed_on = forms.DateField(
        label=_("Confirmed in writing on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today. At least 8 weeks before the first day."),
    )
    assessment = MultipleFileField(label=_("Pre-event assessment (optional)"))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, contracts: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]

    def event_input(self) -> AemEventInput:
        data = self.cleaned_data
        confirmed = data["confirmed_on"]
        return AemEventInput(
            contract=data["contract"],
            solution=data["solution"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            is_retail=data["is_retail"],
            confirmed_at=(
                datetime.combine(confirmed, time(12), tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE))
                if confirmed
                else None
            ),
            notes=data["notes"],
        )

    def document(self) -> Any:
        files = self.cleaned_data.get("assessment") or []
        return files[0] if files else None

    def clean_assessment(self) -> list[Any]:
        files = self.cleaned_data.get("assessment") or []
        if len(files) > 1:
            raise forms.ValidationError(_("One file: the pre-event assessment."))
        return list(files)
