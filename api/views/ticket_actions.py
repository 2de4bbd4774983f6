"""Ticket actions (issue #12 §2): under construction."""

from __future__ import annotations

from api.views.base import ApiView


class TicketReplyApi(ApiView):
    pass


class TicketTransitionApi(ApiView):
    pass


class TicketResolveApi(ApiView):
    pass


class TicketConfirmApi(ApiView):
    pass


class TicketReopenApi(ApiView):
    pass


class TicketPriorityApi(ApiView):
    pass


class TicketPriorityRequestsApi(ApiView):
    pass


class TicketPriorityDecisionApi(ApiView):
    pass


class TicketEscalateApi(ApiView):
    pass


class TicketAssignApi(ApiView):
    pass


class TicketTimeEntriesApi(ApiView):
    pass


class TicketCsatApi(ApiView):
    pass
