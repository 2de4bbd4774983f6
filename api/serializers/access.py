"""Remote-access grants in and out (SPEC SEC-04); the rules are the services'
(contracts.services.access)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.filters import ID_MAX
from api.serializers.base import ApiSerializer
from api.serializers.tickets import ContractRefSerializer, PartySerializer
from contracts.models import GrantState
from contracts.services.access import REASON_MAX, SCOPE_MAX, SYSTEM_MAX


class RemoteAccessGrantOutputSerializer(ApiSerializer):
    id = serializers.IntegerField()
    customer = PartySerializer()
    contract = ContractRefSerializer(allow_null=True)
    system = serializers.CharField()
    scope = serializers.CharField(help_text=_("What the provider's engineers may do."))
    state = serializers.ChoiceField(
        choices=GrantState.choices,
        help_text=_("active until expires_at unless revoked; derived from the time."),
    )
    state_label = serializers.CharField(
        help_text=_("The state in words, in the caller's language, with the time left.")
    )
    granted_by = PartySerializer()
    granted_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_by = PartySerializer(
        allow_null=True, help_text=_("The customer's manager or the provider's staff member.")
    )
    revoke_reason = serializers.CharField()


class RemoteAccessGrantInputSerializer(ApiSerializer):
    system = serializers.CharField(max_length=SYSTEM_MAX)
    scope = serializers.CharField(max_length=SCOPE_MAX)
    expires_at = serializers.DateTimeField(
        help_text=_("When the access ends: in the future, at most 90 days ahead.")
    )
    contract = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The organisation's contract the access serves (optional)."),
    )


class RemoteAccessRevokeInputSerializer(ApiSerializer):
    reason = serializers.CharField(
        max_length=REASON_MAX, required=False, allow_blank=True, default=""
    )
