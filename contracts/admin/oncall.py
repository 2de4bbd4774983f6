"""The on-call rota in the back-office (issue #13 §1): coordinators edit the shifts, every
other provider role reads them. Times are entered and shown as wall time in the desk's zone
(the middleware activates DISPLAY_TIME_ZONE) and stored in UTC. The week and month grid with
the gaps marked is backoffice:oncall."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, OnCallShift, Package, Provider
from contracts.selectors_oncall import Gap, contract_oncall_gaps, provider_oncall_warnings


class OnCallShiftForm(forms.ModelForm):
    class Meta:
        model = OnCallShift
        fields = ["provider", "package_code", "user", "position", "phone", "starts_at", "ends_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A shift ends after it starts."))
        code, provider = data.get("package_code"), data.get("provider")
        if code and provider and not _package_exists(provider.pk, code):
            raise ValidationError(
                _("The provider has no package with the code %(code)s.") % {"code": code}
            )
        return data


def _package_exists(provider_id: int, code: str) -> bool:
    return Package.objects.filter(
        release__provider_id=provider_id, release__is_current=True, code=code
    ).exists()


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    form = OnCallShiftForm
    list_display = ["user", "provider", "package_code", "position", "starts_at", "ends_at", "phone"]
    list_filter = ["provider", "position", "user"]
    list_select_related = ["provider", "user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "package_code"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "position"]


def _local(value: datetime) -> str:
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return formats.date_format(value.astimezone(zone), "D j M Y H:i")


def oncall_gap_message(package_name: str, gaps: list[Gap]) -> str:
    """The warning for the rota's gaps under a 24x7 promise, the first gap named."""
    start, end = gaps[0]
    return gettext(
        "Nobody is on call for %(package)s from %(start)s to %(end)s, while it promises help "
        "at any hour (gaps in the next %(weeks)s weeks: %(count)s). Fill the on-call rota."
    ) % {
        "package": package_name,
        "start": _local(start),
        "end": _local(end),
        "count": len(gaps),
        "weeks": settings.ONCALL_GAP_CHECK_WEEKS,
    }


def provider_oncall_messages(provider: Provider, *, now: datetime) -> list[str]:
    return [
        oncall_gap_message(w.package_name, w.gaps)
        for w in provider_oncall_warnings(provider, now=now)
    ]


def contract_oncall_message(contract: Contract, *, now: datetime) -> str:
    gaps = contract_oncall_gaps(contract, now=now)
    return oncall_gap_message(contract.package.name, gaps) if gaps else ""
