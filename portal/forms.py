"""Portal forms: validation only; every write is a service call in the view (ARCHITECTURE)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact, Contract, Customer, RequestType
from contracts.selectors_events import ServiceArea, contract_asks_service_area
from contracts.text import person_name_validate
from notifications.services.upload_alerts import upload_quota_check
from tickets.forms import TicketRequestForm
from tickets.models import Channel, ImpactEffect, ImpactScope, PriorityReason, Status, Ticket
from tickets.questions import QuestionSet, contract_question_set, foreign_answers
from tickets.services.create import BUSINESS_CRITICAL_CHECKS, TicketCreateInput
from tickets.services.uploads import UploadRefused, upload_batch_problem, uploaded_names_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, each within the intake's attachment limits and accepted by
    the upload policy (type by content and extension, issue #10 §4); every refused file is
    named with its reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        too_large = upload_batch_problem(files)  # one rule with the API
        if too_large is not None:
            raise forms.ValidationError(too_large)
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        refusals = uploaded_names_check(cleaned)
        if refusals:
            raise forms.ValidationError(refusals)
        return cleaned


class UploadQuotaMixin:
    """The storage quotas (per ticket, per organisation and day) for a form's `attachments`.

    The check alerts the support coordinators once when a quota is reached (a committed outbox
    row, although the upload itself is refused)."""

    upload_customer: Customer | None = None
    upload_ticket: Ticket | None = None

    def quota_clean(self, data: dict[str, Any]) -> None:
        files = data.get("attachments") or []
        customer = self.upload_customer
        if self.upload_ticket is not None:
            customer = self.upload_ticket.customer
        if not files or customer is None:
            return
        try:
            upload_quota_check(
                customer=customer,
                ticket=self.upload_ticket,
                sizes=[upload.size for upload in files],
                now=timezone.now(),
            )
        except UploadRefused as refused:
            self.add_error("attachments", str(refused))  # type: ignore[attr-defined]


class TicketFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *Status.choices]
    )
    request_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("any")), *RequestType.choices]
    )
    rank = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=[("", _("any"))] + [(str(r), f"P{r}") for r in (1, 2, 3, 4)],
    )
    created_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("queue", _("priority and due time")),
            ("-created_at", _("newest")),
            ("created_at", _("oldest")),
            ("-updated_at", _("recently changed")),
        ],
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), required=False, queryset=Contact.objects.none(), empty_label=_("any")
    )
    everything = forms.BooleanField(label=_("All of the organisation's tickets"), required=False)

    def __init__(self, *args: Any, customer_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = Contact.objects.filter(customer_id=customer_id or 0).order_by("name")
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class ContractSelect(forms.Select):
    """The contract choice; each option carries the questions its provider asks and whether its
    tickets are shared by default, for the page's small script (progressive enhancement)."""

    option_data: dict[str, dict[str, str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.option_data = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


# What a customer reads when it answered a question its contract's provider does not ask.
QUESTION_NAMES: dict[str, Any] = {
    QuestionSet.SCOPE_EFFECT: _("who is affected and how"),
    QuestionSet.BUSINESS_IMPACT: _("the business impact and a proposed severity"),
    QuestionSet.CHECKLIST: _("the business-critical checklist"),
    QuestionSet.EMERGENCY: _("an emergency"),
}


def service_area_field() -> forms.ChoiceField:
    """What the ticket is about, asked under a contract with Microsoft's extended services:
    the answer picks Rapid Response, event or Retail targets (contracts.selectors_events)."""
    return forms.ChoiceField(
        label=_("What is the ticket about?"),
        required=False,
        choices=ServiceArea.choices,
        help_text=_(
            "Azure components and, during a planned event, your event's solution get faster "
            "targets when your contract includes them."
        ),
    )


class NewTicketForm(UploadQuotaMixin, TicketRequestForm):
    """A customer's new ticket. Only the questions of the chosen contract's provider count
    (issue #11 §4): answers to another provider's questions are refused, and no field sets a
    level; the provider's rules do (a Microsoft proposal becomes a request, D8)."""

    contract = forms.ModelChoiceField(
        label=_("Contract"), queryset=Contract.objects.none(), widget=ContractSelect
    )
    # onITnow: scope x effect decides the priority (SPEC §3.3.1).
    impact_scope = forms.ChoiceField(
        label=_("Who is affected?"), required=False, choices=[("", "-"), *ImpactScope.choices]
    )
    impact_effect = forms.ChoiceField(
        label=_("What is the effect?"),
        required=False,
        choices=[("", "-"), *ImpactEffect.choices],
    )
    # Microsoft: the customer describes the impact and proposes; Microsoft assigns (TKT-11).
    business_impact = forms.CharField(
        label=_("Business impact"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_level = forms.ChoiceField(label=_("Proposed severity"), required=False, choices=[])
    # Websitenazorg: emergency outside office hours (TKT-50).
    emergency = forms.BooleanField(label=_("This is an emergency"), required=False)
    any_user_can_login = forms.BooleanField(
        label=_("At least one user can still log in"), required=False
    )
    # D15, issue #11 §5: initial = the contract's default; the contact or manager may change it.
    shared_with_organisation = forms.BooleanField(
        label=_("Share this ticket with my colleagues"),
        required=False,
        help_text=_(
            "Colleagues of your organisation can then see and follow it. "
            "Your support services manager always sees it."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(
        self,
        *args: Any,
        contracts: Any = None,
        levels: Any = (),
        customer: Customer | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.upload_customer = customer
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
        choices = list(contracts) if contracts is not None else []
        if len(choices) == 1:
            self.fields["contract"].initial = choices[0]
        self.fields["proposed_level"].choices = [("", "-"), *levels]  # type: ignore[attr-defined]
        if any(contract_asks_service_area(c) for c in choices):
            self.fields["service_area"] = service_area_field()
        for name in BUSINESS_CRITICAL_CHECKS:  # CBG's checklist (TKT-41)
            self.fields[f"check_{name}"] = forms.BooleanField(
                label=BUSINESS_CRITICAL_LABELS[name], required=False
            )
        self.contracts_offered = choices
        self.contract_questions = {c.pk: contract_question_set(c) for c in choices}
        # Several contracts and none chosen yet: share only if every contract does by default.
        self.fields["shared_with_organisation"].initial = bool(choices) and all(
            c.tickets_shared_by_default for c in choices
        )
        widget = self.fields["contract"].widget
        assert isinstance(widget, ContractSelect)
        widget.option_data = {
            str(c.pk): {
                "data-questions": " ".join(sorted(self.contract_questions[c.pk].questions)),
                "data-shared": "true" if c.tickets_shared_by_default else "false",
            }
            for c in choices
        }

    def question_blocks(self) -> dict[str, str]:
        """The question sets to render, each with the contracts that ask it ("" when the contact
        has one contract): a contract's own questions only, also without JavaScript."""
        labels = {c.pk: f"{c.reference} ({c.provider.name})" for c in self.contracts_offered}
        blocks = {}
        for question in QuestionSet:
            askers = [labels[pk] for pk, q in self.contract_questions.items() if q.asks(question)]
            if askers:
                blocks[question.value] = ", ".join(askers) if len(labels) > 1 else ""
        return blocks

    def create_input(self, *, contact: Contact) -> TicketCreateInput:
        """The validated answers as the one create service takes them; never a level."""
        data = self.cleaned_data
        return TicketCreateInput(
            **self.request_fields(),
            contact=contact,
            contract_id=data["contract"].pk,
            channel=Channel.PORTAL,
            impact_scope=data["impact_scope"],
            impact_effect=data["impact_effect"],
            business_impact=data["business_impact"],
            emergency=data["emergency"],
            any_user_can_login=data["any_user_can_login"],
            business_critical_checklist={
                name: bool(data.get(f"check_{name}")) for name in BUSINESS_CRITICAL_CHECKS
            },
            shared_with_organisation=data["shared_with_organisation"],
            service_area=data.get("service_area", ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.quota_clean(data)
        contract = data.get("contract")
        if contract is not None:
            self._answers_clean(data, contract)
        return data

    def _answers_clean(self, data: dict[str, Any], contract: Contract) -> None:
        asked = self.contract_questions[contract.pk]
        for question in foreign_answers(asked.questions, _answered(data)):
            self.add_error(
                None,
                _(
                    "Contract %(contract)s does not ask about %(question)s; "
                    "leave those answers empty or choose another contract."
                )
                % {"contract": contract.reference, "question": QUESTION_NAMES[question]},
            )
        if bool(data.get("impact_scope")) != bool(data.get("impact_effect")):
            self.add_error(
                "impact_effect", _("Answer both who is affected and what the effect is.")
            )
        level = data.get("proposed_level")
        if not level or not asked.may_propose_level:
            return
        if data.get("request_type") != RequestType.INCIDENT:
            self.add_error(
                "proposed_level", _("Only an incident has a severity; leave this empty.")
            )
        elif level not in {t.level for t in asked.proposable}:
            self.add_error("proposed_level", _("This severity is not part of the chosen contract."))
        elif not (data.get("business_impact") or "").strip():
            self.add_error(
                "business_impact",
                _("Describe the business impact, so the provider can assign the severity."),
            )


def _answered(data: dict[str, Any]) -> list[str]:
    """The question sets the customer answered (an unticked box or empty field is no answer)."""
    answered: list[str] = []
    if data.get("impact_scope") or data.get("impact_effect"):
        answered.append(QuestionSet.SCOPE_EFFECT)
    if (data.get("business_impact") or "").strip() or data.get("proposed_level"):
        answered.append(QuestionSet.BUSINESS_IMPACT)
    checks = [data.get(f"check_{name}") for name in BUSINESS_CRITICAL_CHECKS]
    if any(checks) or data.get("any_user_can_login"):
        answered.append(QuestionSet.CHECKLIST)
    if data.get("emergency"):
        answered.append(QuestionSet.EMERGENCY)
    return answered


BUSINESS_CRITICAL_LABELS = {
    # CBG service description §4.1 lists the excluded failures.
    "no_listed_failure": _("It is not one of the failures the service description excludes"),
    "working_situation_delivered": _("A working environment was delivered"),
    "passwords_handed_over": _("Users have their passwords and use the correct ones"),
    "files_unreachable_for_all": _("Migrated files cannot be reached by any user"),
    "no_user_can_login": _("No user can log in on any device"),
}


class ReplyForm(UploadQuotaMixin, forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, ticket: Ticket | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_ticket = ticket

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.quota_clean(data)
        return data


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you escalate?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    unsatisfied = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PriorityRequestForm(forms.Form):
    level = forms.ChoiceField(label=_("Requested priority"), choices=[])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    # D8: a downgrade asked for because the customer cannot staff 24x7 is recorded as such.
    cannot_staff_24x7 = forms.BooleanField(
        label=_("We cannot staff this around the clock (a lower priority for that reason)"),
        required=False,
    )

    def __init__(self, *args: Any, levels: Any = (), staffing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = list(levels)  # type: ignore[attr-defined]
        if not staffing:  # offered only on a 24x7 priority
            del self.fields["cannot_staff_24x7"]

    def reason_code(self) -> str:
        if self.cleaned_data.get("cannot_staff_24x7"):
            return PriorityReason.CUSTOMER_CANNOT_STAFF_24X7
        return PriorityReason.CUSTOMER_REQUEST


class SharingForm(forms.Form):
    """Share a ticket with the organisation ("yes") or stop sharing it ("no")."""

    shared = forms.TypedChoiceField(
        choices=[("yes", _("shared")), ("no", _("not shared"))], coerce=lambda v: v == "yes"
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you? (1-5)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactChangeRequestForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Request"),
        choices=[("add", _("add a named contact")), ("remove", _("remove a named contact"))],
    )
    name = forms.CharField(label=_("Name"), max_length=200, validators=[person_name_validate])
    email = forms.EmailField(label=_("Email address"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
