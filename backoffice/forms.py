"""Forms of the back-office work pages; each one feeds exactly one service call."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact, Customer, RequestType, SlaTarget
from portal.forms import MultipleFileField, UploadQuotaMixin
from tickets.models import (
    TRANSITIONS,
    Line,
    PriorityReason,
    Problem,
    ProblemStatus,
    ResolutionKind,
    Status,
    Ticket,
    Vendor,
)
from tickets.selectors import ASSIGNABLE_GROUPS, assignable_staff

PROVIDER_GROUPS = ASSIGNABLE_GROUPS


def engineers() -> QuerySet[User]:
    """Provider-side people who can be assigned a ticket (one rule with the API)."""
    return assignable_staff()


class ReplyForm(UploadQuotaMixin, forms.Form):
    VISIBILITY = [
        ("public", _("Public reply, emailed to the customer (counts as first response)")),
        ("phone", _("Phone call with the customer, logged (counts as first response)")),
        ("internal", _("Internal note (never shown to the customer)")),
    ]
    visibility = forms.ChoiceField(label=_("Kind"), choices=VISIBILITY, initial="public")
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, ticket: Ticket | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_ticket = ticket

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.quota_clean(data)  # type, per file, is checked by MultipleFileField
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = sorted(TRANSITIONS[Status(ticket.status)] - {Status.RESOLVED})
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(s, Status(s).label) for s in allowed]


class AssignForm(forms.Form):
    line = forms.ChoiceField(label=_("Line"), choices=Line.choices)
    assignee = forms.ModelChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = engineers()
        field.label_from_instance = _person  # type: ignore[method-assign,assignment]


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


class PriorityForm(forms.Form):
    level = forms.ChoiceField(label=_("Priority / severity"))
    # D8: a downgrade because the customer cannot staff 24x7 is a recorded reason of its own.
    reason_code = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (PriorityReason.PROVIDER_ASSESSMENT, PriorityReason.PROVIDER_ASSESSMENT.label),
            (PriorityReason.IMPACT_CHANGED, PriorityReason.IMPACT_CHANGED.label),
            (
                PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
                PriorityReason.CUSTOMER_CANNOT_STAFF_24X7.label,
            ),
        ],
        initial=PriorityReason.PROVIDER_ASSESSMENT,
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def clean_reason_code(self) -> str:
        return self.cleaned_data.get("reason_code") or PriorityReason.PROVIDER_ASSESSMENT

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = levels


class PriorityDecisionForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        coerce=lambda v: v == "yes", choices=[("yes", _("accept")), ("no", _("reject"))]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RootCauseForm(forms.Form):
    text = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Resolved by"), choices=ResolutionKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class EscalationResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How was it resolved?"), widget=forms.Textarea(attrs={"rows": 2})
    )


def incident_levels() -> list[tuple[str, list[tuple[str, str]]]]:
    """Incident levels of the current catalogue, grouped per provider, in rank order."""
    dutch = get_language() == "nl"
    groups: dict[str, dict[str, str]] = {}
    for level, label_nl, label_en, provider in (
        SlaTarget.objects.filter(policy__release__is_current=True, request_type="incident")
        .order_by("policy__release__provider__name", "rank", "level")
        .values_list("level", "label_nl", "label_en", "policy__release__provider__name")
    ):
        groups.setdefault(provider, {}).setdefault(level, label_nl if dutch else label_en)
    return [
        (provider, [(level, f"{label} ({level})") for level, label in levels.items()])
        for provider, levels in groups.items()
    ]


class TriageTicketForm(forms.Form):
    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.all())
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(is_active=True).select_related("customer"),
        required=False,
        help_text=_("Empty: a contact with the sender's address is made for the customer."),
    )
    request_type = forms.ChoiceField(label=_("Type"), choices=RequestType.choices)
    priority_level = forms.ChoiceField(
        label=_("Priority / severity"),
        required=False,
        help_text=_("The level must exist in the contact's contract; empty: the default."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    send_receipt = forms.BooleanField(
        label=_("Send the receipt confirmation"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["priority_level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *incident_levels()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact, customer = data.get("contact"), data.get("customer")
        if contact is not None and customer is not None and contact.customer_id != customer.pk:
            self.add_error("contact", _("This contact belongs to another customer."))
        return data


class TriageReplyForm(forms.Form):
    ticket_number = forms.CharField(label=_("Ticket number"), max_length=20)
    public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)

    def clean_ticket_number(self) -> Ticket:
        number = self.cleaned_data["ticket_number"].strip().upper()
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket %(number)s.") % {"number": number})
        return ticket


class TriageDismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason for dismissing"), max_length=2000)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class ProblemLinkForm(forms.Form):
    problem = forms.ModelChoiceField(label=_("Problem"), queryset=Problem.objects.none())

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["problem"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Problem.objects.exclude(status=ProblemStatus.CLOSED)
            .filter(Q(customer_id=ticket.customer_id) | Q(customer__isnull=True))
            .order_by("-opened_at")
        )


class ProblemOpenForm(forms.Form):
    title = forms.CharField(label=_("Problem title"), max_length=250)
    with_suggested = forms.BooleanField(
        label=_("Link the similar incidents too"), required=False, initial=True
    )


class RcaRequestForm(forms.Form):
    requested_at = forms.DateTimeField(
        label=_("Customer's written request received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class VendorOpenForm(forms.Form):
    vendor = forms.ChoiceField(label=_("Vendor"), choices=Vendor.choices)
    vendor_name = forms.CharField(
        label=_("Vendor name (other vendor)"), max_length=120, required=False
    )
    vendor_reference = forms.CharField(
        label=_("Vendor's ticket reference"), max_length=120, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class VendorUpdateForm(forms.Form):
    escalation_id = forms.IntegerField(widget=forms.HiddenInput)
    close = forms.BooleanField(required=False, widget=forms.HiddenInput)
    vendor_reference = forms.CharField(
        label=_("Vendor's ticket reference"), max_length=120, required=False
    )
    note = forms.CharField(label=_("What was shared"), max_length=500, required=False)


class SlaExemptForm(forms.Form):
    reason = forms.CharField(
        label=_("Customer precondition not met"), max_length=500, required=False
    )
    vendor_owned = forms.BooleanField(label=_("Resolution owned by the vendor"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reason", "").strip() and not data.get("vendor_owned"):
            raise forms.ValidationError(_("Give the reason, or mark the resolution vendor-owned."))
        return data
