"""The back-office registration form (issue #11 §3): a phone call, a walk-in or a request made
on a contact's behalf becomes a ticket through ticket_create, as every channel's does.

The form only validates; the view calls the service. It asks the contract's provider's own
impact questions (tickets.questions); unlike a customer, a staff member may set the priority
level directly, as the provider decides it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact, Contract, RequestType
from contracts.selectors import sla_policy_targets
from contracts.selectors_events import contract_asks_service_area, contract_extended_policy_codes
from contracts.selectors_phone_codes import out_of_hours_phone_policy
from contracts.staff_scope import staff_csam_only
from portal.forms import (
    BUSINESS_CRITICAL_LABELS,
    MultipleFileField,
    UploadQuotaMixin,
    service_area_field,
)
from tickets.forms import TicketRequestForm
from tickets.models import Channel, ImpactEffect, ImpactScope
from tickets.questions import ContractQuestions, QuestionSet, contract_question_set
from tickets.services.create import BUSINESS_CRITICAL_CHECKS, TicketCreateInput

COORDINATOR_GROUP = "Support coordinator"
RECEIVED_HOW = [
    ("phone", _("Phone call")),
    ("walk_in", _("Walk-in at the desk")),
    ("on_behalf", _("On behalf of the contact (colleague, email, chat)")),
]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def is_coordinator(user: User) -> bool:
    """May accept someone who is not a named contact (issue #11 §3): coordinators only."""
    return user.is_superuser or user.groups.filter(name=COORDINATOR_GROUP).exists()


def _level_choices(contract: Contract) -> list[tuple[str, str]]:
    """Every level of the contract's SLA policy, per request type, in the page's language,
    then the levels of its extended services' policies (Rapid Response, events: the service
    area picks which applies)."""
    english = (get_language() or "").startswith("en")
    types = dict(RequestType.choices)
    choices: dict[str, str] = {}
    for code in ["", *contract_extended_policy_codes(contract)]:
        policy = sla_policy_targets(contract=contract, policy_code=code)
        for target in sorted(
            policy.targets if policy else (), key=lambda t: (t.request_type, t.sort, t.rank)
        ):
            choices.setdefault(
                target.level,
                f"{types.get(target.request_type, target.request_type)}: "
                f"{target.label_en if english else target.label_nl} ({target.level}, "
                f"P{target.rank})",
            )
    return list(choices.items())


def _local_minute(moment: datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_LOCAL)


class NewTicketForm(UploadQuotaMixin, TicketRequestForm):
    """The contract is chosen on the page before the form (its questions depend on it)."""

    received_how = forms.ChoiceField(
        label=_("How did the request come in?"),
        choices=RECEIVED_HOW,
        initial="phone",
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=_("Time the request came in"),
        help_text=_("Not in the future. The response and resolution times count from here."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    priority_level = forms.ChoiceField(
        label=_("Priority / severity"),
        required=False,
        help_text=_("Empty: from the answers to the impact questions."),
    )
    attachments = MultipleFileField(label=_("Attachments"))
    shared_with_organisation = forms.BooleanField(
        label=_("Visible to the contact's colleagues"), required=False
    )
    send_receipt = forms.BooleanField(
        label=_("Send the receipt confirmation"), required=False, initial=True
    )
    named_contact_override = forms.CharField(
        label=_("Accept although not a named contact: reason"),
        required=False,
        max_length=500,
        help_text=_(
            "Only a support coordinator may accept this; the reason is kept on the ticket."
        ),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        contact: Contact,
        contracts: list[Contract],
        contract: Contract | None,
        now: datetime,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.contact, self.contract, self.now = user, contact, contract, now
        self.contracts = contracts
        self.upload_customer = contact.customer
        self.fields["received_at"].initial = _local_minute(now)
        self.fields["shared_with_organisation"].initial = (
            contract.tickets_shared_by_default if contract else False
        )
        self.questions = (
            contract_question_set(contract) if contract else ContractQuestions(frozenset())
        )
        before = set(self.fields)
        self._questions_add(self.questions)
        self.question_fields = [name for name in self.fields if name not in before]
        levels = _level_choices(contract) if contract else []
        self.fields["priority_level"].choices = [("", "—"), *levels]  # type: ignore[attr-defined]
        if contract is not None and contract_asks_service_area(contract):
            self.fields["service_area"] = service_area_field()
        if not is_coordinator(user):
            del self.fields["named_contact_override"]
        if contract is not None and out_of_hours_phone_policy(contract.package) is not None:
            self.fields["phone_code"] = forms.CharField(
                label=_("Out-of-hours phone code"),
                required=False,
                max_length=20,
                help_text=_(
                    "Outside office hours only: the code the caller gives for a "
                    "business-critical call. A valid code puts the ticket on the 24x7 line and "
                    "pages the person on call."
                ),
                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
            )

    def _questions_add(self, questions: ContractQuestions) -> None:
        """The provider's own impact questions, and only those (issue #11 §4)."""
        if questions.asks(QuestionSet.SCOPE_EFFECT):
            self.fields["impact_scope"] = forms.ChoiceField(
                label=_("Who is affected?"),
                required=False,
                choices=[("", "—"), *ImpactScope.choices],
            )
            self.fields["impact_effect"] = forms.ChoiceField(
                label=_("What is the effect?"),
                required=False,
                choices=[("", "—"), *ImpactEffect.choices],
            )
        if questions.asks(QuestionSet.BUSINESS_IMPACT):
            self.fields["business_impact"] = forms.CharField(
                label=_("Business impact"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if questions.asks(QuestionSet.CHECKLIST):
            for name in BUSINESS_CRITICAL_CHECKS:
                self.fields[f"check_{name}"] = forms.BooleanField(
                    label=BUSINESS_CRITICAL_LABELS[name], required=False
                )
            self.fields["any_user_can_login"] = forms.BooleanField(
                label=_("At least one user can still log in"), required=False
            )
        if questions.asks(QuestionSet.EMERGENCY):
            self.fields["emergency"] = forms.BooleanField(
                label=_("This is an emergency"), required=False
            )

    def clean_received_at(self) -> datetime:
        value: datetime = self.cleaned_data["received_at"]
        if value > self.now:
            raise forms.ValidationError(
                _("%(time)s is in the future: enter the time the request came in.")
                % {"time": timezone.localtime(value).strftime("%d-%m-%Y %H:%M")}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        override = (self.data.get(self.add_prefix("named_contact_override")) or "").strip()
        if override and not is_coordinator(self.user):
            self.add_error(
                None,
                _("Only a support coordinator may accept someone who is not a named contact."),
            )
        self._contract_clean()
        self.quota_clean(data)
        return data

    def _contract_clean(self) -> None:
        """A contract the user may register under; none at all is the service's refusal to
        give (inactive contact, no current contract), except for a customer success account
        manager, who registers only under their own contracts."""
        if self.contract is not None:
            return
        if self.contracts:
            self.add_error(None, _("Choose the contract the ticket is registered under."))
        elif staff_csam_only(self.user) and self.contact.is_active:
            self.add_error(
                None,
                _(
                    "None of your contracts with this customer is current; the first line can "
                    "register the ticket."
                ),
            )

    def create_input(self) -> TicketCreateInput:
        """The service's input from the cleaned answers (call after is_valid())."""
        data = self.cleaned_data
        return TicketCreateInput(
            **self.request_fields(),
            contact=self.contact,
            contract_id=self.contract.pk if self.contract else None,
            channel=Channel.PHONE,
            priority_level=data["priority_level"],
            impact_scope=data.get("impact_scope", ""),
            impact_effect=data.get("impact_effect", ""),
            business_impact=data.get("business_impact", ""),
            business_critical_checklist={
                name: bool(data[f"check_{name}"])
                for name in BUSINESS_CRITICAL_CHECKS
                if f"check_{name}" in data
            },
            any_user_can_login=data.get("any_user_can_login"),
            emergency=bool(data.get("emergency", False)),
            created_by=self.user,
            send_receipt=data["send_receipt"],
            shared_with_organisation=data["shared_with_organisation"],
            named_contact_override=data.get("named_contact_override", ""),
            received_at=data["received_at"],
            received_how=data["received_how"],
            service_area=data.get("service_area", ""),
        )


class ContactSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the caller"),
        required=False,
        max_length=200,
        help_text=_("Name, email address or phone number of the contact, or the customer's name."),
    )
