"""Contracts, customers and contacts (issue #12 §2): under construction."""

from __future__ import annotations

from api.views.base import ApiView


class ContractCollectionApi(ApiView):
    pass


class ContractDetailApi(ApiView):
    pass


class CustomerCollectionApi(ApiView):
    pass


class CustomerDetailApi(ApiView):
    pass


class ContactCollectionApi(ApiView):
    pass


class ContactDetailApi(ApiView):
    pass
