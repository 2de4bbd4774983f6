"""Out-of-hours phone codes (issue #13 §2; SPEC TKT-44) through `api.scope`.

Provider staff list the codes of their provider's customers and issue, rotate and revoke them,
with the roles the back-office gives (a support coordinator), through the same services as the
admin. A customer's caller is its support services manager, who sees the organisation's codes
and reveals a waiting code once, as on the portal's phone codes page; another contact is told
the list is the manager's (403) and finds no code (404, as the portal's page answers it).

No answer holds a code's hash; only the reveal's answer holds its digits, and that answer is
never kept for an Idempotency-Key's retry (`secret_fields_mark`): the retry answers the same
code with `code` null, and the manager asks the provider for a new code if it was lost."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
from api.idempotency import secret_fields_mark
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for
from api.serializers.out_of_hours import (
    PhoneCodeIssueInputSerializer,
    PhoneCodeOutputSerializer,
    PhoneCodeRevealedOutputSerializer,
    StaffPhoneCodeOutputSerializer,
)
from api.views.base import ApiView
from api.views.escalations import _person
from api.views.listing import list_response, shaped
from contracts.models import Contract, PhoneCode
from contracts.selectors_phone_codes import phone_code_state, phone_code_state_label
from contracts.services.phone_codes import (
    phone_code_issue,
    phone_code_reveal,
    phone_code_revoke,
    phone_code_rotate,
)
from tickets.selectors import contact_is_manager

VIEW_PERMISSION = "contracts.view_phonecode"
ADD_PERMISSION = "contracts.add_phonecode"
CHANGE_PERMISSION = "contracts.change_phonecode"


class PhoneCodeFilter(filters.FilterSet):
    contract = IdFilter(field_name="contract_id")
    customer = IdFilter(field_name="contract__customer_id")
    revoked = filters.BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = PhoneCode
        fields: list[str] = []


def phone_code_rows(caller: Caller) -> QuerySet[PhoneCode]:
    """The codes of the caller's customers; for a customer's contact other than its support
    services manager, none."""
    rows = rows_for(
        caller,
        PhoneCode.objects.all(),
        customer="contract__customer_id",
        provider="contract__provider_id",
    )
    if caller.contact is not None and not contact_is_manager(caller.contact):
        rows = rows.none()
    return rows.select_related(
        "contract__customer", "issued_by", "revoked_by", "revealed_to"
    ).order_by("-id")


def phone_code_facts(code: PhoneCode) -> dict[str, Any]:
    """What an answer shows of a code: never its hash."""
    now = timezone.now()
    state = phone_code_state(code, now)
    contract = code.contract
    revealed_to = code.revealed_to
    return {
        "id": code.pk,
        "contract": {"id": contract.pk, "reference": contract.reference},
        "customer": {"id": contract.customer_id, "name": contract.customer.name},
        "state": state,
        "state_label": phone_code_state_label(state),
        "issued_at": code.issued_at,
        "ends_at": code.ends_at,
        "revealed_at": code.revealed_at,
        "revealed_to": {"id": revealed_to.pk, "name": revealed_to.name} if revealed_to else None,
        "revoked_at": code.revoked_at,
        "rotated": code.rotated,
        "issued_by": _person(code.issued_by),
        "revoked_by": _person(code.revoked_by),
    }


def phone_code_response(
    caller: Caller, code_id: int, *, created: bool = False, code: str | None = None
) -> Response:
    row = one_or_404(phone_code_rows(caller), pk=code_id)
    facts = phone_code_facts(row)
    if code is not None:
        body = PhoneCodeRevealedOutputSerializer({**facts, "code": code}).data
    else:
        body = shaped(caller, StaffPhoneCodeOutputSerializer, PhoneCodeOutputSerializer)(facts).data
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def staff_actor(caller: Caller, permission: str) -> Any:
    """The staff member acting, if their role may do it (as in the back-office)."""
    if caller.user is None or not caller.user.has_perm(permission):
        raise PermissionDenied(
            _("Your role may not manage out-of-hours phone codes."), code="phone_code_role"
        )
    return caller.user


def manager_check(caller: Caller) -> None:
    """A customer's caller other than its support services manager sees no code list."""
    if caller.contact is not None and not contact_is_manager(caller.contact):
        raise PermissionDenied(
            _("Only the support services manager sees the phone codes."), code="manager_only"
        )


class PhoneCodeCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="phone_codes_list",
        parameters=filter_parameters(PhoneCodeFilter),
        responses=StaffPhoneCodeOutputSerializer(many=True),
        description=gettext_lazy(
            "Out-of-hours phone codes, newest first, with their state; never the code itself. "
            "Staff: the codes of their provider's customers. A customer: its support services "
            "manager only, the organisation's codes."
        ),
    )
    def get(self, request: Request) -> Response:
        caller = self.caller
        if caller.is_staff:
            staff_actor(caller, VIEW_PERMISSION)
        manager_check(caller)
        serializer = shaped(caller, StaffPhoneCodeOutputSerializer, PhoneCodeOutputSerializer)
        return list_response(
            self,
            phone_code_rows(caller),
            serializer,
            filterset=PhoneCodeFilter,
            prepare=phone_code_facts,
        )

    @extend_schema(
        operation_id="phone_codes_issue",
        request=PhoneCodeIssueInputSerializer,
        responses={201: StaffPhoneCodeOutputSerializer},
        description=gettext_lazy(
            "Issue a code for a contract whose package has the business-critical phone line "
            "outside office hours (staff). It opens nothing until the customer's support "
            "services manager has seen it; one live code per contract."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        if caller.is_customer:
            raise PermissionDenied(_("Only provider staff may do this."), code="staff_only")
        user = staff_actor(caller, ADD_PERMISSION)
        data = PhoneCodeIssueInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contracts = rows_for(
            caller, Contract.objects.all(), customer="customer_id", provider="provider_id"
        )
        contract = one_or_404(
            contracts.select_related("package"), pk=data.validated_data["contract"]
        )
        code = phone_code_issue(
            contract=contract,
            actor=user,
            now=timezone.now(),
            ends_at=data.validated_data["ends_at"],
        )
        return phone_code_response(caller, code.pk, created=True)


class PhoneCodeDetailApi(ApiView):
    @extend_schema(operation_id="phone_codes_read", responses=StaffPhoneCodeOutputSerializer)
    def get(self, request: Request, phone_code_id: int) -> Response:
        if self.caller.is_staff:
            staff_actor(self.caller, VIEW_PERMISSION)
        return phone_code_response(self.caller, phone_code_id)


class PhoneCodeRotateApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="phone_codes_rotate",
        request=None,
        responses={201: StaffPhoneCodeOutputSerializer},
        description=gettext_lazy(
            "Replace the contract's live code by a new one with the same end; the new code "
            "waits for the customer's support services manager. Answers the new code."
        ),
    )
    def post(self, request: Request, phone_code_id: int) -> Response:
        user = staff_actor(self.caller, CHANGE_PERMISSION)
        code = one_or_404(phone_code_rows(self.caller), pk=phone_code_id)
        contract = Contract.objects.select_related("package").get(pk=code.contract_id)
        new = phone_code_rotate(contract=contract, actor=user, now=timezone.now())
        return phone_code_response(self.caller, new.pk, created=True)


class PhoneCodeRevokeApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="phone_codes_revoke",
        request=None,
        responses=StaffPhoneCodeOutputSerializer,
        description=gettext_lazy(
            "Withdraw the code at once; revoking a revoked code keeps its first revocation."
        ),
    )
    def post(self, request: Request, phone_code_id: int) -> Response:
        user = staff_actor(self.caller, CHANGE_PERMISSION)
        code = one_or_404(phone_code_rows(self.caller), pk=phone_code_id)
        phone_code_revoke(code=code, actor=user, now=timezone.now())
        return phone_code_response(self.caller, code.pk)


class PhoneCodeRevealApi(ApiView):
    @extend_schema(
        operation_id="phone_codes_reveal",
        request=None,
        responses=PhoneCodeRevealedOutputSerializer,
        description=gettext_lazy(
            "The customer's support services manager sees a waiting code, this once: `code` "
            "holds it. A code shown before is refused (422); ask the provider for a new one."
        ),
    )
    def post(self, request: Request, phone_code_id: int) -> Response:
        caller = self.caller
        code = one_or_404(phone_code_rows(caller), pk=phone_code_id)
        if caller.contact is None:
            raise PermissionDenied(
                _("Only the customer's support services manager sees the code."),
                code="customer_only",
            )
        code, raw = phone_code_reveal(code=code, contact=caller.contact, now=timezone.now())
        response = phone_code_response(caller, code.pk, code=raw)
        secret_fields_mark(response, "code")  # never kept for an Idempotency-Key's retry
        return response
