"""The ticket list's filters (issue #12 §2), with django-filter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from tickets.models import Status, Ticket
from tickets.selectors import tickets_breached

# The largest row id PostgreSQL's bigint and SQLite's integer hold.
ID_MAX = 2**63 - 1


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, handed to the database in UTC: Python takes offsets up to 23:59,
    PostgreSQL refuses those beyond 15:59 with a server error (the schema fuzz found +17:43)."""

    def to_python(self, value: Any) -> datetime | None:
        moment = super().to_python(value)
        return moment.astimezone(UTC) if moment is not None else None


class MomentFilter(filters.IsoDateTimeFilter):
    """A moment filter whose value reaches the query in UTC, whatever offset was given."""

    field_class = UtcIsoDateTimeField


class IdFilter(filters.NumberFilter):
    """A row's id: a whole number from 1 to ID_MAX. A larger one answers 400 with the field's
    error; unchecked, the database would refuse it with a server error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class TicketFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    priority = filters.MultipleChoiceFilter(
        field_name="priority_rank",
        choices=[(1, "P1"), (2, "P2"), (3, "P3"), (4, "P4")],
        help_text=_("Normalised rank: 1 (P1) to 4 (P4)."),
    )
    priority_level = filters.CharFilter(field_name="priority_level")
    customer = IdFilter(field_name="customer_id")
    contract = IdFilter(field_name="contract_id")
    contact = IdFilter(field_name="contact_id")
    updated_since = MomentFilter(field_name="updated_at", lookup_expr="gte")
    breached = filters.BooleanFilter(method="filter_breached")
    assigned = filters.BooleanFilter(field_name="assignee", lookup_expr="isnull", exclude=True)
    assignee = IdFilter(field_name="assignee_id")
    search = filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_breached(
        self, queryset: QuerySet[Ticket], name: str, value: bool
    ) -> QuerySet[Ticket]:
        breached = tickets_breached(Ticket.objects.all(), timezone.now()).values("pk")
        return queryset.filter(pk__in=breached) if value else queryset.exclude(pk__in=breached)

    def filter_search(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        words = value.split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(number__icontains=word) | Q(subject__icontains=word) | Q(product__icontains=word)
            )
        return queryset


def _parameter(name: str, one: filters.Filter) -> OpenApiParameter:
    description = str(one.extra.get("help_text", ""))
    if isinstance(one, filters.MultipleChoiceFilter):
        return OpenApiParameter(
            name,
            {
                "type": "array",
                "items": {"type": "string", "enum": [str(c[0]) for c in one.extra["choices"]]},
            },
            explode=True,
            description=description,
        )
    if isinstance(one, IdFilter):
        bounds = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
        return OpenApiParameter(name, bounds, description=description)
    kinds = (
        (filters.BooleanFilter, OpenApiTypes.BOOL),
        (filters.NumberFilter, OpenApiTypes.INT),
        (filters.IsoDateTimeFilter, OpenApiTypes.DATETIME),
    )
    kind = next((k for cls, k in kinds if isinstance(one, cls)), OpenApiTypes.STR)
    return OpenApiParameter(name, kind, description=description)


def filter_parameters(filterset: type[filters.FilterSet]) -> list[OpenApiParameter]:
    """The FilterSet's query parameters for the OpenAPI schema (the views are plain APIViews,
    which drf-spectacular's django-filter support does not read)."""
    return [_parameter(name, one) for name, one in filterset.base_filters.items()]


def page_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("cursor", OpenApiTypes.STR, description=_("The page's cursor.")),
        OpenApiParameter("limit", OpenApiTypes.INT, description=_("Rows per page, at most 100.")),
    ]
