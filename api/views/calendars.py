"""Calendars (issue #12 §2): under construction."""

from __future__ import annotations

from api.views.base import ApiView


class CalendarCollectionApi(ApiView):
    pass


class CalendarDetailApi(ApiView):
    pass


class CalendarDeadlineApi(ApiView):
    pass


class CalendarBusinessTimeApi(ApiView):
    pass
