"""Ticket actions in and out (issue #12 §2). Serializers only shape and check types: every rule
(who may, in which status, which level) is the service's, and answers as a domain error."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.tickets import StaffTicketOutputSerializer
from tickets.models import PriorityReason, RequestState, ResolutionKind, Status

TEXT_MAX = 100_000
REASON_MAX = 10_000


class PersonSerializer(ApiSerializer):
    """Who wrote or did something. A customer reads the provider's people as the service desk
    (as in the portal): `kind` "staff" with no id."""

    kind = serializers.ChoiceField(choices=["contact", "staff", "system"])
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


# --- reply ---------------------------------------------------------------------------------


class ReplyInputSerializer(ApiSerializer):
    body = serializers.CharField(max_length=TEXT_MAX)
    internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Staff: an internal note, never shown to the customer. Customers: false."),
    )
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        default=list,
        help_text=_("multipart/form-data: files sent with the message, as in the portal."),
    )


class AttachmentOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    message = serializers.IntegerField(allow_null=True)
    stored_at = serializers.DateTimeField(allow_null=True)
    download = serializers.CharField(help_text=_("The path that serves the file."))


class MessageOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["public", "internal"])
    channel = serializers.CharField()
    author = PersonSerializer()
    body = serializers.CharField()
    is_automated = serializers.BooleanField()
    update_kind = serializers.CharField(
        allow_blank=True,
        help_text=_("status, action_plan or escalation_update for a typed update; else empty."),
    )
    created_at = serializers.DateTimeField()
    attachments = AttachmentOutputSerializer(many=True)


class ReplyOutputSerializer(ApiSerializer):
    outcome = serializers.ChoiceField(
        choices=["added", "reopened", "follow_up"],
        help_text=_(
            "added: the message is on the ticket; reopened: the resolved ticket is open again; "
            "follow_up: the ticket was closed, so the message opened a new ticket (`ticket`)."
        ),
    )
    ticket = StaffTicketOutputSerializer()
    message = MessageOutputSerializer(allow_null=True)


# --- status --------------------------------------------------------------------------------


class TransitionInputSerializer(ApiSerializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=500)


class ResolveInputSerializer(ApiSerializer):
    kind = serializers.ChoiceField(choices=ResolutionKind.choices)
    text = serializers.CharField(max_length=TEXT_MAX)


# --- priority ------------------------------------------------------------------------------


class PriorityInputSerializer(ApiSerializer):
    level = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=500)
    reason_code = serializers.ChoiceField(
        choices=[
            PriorityReason.PROVIDER_ASSESSMENT,
            PriorityReason.IMPACT_CHANGED,
            PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
        ],
        default=PriorityReason.PROVIDER_ASSESSMENT,
    )


class PriorityRequestInputSerializer(ApiSerializer):
    level = serializers.CharField(max_length=40)
    reason = serializers.CharField(max_length=REASON_MAX)
    reason_code = serializers.ChoiceField(
        choices=[PriorityReason.CUSTOMER_REQUEST, PriorityReason.CUSTOMER_CANNOT_STAFF_24X7],
        default=PriorityReason.CUSTOMER_REQUEST,
    )


class PriorityRequestOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    requested_level = serializers.CharField()
    reason = serializers.CharField()
    state = serializers.ChoiceField(choices=RequestState.choices)
    requested_by = PersonSerializer()
    created_at = serializers.DateTimeField()
    decided_by = PersonSerializer(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(allow_blank=True)


class PriorityDecisionInputSerializer(ApiSerializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


# --- escalation ----------------------------------------------------------------------------


class EscalateInputSerializer(ApiSerializer):
    reason = serializers.CharField(max_length=REASON_MAX)
    unsatisfied = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("The outcome of the level-1 escalation is not satisfactory (level 2)."),
    )


class EscalationRaisedOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    ticket = serializers.IntegerField()
    level = serializers.IntegerField()
    reason = serializers.CharField()
    raised_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    promise = serializers.CharField(help_text=_("When the responsible manager is told."))


# --- assignment ----------------------------------------------------------------------------


class AssignInputSerializer(ApiSerializer):
    assignee = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text=_("A staff member's id, or null to unassign."),
    )


# --- satisfaction ---------------------------------------------------------------------------


class CsatInputSerializer(ApiSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=REASON_MAX, required=False, default="", allow_blank=True
    )


class CsatOutputSerializer(ApiSerializer):
    state = serializers.ChoiceField(
        choices=["not_open", "open", "answered"],
        help_text=_(
            "not_open: the ticket is not resolved yet; open: the customer may answer; "
            "answered: the answer is below."
        ),
    )
    score = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = PersonSerializer(allow_null=True)
