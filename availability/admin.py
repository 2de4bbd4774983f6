"""Availability in the back-office: services per contract, outages, maintenance windows and
planned maintenance. Every write goes through the availability services; the forms show the
services' refusals as errors, nothing is written. Coordinators write (backoffice.0011); the
other provider roles read, a CSAM their own contracts' rows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from availability.exceptions import AvailabilityError
from availability.models import (
    MaintenanceAnnouncement,
    MaintenanceWindow,
    MonitoredService,
    Outage,
    PlannedMaintenance,
)
from availability.services.maintenance import (
    MaintenanceInput,
    maintenance_cancel,
    maintenance_plan,
    maintenance_problem,
)
from availability.services.monitored import monitored_service_create
from availability.services.outages import (
    OutageInput,
    outage_end,
    outage_record,
    outage_times_problem,
    outage_update,
)
from contracts.admin import ReadOnlyAdmin

OUTAGE_FIELDS = (
    "start",
    "end",
    "planned",
    "affects_all_users",
    "exclusion_reason",
    "description",
)


@admin.register(MonitoredService)
class MonitoredServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "contract",
        "kind",
        "hosting",
        "office_target_percent",
        "outside_target_percent",
        "max_interruptions",
        "target_basis",
        "is_active",
    ]
    list_filter = ["kind", "hosting", "is_active", "contract__provider"]
    search_fields = ["name", "contract__reference", "contract__customer__name"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:  # the targets come from the provider's defaults, editable afterwards
            return ["contract", "name", "kind", "hosting"]
        return [f for f in super().get_fields(request, obj) if f != "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["contract"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = monitored_service_create(
            contract=obj.contract,
            name=obj.name,
            kind=obj.kind,
            hosting=obj.hosting or None,
            now=timezone.now(),
        )
        obj.pk = created.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OutageForm(forms.ModelForm):
    class Meta:
        model = Outage
        fields = ["service", *OUTAGE_FIELDS, "tickets"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") is not None:
            problem = outage_times_problem(data["start"], data.get("end"), timezone.now())
            if problem:
                self.add_error(None, problem)
        service = data.get("service") or getattr(self.instance, "service", None)
        tickets = data.get("tickets")
        foreign = (
            service is not None
            and tickets is not None
            and tickets.exclude(contract_id=service.contract_id).exists()
        )
        if foreign:
            self.add_error("tickets", _("Only tickets of the service's own contract."))
        return data


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    form = OutageForm
    list_display = [
        "service",
        "start",
        "end",
        "planned",
        "affects_all_users",
        "exclusion_reason",
        "recorded_by",
    ]
    list_filter = ["planned", "affects_all_users", "exclusion_reason", "service__kind"]
    search_fields = ["service__name", "service__contract__reference", "description"]
    list_select_related = ["service__contract", "recorded_by"]
    autocomplete_fields = ["service"]
    raw_id_fields = ["tickets"]
    date_hierarchy = "start"
    actions = ["end_now"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["service"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Written with its tickets in save_related, through the services."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        data = form.cleaned_data
        now = timezone.now()
        if change:
            changes = {name: data[name] for name in OUTAGE_FIELDS if name in form.changed_data}
            outage_update(outage=form.instance, changes=changes, tickets=data["tickets"], now=now)
        else:
            fields = {name: data[name] for name in OUTAGE_FIELDS}
            fields["end"] = data.get("end")
            created = outage_record(
                data=OutageInput(service=data["service"], tickets=tuple(data["tickets"]), **fields),
                by=request.user,
                now=now,
            )
            form.instance.pk = created.pk

    @admin.action(description=_("End the selected outages now"), permissions=["change"])
    def end_now(self, request: HttpRequest, queryset: QuerySet[Outage]) -> None:
        now = timezone.now()
        for outage in queryset.filter(end__isnull=True):
            try:
                outage_end(outage=outage, end=now, now=now)
            except AvailabilityError as error:
                self.message_user(request, str(error), messages.ERROR)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(admin.ModelAdmin):
    list_display = ["provider", "weekdays", "start_time", "end_time", "timezone"]
    list_select_related = ["provider"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MaintenanceAddForm(forms.ModelForm):
    class Meta:
        model = PlannedMaintenance
        fields = ["provider", "services", "title", "description", "start", "end"]
        fields += ["override_reason"]

    def maintenance_input(self) -> MaintenanceInput:
        data = self.cleaned_data
        return MaintenanceInput(
            provider=data["provider"],
            services=list(data["services"].select_related("contract")),
            title=data["title"],
            description=data.get("description", ""),
            start=data["start"],
            end=data["end"],
            override_reason=data.get("override_reason", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(data.get(k) is not None for k in ("provider", "services", "start", "end", "title")):
            problem = maintenance_problem(self.maintenance_input(), timezone.now())
            if problem:
                self.add_error(None, problem)
        return data


@admin.register(PlannedMaintenance)
class PlannedMaintenanceAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "provider",
        "start",
        "end",
        "status",
        "inside_window",
        "notice_ok",
        "announced_at",
        "reminder_sent_at",
    ]
    list_filter = ["status", "inside_window", "notice_ok", "provider"]
    search_fields = ["title", "services__name", "services__contract__reference"]
    list_select_related = ["provider"]
    filter_horizontal = ["services"]
    date_hierarchy = "start"
    actions = ["cancel"]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = MaintenanceAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [f.name for f in PlannedMaintenance._meta.fields if f.name != "id"] + ["services"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Planned with its services in save_related, through the service."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:
            return
        created = maintenance_plan(
            data=form.maintenance_input(), by=request.user, now=timezone.now()
        )
        form.instance.pk = created.pk

    @admin.action(description=_("Cancel the selected maintenance"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[PlannedMaintenance]) -> None:
        for maintenance in queryset:
            try:
                maintenance_cancel(maintenance=maintenance, now=timezone.now())
            except AvailabilityError as error:
                self.message_user(request, str(error), messages.ERROR)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MaintenanceAnnouncement)
class MaintenanceAnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["maintenance", "contact", "kind", "sent_at"]
    list_filter = ["kind"]
    list_select_related = ["maintenance", "contact"]
