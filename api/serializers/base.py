"""The base of the API's serializers: DRF's, with each instance's fields copied cheaply.

DRF gives every serializer instance its own fields by deep-copying the class's declared
fields, and a field's deep copy runs its `__init__` again (arguments, choices, validators):
for a ticket that is a millisecond per request in and again out, a fifth of the API's own cost
of a create (bench/bench_api_create.py). Here the deep copy is made once per class, as a
prototype; an instance gets a shallow copy of each prototype field, which DRF then binds to it
as usual (name, parent, label, source). A shallow copy is enough for a plain field: nothing in
it changes after its `__init__` except what binding sets on the copy. A field that holds other
fields (a nested serializer, a list or dict field with its child) binds those children to itself
in its `__init__`, so it is still deep-copied, as DRF does."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import Field

# Every moment the API takes lies between these (calendars.AwareDateTimeField, every input).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RANGE_MESSAGE = _("Give a time between 1970 and 2100.")


def moment_in_range(moment: datetime) -> None:
    """A validator: a moment from 1970 to 2100. Earlier ones are no outage, start or due time
    of this desk, and before 1937 Amsterdam's offset had seconds (+00:19:32), which no ISO 8601
    reader takes back (the schema fuzz found an outage of the year 139)."""
    if not EARLIEST <= moment < LATEST:
        raise serializers.ValidationError(RANGE_MESSAGE, code="range")


# Fields that own child fields bound to themselves: copied as DRF copies them.
_DEEP = (serializers.BaseSerializer, serializers.ListField, serializers.DictField)


def _fresh(field: Field) -> Field:
    return copy.deepcopy(field) if isinstance(field, _DEEP) else copy.copy(field)


class ApiSerializer(serializers.Serializer[Any]):
    def get_fields(self) -> dict[str, Field]:
        cls = type(self)
        # Looked up in the class's own namespace: a subclass declares other fields.
        prototype: dict[str, Field] | None = cls.__dict__.get("_prototype_fields")
        if prototype is None:
            prototype = copy.deepcopy(self._declared_fields)
            for field in prototype.values():  # every moment taken in is bounded
                if isinstance(field, serializers.DateTimeField) and not field.read_only:
                    field.validators = [*field.validators, moment_in_range]
            cls._prototype_fields = prototype  # type: ignore[attr-defined]
        return {name: _fresh(field) for name, field in prototype.items()}
