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
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field

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
            cls._prototype_fields = prototype  # type: ignore[attr-defined]
        return {name: _fresh(field) for name, field in prototype.items()}
