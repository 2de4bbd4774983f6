"""A ticket's records (issue #12 §2): under construction."""

from __future__ import annotations

from api.views.base import ApiView


class TicketMessagesApi(ApiView):
    pass


class TicketAttachmentsApi(ApiView):
    pass


class TicketAttachmentDownloadApi(ApiView):
    pass


class TicketEventsApi(ApiView):
    pass


class TicketClocksApi(ApiView):
    pass
