"""Out-of-hours phone codes and Websitenazorg's escalation procedure in and out (issue #13 §2).
Shapes only: the rules are `contracts.services.phone_codes` and `escalation.services.procedure`.

A phone code's answer never holds the code's digits or their hash; only the answer of the
reveal (the customer's support services manager, once) holds the digits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.tickets import ContractRefSerializer, PartySerializer
from contracts.selectors_phone_codes import (
    STATE_ACTIVE,
    STATE_ENDED,
    STATE_REVOKED,
    STATE_WAITING,
)

PHONE_CODE_STATES = [
    (STATE_WAITING, _("issued, not yet shown to the customer")),
    (STATE_ACTIVE, _("active")),
    (STATE_ENDED, _("ended")),
    (STATE_REVOKED, _("revoked")),
]
REASON_MAX = 10_000


class PhoneCodeOutputSerializer(ApiSerializer):
    """What the customer's support services manager sees of a code (never the digits)."""

    id = serializers.IntegerField()
    contract = ContractRefSerializer()
    customer = PartySerializer()
    state = serializers.ChoiceField(
        choices=PHONE_CODE_STATES,
        help_text=_("waiting: issued, shown to nobody yet, it opens nothing until it is shown."),
    )
    state_label = serializers.CharField(help_text=_("The state, in the caller's language."))
    issued_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Null: the code ends with the contract.")
    )
    revealed_at = serializers.DateTimeField(allow_null=True)
    revealed_to = PartySerializer(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    rotated = serializers.BooleanField(help_text=_("Revoked because a new code replaced it."))


class StaffPhoneCodeOutputSerializer(PhoneCodeOutputSerializer):
    issued_by = PartySerializer(required=False, allow_null=True)
    revoked_by = PartySerializer(required=False, allow_null=True)


class PhoneCodeRevealedOutputSerializer(PhoneCodeOutputSerializer):
    code = serializers.CharField(
        allow_null=True,
        help_text=_(
            "The code, shown in this answer only: it is never shown again, and a retry with "
            "the same Idempotency-Key answers null."
        ),
    )


class PhoneCodeIssueInputSerializer(ApiSerializer):
    contract = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text=_("Empty: with the contract.")
    )


class ProcedureTakenSerializer(ApiSerializer):
    escalation = serializers.IntegerField(help_text=_("The escalation that records the step."))
    taken_at = serializers.DateTimeField()
    taken_by = PartySerializer(allow_null=True, help_text=_("The customer's contact."))
    reason = serializers.CharField()


class ProcedureStepSerializer(ApiSerializer):
    number = serializers.IntegerField(min_value=1, max_value=3)
    title = serializers.CharField(help_text=_("In the caller's language."))
    current = serializers.BooleanField()
    taken = ProcedureTakenSerializer(
        allow_null=True, help_text=_("Null for the first step and for steps not taken.")
    )


class ProcedureOutputSerializer(ApiSerializer):
    applies = serializers.BooleanField(
        help_text=_("False: the ticket's contract has no step-by-step escalation procedure.")
    )
    steps = ProcedureStepSerializer(many=True)


class ProcedureStepInputSerializer(ApiSerializer):
    reason = serializers.CharField(
        max_length=REASON_MAX, help_text=_("Why the customer takes the next step.")
    )
