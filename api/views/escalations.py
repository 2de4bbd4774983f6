"""Escalations and problems (issue #12 §2): under construction."""

from __future__ import annotations

from api.views.base import ApiView


class EscalationCollectionApi(ApiView):
    pass


class EscalationDetailApi(ApiView):
    pass


class EscalationAcknowledgeApi(ApiView):
    pass


class EscalationResolveApi(ApiView):
    pass


class ProblemCollectionApi(ApiView):
    pass


class ProblemDetailApi(ApiView):
    pass
