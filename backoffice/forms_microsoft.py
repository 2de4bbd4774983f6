"""Forms of a Microsoft work order's usage pages (issue #14 §2, D20): each feeds exactly one
usage service. They check only the shape of the input; the rules (balances, deadlines, exception
countries, ceilings) are the services', whose refusals the pages show as messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contracts.models import (
    CatalogueService,
    Contract,
    EntitlementKind,
    LocationRole,
    SupportLocation,
)

DATE = forms.DateInput(attrs={"type": "date"})


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.category})" if obj.category else obj.name


class LocationChoice(forms.ModelChoiceField):
    """A support location of the form's work order."""


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def package_services(contract: Contract) -> QuerySet[CatalogueService]:
    """The services of the catalogue version the work order's package belongs to."""
    return CatalogueService.objects.filter(release_id=contract.package.release_id).order_by(
        "category", "name"
    )


def contract_locations(contract: Contract) -> QuerySet[SupportLocation]:
    return SupportLocation.objects.filter(contract=contract).order_by("role", "country")


class ContractForm(forms.Form):
    """A form whose choices come from one work order."""

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract
        for field in self.fields.values():
            if isinstance(field, ServiceChoice):
                field.queryset = package_services(contract)
            elif isinstance(field, LocationChoice):
                field.queryset = contract_locations(contract)


class RateForm(ContractForm):
    service = ServiceChoice(label=_("service"), queryset=CatalogueService.objects.none())
    credits_per_unit = forms.DecimalField(label=_("credits per unit"), decimal_places=2)
    price = forms.DecimalField(
        label=_("price per unit"),
        decimal_places=2,
        required=False,
        help_text=_("The contracted price; a late cancellation may cost up to this much."),
    )
    valid_from = forms.DateField(label=_("valid from"), widget=DATE)


class RedeemForm(ContractForm):
    service = ServiceChoice(label=_("service"), queryset=CatalogueService.objects.none())
    location = LocationChoice(
        label=_("support location"),
        queryset=SupportLocation.objects.none(),
        required=False,
        help_text=_("Only on a work order with several support locations."),
    )
    quantity = forms.IntegerField(label=_("quantity"), initial=1)
    first_delivery_date = forms.DateField(label=_("first delivery day"), widget=DATE)


class RescheduleForm(forms.Form):
    first_delivery_date = forms.DateField(label=_("new first delivery day"), widget=DATE)


class ConfirmForm(forms.Form):
    """A change that needs no input beyond the button (a cancellation)."""


class FeeForm(forms.Form):
    fee = forms.DecimalField(label=_("fee"), decimal_places=2)


class ServiceExchangeForm(ContractForm):
    from_service = ServiceChoice(label=_("from"), queryset=CatalogueService.objects.none())
    to_service = ServiceChoice(label=_("to"), queryset=CatalogueService.objects.none())
    value = forms.DecimalField(label=_("value in credits"), decimal_places=2)
    approver = PersonChoice(
        label=_("approved by (Service Delivery)"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by(
            "first_name", "last_name", "username"
        ),
        required=False,
    )
    approved_on = forms.DateField(label=_("approved on"), widget=DATE)


class LocationForm(forms.Form):
    country = forms.CharField(
        label=_("country"), max_length=10, help_text=_("ISO 3166 code, e.g. NL.")
    )
    role = forms.ChoiceField(label=_("role"), choices=LocationRole.choices)
    credit_rate = forms.DecimalField(
        label=_("value of one credit"),
        decimal_places=4,
        help_text=_("In the location's currency, as set by the Microsoft representative."),
    )
    currency = forms.CharField(label=_("currency"), max_length=3, initial="EUR")


class LocationExchangeForm(ContractForm):
    from_location = LocationChoice(label=_("from"), queryset=SupportLocation.objects.none())
    to_location = LocationChoice(label=_("to"), queryset=SupportLocation.objects.none())
    credits_given = forms.DecimalField(label=_("credits given"), decimal_places=2)


class PurchaseForm(ContractForm):
    kind = forms.ChoiceField(label=_("entitlement"), choices=EntitlementKind.choices)
    quantity = forms.DecimalField(label=_("quantity"), decimal_places=2)
    location = LocationChoice(
        label=_("support location"),
        queryset=SupportLocation.objects.none(),
        required=False,
        help_text=_("Only on a work order with several support locations."),
    )
    reason = forms.CharField(label=_("reason"), max_length=200)
