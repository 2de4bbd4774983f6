"""Calendar revisions in the back-office (DECISIONS D1, D3).

A coordinator with the change permission edits the current revision of a calendar; saving adds
revision + 1 through `calendar_revise` (the stored row never changes) and "Preview" lists the
closed days of a year for the entered values without saving. Old revisions, and users without
the permission, get the read-only page with the closed days of a chosen year (?year=2027).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.calendars import (
    DAY_KEYS,
    calendar_closed_days,
    calendar_spec_of,
    calendar_spec_problems,
    hours_from_text,
    hours_to_text,
)
from contracts.exceptions import CalendarRevisionInvalid
from contracts.models import BusinessCalendar
from contracts.selectors import calendar_revisions
from contracts.services.calendars import calendar_revise

_DAY_LABELS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
_YEARS = (1990, 2100)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _dates(text: str) -> list[str]:
    """One ISO date per line; every bad line is reported."""
    values, bad = [], []
    for line in _lines(text):
        try:
            values.append(date.fromisoformat(line).isoformat())
        except ValueError:
            bad.append(line)
    if bad:
        raise ValidationError(
            gettext("Not a date (use YYYY-MM-DD, one per line): %(lines)s")
            % {"lines": ", ".join(bad)}
        )
    return values


class CalendarRevisionForm(forms.Form):
    """Parses the entered values into a calendar spec; the rules are `calendar_spec_problems`."""

    holiday_country = forms.CharField(
        label=_("holiday country"),
        max_length=8,
        required=False,
        help_text=_("ISO 3166 code of the public holidays, e.g. NL. Empty: no public holidays."),
    )
    holiday_subdivision = forms.CharField(
        label=_("holiday subdivision"), max_length=16, required=False
    )
    holiday_categories = forms.CharField(
        label=_("holiday categories"),
        required=False,
        help_text=_("Comma-separated, e.g. public, optional. Empty: public."),
    )
    holiday_remove_names = forms.CharField(
        label=_("holidays removed by name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("English holiday names that do not close the calendar, one per line."),
    )
    extra_closures = forms.CharField(
        label=_("extra closed dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("YYYY-MM-DD, one per line."),
    )
    removals = forms.CharField(
        label=_("holiday dates that stay open"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("YYYY-MM-DD, one per line."),
    )
    note = forms.CharField(
        label=_("reason for the revision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to save; shown in the revision history."),
    )
    year = forms.IntegerField(label=_("preview year"), min_value=_YEARS[0], max_value=_YEARS[1])

    def __init__(
        self, *args: Any, calendar: BusinessCalendar, require_note: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.require_note = require_note
        for key, label in zip(DAY_KEYS, _DAY_LABELS, strict=True):
            self.fields[f"hours_{key}"] = forms.CharField(
                label=label,
                required=False,
                help_text=_("e.g. 08:30-12:00, 13:00-17:30; empty: closed"),
            )
        self.order_fields([f"hours_{key}" for key in DAY_KEYS])

    @staticmethod
    def initial_for(calendar: BusinessCalendar, year: int) -> dict[str, Any]:
        hours = calendar.hours or {}
        return {
            **{f"hours_{key}": hours_to_text(hours.get(key, [])) for key in DAY_KEYS},
            "holiday_country": calendar.holiday_country,
            "holiday_subdivision": calendar.holiday_subdivision,
            "holiday_categories": ", ".join(calendar.holiday_categories),
            "holiday_remove_names": "\n".join(calendar.holiday_remove_names),
            "extra_closures": "\n".join(calendar.extra_closures),
            "removals": "\n".join(calendar.removals),
            "year": year,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for key in DAY_KEYS:
            try:
                hours[key] = hours_from_text(data.get(f"hours_{key}") or "")
            except ValueError as exc:
                self.add_error(f"hours_{key}", str(exc))
        for field in ("extra_closures", "removals"):
            try:
                data[field] = _dates(data.get(field) or "")
            except ValidationError as exc:
                self.add_error(field, exc)
        if self.require_note and not (data.get("note") or "").strip():
            self.add_error("note", gettext("Give the reason for this revision."))
        if self.errors:
            return data
        data["hours"] = {key: value for key, value in hours.items() if value}
        for problem in calendar_spec_problems(self.spec(data)):
            self.add_error(None, problem)
        return data

    def revise_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "hours": data["hours"],
            "holiday_country": data["holiday_country"].strip().upper(),
            "holiday_subdivision": data["holiday_subdivision"].strip(),
            "holiday_categories": [
                c.strip() for c in data["holiday_categories"].split(",") if c.strip()
            ],
            "holiday_remove_names": _lines(data["holiday_remove_names"]),
            "extra_closures": data["extra_closures"],
            "removals": data["removals"],
            "note": data["note"],
        }

    def spec(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The entered calendar as a spec (for the preview), on top of the stored row."""
        data = data if data is not None else self.cleaned_data
        spec = calendar_spec_of(self.calendar)
        country = (data.get("holiday_country") or "").strip().upper()
        categories = [c.strip() for c in (data.get("holiday_categories") or "").split(",")]
        spec["hours"] = data.get("hours", {})
        spec["holidays"] = {
            "country": country,
            "subdivision": (data.get("holiday_subdivision") or "").strip(),
            "categories": [c for c in categories if c],
            "remove_names": _lines(data.get("holiday_remove_names") or ""),
            "extra_closures": data.get("extra_closures") or [],
            "removals": data.get("removals") or [],
        }
        return spec


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return timezone.localdate().year
    return year if _YEARS[0] <= year <= _YEARS[1] else timezone.localdate().year


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "release", "revision", "is_current_revision", "timezone"]
    list_filter = ["release__provider", "release__is_current", "is_current_revision"]
    list_select_related = ["release__provider"]
    search_fields = ["code", "name"]
    change_form_template = "admin/contracts/businesscalendar/change_form.html"
    revision_template = "admin/contracts/businesscalendar/revise.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # calendars come from the catalogue files; edits add revisions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Only the current revision is revised (D3); the support coordinator role has the
        change permission, everyone else sees the calendars read-only."""
        if obj is not None and not obj.is_current_revision:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.opts.fields]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        row = self.get_object(request, unquote(object_id))
        if row is None:
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
        year = _year(request.GET.get("year"))
        if not self.has_change_permission(request, row):
            context = {**(extra_context or {}), **self._saved_context(row, year)}
            return super().change_view(request, object_id, form_url, context)
        return self._revision_view(request, row, year)

    def _saved_context(self, row: BusinessCalendar, year: int) -> dict[str, Any]:
        return {
            "year": year,
            "years": [year - 1, year + 1],
            "closed_days": calendar_closed_days(calendar_row_or_spec=row, year=year),
            "revisions": calendar_revisions(row),
        }

    def _revision_view(self, request: HttpRequest, row: BusinessCalendar, year: int) -> Any:
        saving = request.method == "POST" and "_save_revision" in request.POST
        if request.method == "POST":
            form = CalendarRevisionForm(request.POST, calendar=row, require_note=saving)
        else:
            form = CalendarRevisionForm(
                calendar=row, initial=CalendarRevisionForm.initial_for(row, year)
            )
        preview = None
        if request.method == "POST" and form.is_valid():
            if saving:
                revised = self._revise(request, row, form)
                if revised is not None:
                    return redirect(
                        reverse("admin:contracts_businesscalendar_change", args=[revised.pk])
                    )
            else:
                preview = calendar_closed_days(
                    calendar_row_or_spec=form.spec(), year=form.cleaned_data["year"]
                )
        context = {
            **self.admin_site.each_context(request),
            **self._saved_context(row, year),
            "opts": self.opts,
            "original": row,
            "title": gettext("Revise %(calendar)s") % {"calendar": row},
            "form": form,
            "preview": preview,
            "preview_year": form.cleaned_data.get("year") if preview is not None else None,
            "has_view_permission": True,
        }
        return TemplateResponse(request, self.revision_template, context)

    def _revise(
        self, request: HttpRequest, row: BusinessCalendar, form: CalendarRevisionForm
    ) -> BusinessCalendar | None:
        try:
            revised = calendar_revise(
                calendar=row,
                **form.revise_kwargs(),
                now=timezone.now(),
                actor=cast(User, request.user),
            )
        except CalendarRevisionInvalid as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
            return None
        self.log_addition(request, revised, [{"added": {}}])
        self.message_user(
            request,
            gettext("Revision %(revision)s of %(code)s saved; new tickets use it.")
            % {"revision": revised.revision, "code": revised.code},
        )
        return revised
