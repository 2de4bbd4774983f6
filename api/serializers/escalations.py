"""Escalations and problems in and out (issue #12 §2). Shapes only.

A customer's caller sees of an escalation what the portal tells it: that its ticket was
escalated, to which level, why, and whether it was acknowledged and resolved; never who was
mailed, the staff's notes or delivery faults (the staff serializer adds those, `required=False`
as a customer's answer lacks them). Problems are staff-only: the portal never shows them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.tickets import ContactRefSerializer, PartySerializer
from escalation.models import Level, Reason
from tickets.models import ProblemOrigin, ProblemStatus


class TicketRefSerializer(ApiSerializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class EscalationOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    ticket = TicketRefSerializer()
    level = serializers.ChoiceField(choices=Level.choices)
    reason = serializers.ChoiceField(choices=Reason.choices)
    raised_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


class RecipientSerializer(ApiSerializer):
    role = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField()
    language = serializers.CharField()


class FallbackSerializer(ApiSerializer):
    refused = serializers.CharField(help_text=_("The address whose server refused the mail."))
    error = serializers.CharField()
    to = serializers.CharField(help_text=_("Who was told instead; empty: nobody was left."))
    at = serializers.CharField()


class StaffEscalationOutputSerializer(EscalationOutputSerializer):
    clock_version = serializers.IntegerField(required=False)
    occasion = serializers.CharField(required=False)
    recipients = RecipientSerializer(required=False, many=True)
    configuration_error = serializers.CharField(required=False)
    note = serializers.CharField(required=False)
    raised_by_contact = ContactRefSerializer(required=False, allow_null=True)
    raised_by_user = PartySerializer(required=False, allow_null=True)
    acknowledged_by = serializers.CharField(required=False)
    resolved_by = PartySerializer(required=False, allow_null=True)
    resolution_note = serializers.CharField(required=False)
    notified_count = serializers.IntegerField(required=False)
    next_notify_at = serializers.DateTimeField(required=False, allow_null=True)
    fallbacks = FallbackSerializer(required=False, many=True)


class EscalationResolveInputSerializer(ApiSerializer):
    note = serializers.CharField(max_length=10_000, help_text=_("How the escalation was resolved."))


class ProblemOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    customer = PartySerializer(allow_null=True, help_text=_("Null: it spans customers."))
    product = serializers.CharField()
    status = serializers.ChoiceField(choices=ProblemStatus.choices)
    origin = serializers.ChoiceField(choices=ProblemOrigin.choices)
    source_ticket = TicketRefSerializer(allow_null=True)
    root_cause = serializers.CharField()
    root_cause_identified_at = serializers.DateTimeField(allow_null=True)
    workaround = serializers.CharField()
    has_rca_report = serializers.BooleanField()
    rca_requested_at = serializers.DateTimeField(allow_null=True)
    rca_due_at = serializers.DateTimeField(allow_null=True)
    rca_delivered_at = serializers.DateTimeField(allow_null=True)
    opened_at = serializers.DateTimeField()
    opened_by = PartySerializer(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    incidents = TicketRefSerializer(
        many=True, help_text=_("Its incidents among the tickets the caller may see.")
    )
