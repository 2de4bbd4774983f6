"""Remote-access grants (SPEC SEC-04, issue #15 §3) through `api.scope`.

A customer's caller is its support services manager, who lists the organisation's grants,
grants access and revokes it, as on the portal's remote-access page; another contact is told
the list is the manager's (403) and finds no grant (404). Provider staff read the grants of
their customers (a provider token only those that serve its contracts or none in particular;
a CSAM their own contracts' customers'), as the work page shows them; a support coordinator
may revoke one, as in the admin. The writes are `contracts.services.access`, as everywhere."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for
from api.serializers.access import (
    RemoteAccessGrantInputSerializer,
    RemoteAccessGrantOutputSerializer,
    RemoteAccessRevokeInputSerializer,
)
from api.views.base import ApiView
from api.views.escalations import _person
from api.views.listing import list_response
from contracts.models import Contract, GrantState, RemoteAccessGrant
from contracts.selectors_access import contact_may_grant_access, grant_state_words
from contracts.services.access import remote_access_grant, remote_access_revoke

VIEW_PERMISSION = "contracts.view_remoteaccessgrant"
CHANGE_PERMISSION = "contracts.change_remoteaccessgrant"


class RemoteAccessGrantFilter(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    contract = IdFilter(field_name="contract_id")
    state = filters.ChoiceFilter(choices=GrantState.choices, method="in_state")

    class Meta:
        model = RemoteAccessGrant
        fields: list[str] = []

    def in_state(self, rows: Any, name: str, value: str) -> Any:
        return rows.in_state(value, timezone.now())


def grant_rows(caller: Caller) -> QuerySet[RemoteAccessGrant]:
    """The grants the caller may read; none for a customer's contact other than its manager
    or a staff member whose role does not read them."""
    rows = rows_for(
        caller,
        RemoteAccessGrant.objects.all(),
        customer="customer_id",
        provider="customer__contracts__provider_id",
    )
    if caller.provider_id is not None:  # not a grant that serves another provider's contract
        rows = rows.filter(Q(contract__isnull=True) | Q(contract__provider_id=caller.provider_id))
    if caller.contact is not None and not contact_may_grant_access(caller.contact):
        rows = rows.none()
    if caller.user is not None and caller.is_staff and not caller.user.has_perm(VIEW_PERMISSION):
        rows = rows.none()
    return rows.select_related(
        "customer", "contract", "granted_by", "revoked_by_contact", "revoked_by_user"
    ).order_by("-id")


def grant_facts(grant: RemoteAccessGrant) -> dict[str, Any]:
    now = timezone.now()
    contract = grant.contract
    revoker = grant.revoked_by_contact
    return {
        "id": grant.pk,
        "customer": {"id": grant.customer_id, "name": grant.customer.name},
        "contract": {"id": contract.pk, "reference": contract.reference} if contract else None,
        "system": grant.system,
        "scope": grant.scope,
        "state": grant.state(now),
        "state_label": grant_state_words(grant, now),
        "granted_by": {"id": grant.granted_by_id, "name": grant.granted_by.name},
        "granted_at": grant.granted_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
        "revoked_by": (
            {"id": revoker.pk, "name": revoker.name} if revoker else _person(grant.revoked_by_user)
        ),
        "revoke_reason": grant.revoke_reason,
    }


def _answer(caller: Caller, grant_id: int, *, created: bool = False) -> Response:
    grant = one_or_404(grant_rows(caller), pk=grant_id)
    body = RemoteAccessGrantOutputSerializer(grant_facts(grant)).data
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _readers_check(caller: Caller) -> None:
    if caller.contact is not None and not contact_may_grant_access(caller.contact):
        raise PermissionDenied(
            _("Only the support services manager manages remote access."), code="manager_only"
        )
    if caller.is_staff and (caller.user is None or not caller.user.has_perm(VIEW_PERMISSION)):
        raise PermissionDenied(
            _("Your role may not read remote-access grants."), code="remote_access_role"
        )


class RemoteAccessGrantCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="remote_access_grants_list",
        parameters=filter_parameters(RemoteAccessGrantFilter),
        responses=RemoteAccessGrantOutputSerializer(many=True),
        description=gettext_lazy(
            "Remote-access grants, newest first, with their state (active, expired, revoked). "
            "A customer: its support services manager only, the organisation's grants. Staff: "
            "the grants of their provider's customers."
        ),
    )
    def get(self, request: Request) -> Response:
        _readers_check(self.caller)
        return list_response(
            self,
            grant_rows(self.caller),
            RemoteAccessGrantOutputSerializer,
            filterset=RemoteAccessGrantFilter,
            prepare=grant_facts,
        )

    @extend_schema(
        operation_id="remote_access_grants_create",
        request=RemoteAccessGrantInputSerializer,
        responses={201: RemoteAccessGrantOutputSerializer},
        description=gettext_lazy(
            "The customer's support services manager grants the provider's engineers access "
            "to a system until a moment (at most 90 days ahead). The same active access "
            "(same system and scope) is refused (422) with its end."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        if caller.contact is None:
            raise PermissionDenied(
                _("Only the customer's support services manager grants remote access."),
                code="customer_only",
            )
        data = RemoteAccessGrantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contract_id = fields.pop("contract")
        contract = None
        if contract_id is not None:
            mine = Contract.objects.filter(customer_id=caller.contact.customer_id)
            contract = one_or_404(mine, pk=contract_id)
        grant = remote_access_grant(
            contact=caller.contact, contract=contract, now=timezone.now(), **fields
        )
        return _answer(caller, grant.pk, created=True)


class RemoteAccessGrantDetailApi(ApiView):
    @extend_schema(
        operation_id="remote_access_grants_read", responses=RemoteAccessGrantOutputSerializer
    )
    def get(self, request: Request, grant_id: int) -> Response:
        return _answer(self.caller, grant_id)


class RemoteAccessGrantRevokeApi(ApiView):
    @extend_schema(
        operation_id="remote_access_grants_revoke",
        request=RemoteAccessRevokeInputSerializer,
        responses=RemoteAccessGrantOutputSerializer,
        description=gettext_lazy(
            "End an active grant at once (the customer's support services manager, or a "
            "support coordinator). A grant revoked or expired before is refused (422) with "
            "when it ended; nothing is recorded twice."
        ),
    )
    def post(self, request: Request, grant_id: int) -> Response:
        caller = self.caller
        grant = one_or_404(grant_rows(caller), pk=grant_id)
        by: Any = caller.contact
        if by is None:
            if caller.user is None or not caller.user.has_perm(CHANGE_PERMISSION):
                raise PermissionDenied(
                    _("Your role may not revoke remote access."), code="remote_access_role"
                )
            by = caller.user
        data = RemoteAccessRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        remote_access_revoke(
            grant=grant, by=by, now=timezone.now(), reason=data.validated_data["reason"]
        )
        return _answer(caller, grant.pk)
