"""One list answer for every collection of the API: filter, cursor page, serialize."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django_filters import rest_framework as filters
from rest_framework import serializers
from rest_framework.response import Response

from api.caller import Caller
from api.pagination import ApiCursorPagination
from api.views.base import ApiView

M = TypeVar("M", bound=Model)
S = TypeVar("S", bound=serializers.Serializer[Any])


def shaped(caller: Caller, staff: type[S], customer: type[S]) -> type[S]:
    """The output serializer for the caller: provider staff see more than a customer."""
    return staff if caller.is_staff else customer


def list_response(
    view: ApiView,
    rows: QuerySet[M],
    serializer: type[serializers.Serializer[Any]],
    *,
    filterset: type[filters.FilterSet] | None = None,
    prepare: Callable[[M], Any] | None = None,
) -> Response:
    """`rows` filtered by the query (a 400 with the field errors when it is not valid), one
    page of them, each through `prepare` (the facts the serializer shows), serialized."""
    request = view.request
    if filterset is not None:
        filtered = filterset(request.query_params, queryset=rows, request=request)
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        rows = filtered.qs
    paginator = getattr(view, "pagination_class", ApiCursorPagination)()
    page: list[M] = paginator.paginate_queryset(rows, request, view=view) or []
    items = [prepare(row) for row in page] if prepare is not None else page
    return paginator.get_paginated_response(serializer(items, many=True).data)
