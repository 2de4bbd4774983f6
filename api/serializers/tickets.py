"""Tickets in and out (issue #12 §2). Serializers only shape and check types: every rule is in
`tickets.services` (create, reply, transition ...) and answers as a domain error."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from contracts.models import RequestType
from contracts.selectors import policy_row
from contracts.selectors_events import ServiceArea
from tickets.models import Channel, ImpactEffect, ImpactScope, Line, Status
from tickets.selectors_aem import ticket_policy_label
from tickets.services.create import BUSINESS_CRITICAL_CHECKS


class PartySerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ContractRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class ContactRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class RefField(serializers.Field):
    """A related row as a small object of the fields of `shape`, for answers, drawn in the schema
    as `shape` itself. Same answer as nesting `shape()`, at a plain field's cost: a nested
    serializer copies its fields for every row it renders, a quarter of an API create's own
    time (bench/bench_api_create.py)."""

    def __init__(self, shape: type[serializers.Serializer[Any]], **kwargs: Any) -> None:
        self.shape = shape
        self.names = tuple(shape._declared_fields)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, Any]:
        return {name: getattr(value, name) for name in self.names}


class PrioritySerializer(ApiSerializer):
    level = serializers.CharField(help_text=_("The provider's own level, empty for none."))
    rank = serializers.IntegerField(allow_null=True, help_text=_("P1 (1) to P4 (4)."))


class TicketPolicySerializer(ApiSerializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=_("In the caller's language."))


class TicketOutputSerializer(ApiSerializer):
    """What a customer's caller sees; staff see `StaffTicketOutputSerializer`."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    channel = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    priority = serializers.SerializerMethodField()
    provider = RefField(PartySerializer)
    customer = RefField(PartySerializer)
    contract = RefField(ContractRefSerializer)
    contact = RefField(ContactRefSerializer)
    product = serializers.CharField()
    shared_with_organisation = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    at_risk_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution_kind = serializers.CharField()
    resolution = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    follow_up_of = serializers.SerializerMethodField()
    sla_policy = serializers.SerializerMethodField(
        help_text=_("The targets the ticket got: its package's or an extended service's.")
    )

    @extend_schema_field(TicketPolicySerializer(allow_null=True))
    def get_sla_policy(self, ticket: Any) -> dict[str, Any] | None:
        if ticket.sla_policy_id is None:
            return None
        code = policy_row(ticket.sla_policy_id).code
        return {"code": code, "name": ticket_policy_label(ticket)}

    def get_priority(self, ticket: Any) -> dict[str, Any]:
        return {"level": ticket.priority_level, "rank": ticket.priority_rank}

    def get_follow_up_of(self, ticket: Any) -> int | None:
        return ticket.follow_up_of_id

    # drf-spectacular reads these hints for the method fields.
    get_priority.__annotations__ = {"return": PrioritySerializer}


class StaffTicketOutputSerializer(TicketOutputSerializer):
    assignee = serializers.SerializerMethodField()
    line = serializers.ChoiceField(choices=Line.choices)
    sla_exempt_reason = serializers.CharField()
    named_contact_override = serializers.CharField()
    root_cause = serializers.CharField()
    problem = serializers.SerializerMethodField()

    @extend_schema_field(PartySerializer(allow_null=True))
    def get_assignee(self, ticket: Any) -> dict[str, Any] | None:
        user = ticket.assignee
        if user is None:
            return None
        return {"id": user.pk, "name": user.get_full_name() or user.get_username()}

    def get_problem(self, ticket: Any) -> int | None:
        return ticket.problem_id


class TicketCreateInputSerializer(ApiSerializer):
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    subject = serializers.CharField(max_length=250)
    description = serializers.CharField(max_length=100_000)
    contract = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    product = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    reproduction_steps = serializers.CharField(
        max_length=100_000, required=False, default="", allow_blank=True
    )
    impact_scope = serializers.ChoiceField(
        choices=ImpactScope.choices, required=False, default="", allow_blank=True
    )
    impact_effect = serializers.ChoiceField(
        choices=ImpactEffect.choices, required=False, default="", allow_blank=True
    )
    business_impact = serializers.CharField(
        max_length=10_000, required=False, default="", allow_blank=True
    )
    emergency = serializers.BooleanField(required=False, default=False)
    any_user_can_login = serializers.BooleanField(required=False, allow_null=True, default=None)
    business_critical_checklist = serializers.DictField(
        child=serializers.BooleanField(), required=False, default=dict
    )
    shared_with_organisation = serializers.BooleanField(
        required=False, allow_null=True, default=None
    )
    service_area = serializers.ChoiceField(
        choices=ServiceArea.choices,
        required=False,
        default="",
        allow_blank=True,
        help_text=_(
            "What the ticket is about: under a contract with Rapid Response, Azure Event "
            "Management or the Retail variant it picks those targets (empty: read from the "
            "product and the subject)."
        ),
    )

    def validate_business_critical_checklist(self, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(BUSINESS_CRITICAL_CHECKS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown checklist items: %(items)s.") % {"items": ", ".join(unknown)}
            )
        return value


class StaffTicketCreateInputSerializer(TicketCreateInputSerializer):
    """A provider registers a ticket for a contact (a monitoring alert, an RMM event)."""

    contact = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    priority_level = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    named_contact_override = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )
    send_receipt = serializers.BooleanField(required=False, default=True)
    channel = serializers.ChoiceField(
        choices=[(Channel.API, Channel.API.label), (Channel.PHONE, Channel.PHONE.label)],
        required=False,
        default=Channel.API,
        help_text=_(
            "phone: a call registered by the first line or the person on call; outside office "
            "hours the out-of-hours phone rules apply, as in the back-office registration."
        ),
    )
    phone_code = serializers.CharField(
        max_length=40,
        required=False,
        default="",
        allow_blank=True,
        help_text=_(
            "The customer's out-of-hours phone code the caller gave (phone calls only): outside "
            "office hours a valid code puts the call on the 24x7 business-critical line and "
            "pages the person on call; a wrong one is refused."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("phone_code", "").strip() and attrs.get("channel") != Channel.PHONE:
            raise serializers.ValidationError(
                {"phone_code": [_("A phone code goes with a phone call (channel phone).")]}
            )
        return attrs


class TicketPatchInputSerializer(ApiSerializer):
    shared_with_organisation = serializers.BooleanField(required=False)


class StaffTicketPatchInputSerializer(ApiSerializer):
    line = serializers.ChoiceField(choices=Line.choices, required=False)
