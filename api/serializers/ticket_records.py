"""A ticket's records out (issue #12 §2): messages, attachments, events and the SLA clocks with
their ledger. Shapes only: what a caller may see is chosen by the views through the selectors."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.base import ApiSerializer
from api.serializers.ticket_actions import (
    AttachmentOutputSerializer,
    MessageOutputSerializer,
    PersonSerializer,
)
from tickets.models import Metric, SegmentState

__all__ = [
    "AttachmentOutputSerializer",
    "AttachmentUploadInputSerializer",
    "ClockOutputSerializer",
    "EventOutputSerializer",
    "MessageOutputSerializer",
]


class AttachmentUploadInputSerializer(ApiSerializer):
    """multipart/form-data: one or more `files` parts."""

    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        allow_empty=False,
        help_text=_("The files, each checked like the portal's uploads (type and size)."),
    )


class EventOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(help_text=_("The kind in the caller's language."))
    actor = PersonSerializer(allow_null=True)
    # A declared field named like Serializer.data: DRF's metaclass takes it out of the class.
    data = serializers.DictField(  # type: ignore[assignment]
        help_text=_("The event's facts; a customer reads only those the portal shows it.")
    )
    created_at = serializers.DateTimeField()


class SegmentOutputSerializer(ApiSerializer):
    state = serializers.ChoiceField(choices=SegmentState.choices)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True, help_text=_("As stored."))
    reason_label = serializers.CharField(allow_blank=True, help_text=_("In words."))
    actor = PersonSerializer(allow_null=True)


class RecomputationOutputSerializer(ApiSerializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField(help_text=_("What recomputed the clock (the event's kind)."))
    kind_label = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    due_before = serializers.DateTimeField(allow_null=True)
    due_after = serializers.DateTimeField(allow_null=True)
    actor = PersonSerializer(allow_null=True)


class ClockOutputSerializer(ApiSerializer):
    metric = serializers.ChoiceField(choices=Metric.choices)
    budget_seconds = serializers.IntegerField()
    started_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    stopped_at = serializers.DateTimeField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["not_started", "running", "paused", "stopped"],
        help_text=_("not_started: waits for its start (the root cause, under some contracts)."),
    )
    segments = SegmentOutputSerializer(
        many=True, help_text=_("The running and paused stretches of the clock's life.")
    )
    recomputations = RecomputationOutputSerializer(
        many=True, help_text=_("Each deliberate recompute of its due time: before and after.")
    )
