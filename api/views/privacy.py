"""Data-subject requests (issue #15 §3, D17) through `api.scope`, for provider staff whose
role handles them in the back-office (the support coordinators): list, record, build and
download an access export, confirm an erasure with the request's reference. A customer's
token is refused (403): the requests name people and their exports hold everything about
them. The services are the back-office's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.scope import one_or_404, rows_for
from api.serializers.privacy import (
    DataSubjectRequestCreateInputSerializer,
    DataSubjectRequestOutputSerializer,
    ErasureConfirmInputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from contracts.models import Contact
from privacy.downloads import dsr_export_response
from privacy.models import DataSubjectRequest
from privacy.services.erasure import CONFIRM_PERMISSION, dsr_erasure_confirm
from privacy.services.exports import dsr_export_build
from privacy.services.requests import dsr_record

VIEW_PERMISSION = "privacy.view_datasubjectrequest"
ADD_PERMISSION = "privacy.add_datasubjectrequest"
CHANGE_PERMISSION = "privacy.change_datasubjectrequest"


class DataSubjectRequestFilter(filters.FilterSet):
    customer = IdFilter(field_name="customer_id")
    contact = IdFilter(field_name="contact_id")
    kind = filters.CharFilter(field_name="kind")
    status = filters.CharFilter(field_name="status")

    class Meta:
        model = DataSubjectRequest
        fields: list[str] = []


def dsr_rows(caller: Caller) -> QuerySet[DataSubjectRequest]:
    """The requests of the caller's provider's customers (none for a customer's token)."""
    rows = rows_for(
        caller,
        DataSubjectRequest.objects.all(),
        customer="",
        provider="customer__contracts__provider_id",
    )
    return rows.select_related("contact", "customer", "recorded_by", "confirmed_by").order_by(
        "-received_at", "-pk"
    )


def _staff(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username(), "email": ""}


def dsr_facts(row: DataSubjectRequest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "reference": row.reference,
        "kind": row.kind,
        "status": row.status,
        "subject": {"id": row.contact_id, "name": row.contact.name, "email": row.contact.email},
        "customer": {"id": row.customer_id, "name": row.customer.name},
        "received_at": row.received_at,
        "received_via": row.received_via,
        "note": row.note,
        "recorded_at": row.recorded_at,
        "recorded_by": _staff(row.recorded_by),
        "confirmed_at": row.confirmed_at,
        "confirmed_by": _staff(row.confirmed_by),
        "completed_at": row.completed_at,
        "result": row.result,
        "export_available": bool(row.export_file),
        "export_expires_at": row.export_expires_at,
    }


def staff_actor(caller: Caller, permission: str) -> User:
    """The staff member acting, if their role handles data-subject requests."""
    if caller.user is None or not caller.user.has_perm(permission):
        raise PermissionDenied(
            _("Your role may not handle data-subject requests."), code="privacy_role"
        )
    return caller.user


def dsr_response(caller: Caller, request_id: int, *, created: bool = False) -> Response:
    row = one_or_404(dsr_rows(caller), pk=request_id)
    body = DataSubjectRequestOutputSerializer(dsr_facts(row)).data
    return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DataSubjectRequestCollectionApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="data_subject_requests_list",
        parameters=filter_parameters(DataSubjectRequestFilter),
        responses=DataSubjectRequestOutputSerializer(many=True),
        description=gettext_lazy(
            "Access and erasure requests of the provider's customers' people, newest first "
            "(staff whose role handles them)."
        ),
    )
    def get(self, request: Request) -> Response:
        staff_actor(self.caller, VIEW_PERMISSION)
        return list_response(
            self,
            dsr_rows(self.caller),
            DataSubjectRequestOutputSerializer,
            filterset=DataSubjectRequestFilter,
            prepare=dsr_facts,
        )

    @extend_schema(
        operation_id="data_subject_requests_record",
        request=DataSubjectRequestCreateInputSerializer,
        responses={201: DataSubjectRequestOutputSerializer},
        description=gettext_lazy(
            "Record a request as received; nothing is done yet. An erasure is refused while "
            "one for the person waits, and for a person erased already (422)."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        user = staff_actor(caller, ADD_PERMISSION)
        data = DataSubjectRequestCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        contacts = rows_for(
            caller,
            Contact.objects.all(),
            customer="customer_id",
            provider="customer__contracts__provider_id",
        )
        contact = one_or_404(contacts, pk=values["contact"])
        row = dsr_record(
            contact=contact,
            kind=values["kind"],
            received_at=values["received_at"],
            received_via=values["received_via"],
            note=values["note"],
            actor=user,
            now=timezone.now(),
        )
        return dsr_response(caller, row.pk, created=True)


class DataSubjectRequestDetailApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="data_subject_requests_read", responses=DataSubjectRequestOutputSerializer
    )
    def get(self, request: Request, data_subject_request_id: int) -> Response:
        staff_actor(self.caller, VIEW_PERMISSION)
        return dsr_response(self.caller, data_subject_request_id)


class DataSubjectRequestEraseApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="data_subject_requests_erase",
        request=ErasureConfirmInputSerializer,
        responses=DataSubjectRequestOutputSerializer,
        description=gettext_lazy(
            "Erase the person now (a support coordinator; irreversible): name, email, phone "
            "and signatures are replaced by the request's pseudonym everywhere, their files and "
            "raw mail removed; tickets and figures stay. `reference` must be the request's. "
            "An erasure done already, or another reference, is refused (422)."
        ),
    )
    def post(self, request: Request, data_subject_request_id: int) -> Response:
        user = staff_actor(self.caller, CONFIRM_PERMISSION)
        row = one_or_404(dsr_rows(self.caller), pk=data_subject_request_id)
        data = ErasureConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dsr_erasure_confirm(
            request=row, actor=user, reference=data.validated_data["reference"], now=timezone.now()
        )
        return dsr_response(self.caller, row.pk)


class DataSubjectRequestExportApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="data_subject_requests_export",
        request=None,
        responses=DataSubjectRequestOutputSerializer,
        description=gettext_lazy(
            "Answer an access request: build the ZIP of everything held about the person "
            "(once; 422 after that). Download it from `.../export/download/`."
        ),
    )
    def post(self, request: Request, data_subject_request_id: int) -> Response:
        user = staff_actor(self.caller, CHANGE_PERMISSION)
        row = one_or_404(dsr_rows(self.caller), pk=data_subject_request_id)
        dsr_export_build(request=row, actor=user, now=timezone.now())
        return dsr_response(self.caller, row.pk)


class DataSubjectRequestDownloadApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="data_subject_requests_export_download",
        responses={
            (200, "application/zip"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description=gettext_lazy("The export: JSON documents and files in a ZIP."),
            )
        },
    )
    def get(self, request: Request, data_subject_request_id: int) -> FileResponse:
        staff_actor(self.caller, VIEW_PERMISSION)
        row = one_or_404(dsr_rows(self.caller), pk=data_subject_request_id)
        return dsr_export_response(row)
