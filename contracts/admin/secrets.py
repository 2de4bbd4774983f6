"""Secrets stay out of the admin's address-bar filters.

Django's admin lets any field of the listed model be filtered from the URL (`?field__startswith=`),
whatever `list_filter` says: on a secret, or its hash, a reader could find it a letter at a time
by counting the rows. A page whose model holds one names its fields in `secret_fields`."""

from __future__ import annotations

from typing import Any

from django.db.models.constants import LOOKUP_SEP


class SecretLookupsRefused:
    secret_fields: tuple[str, ...] = ()

    def lookup_allowed(self, lookup: str, value: str, request: Any = None) -> bool:
        if not set(lookup.split(LOOKUP_SEP)).isdisjoint(self.secret_fields):
            return False
        return bool(super().lookup_allowed(lookup, value, request))  # type: ignore[misc]
