"""Cursor pagination (issue #12 §2): stable under inserts, at most 100 rows a page."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 25
    page_size_query_param = "limit"
    max_page_size = 100
    ordering: str | tuple[str, ...] = "-id"


class TicketCursorPagination(ApiCursorPagination):
    ordering = ("-updated_at", "-id")
