"""ApiSerializer copies fields from a per-class prototype: instances must not share state."""

from typing import Any

from rest_framework import serializers

from api.serializers.base import ApiSerializer


class _Child(ApiSerializer):
    name = serializers.CharField()
    when = serializers.SerializerMethodField()

    def get_when(self, value: Any) -> str:
        return str(self.context.get("when", ""))


class _Parent(ApiSerializer):
    code = serializers.CharField(max_length=3)
    tags = serializers.ListField(child=serializers.CharField(max_length=2))
    child = _Child()


class _Wider(_Parent):
    extra = serializers.IntegerField()


def test_each_instance_binds_its_own_fields():
    first, second = _Parent(), _Parent()
    assert first.fields["code"] is not second.fields["code"]
    assert first.fields["code"].parent is first
    assert second.fields["code"].parent is second


def test_a_subclass_has_its_own_prototype_with_its_extra_field():
    assert "extra" not in _Parent().fields
    assert "extra" in _Wider().fields
    assert set(_Parent().fields) == {"code", "tags", "child"}


def test_context_reaches_a_nested_serializer_per_instance():
    row = {"code": "a", "tags": [], "child": {"name": "n"}}
    assert _Parent(row, context={"when": "one"}).data["child"]["when"] == "one"
    assert _Parent(row, context={"when": "two"}).data["child"]["when"] == "two"


def test_validation_errors_stay_with_their_instance():
    bad = _Parent(data={"code": "toolong", "tags": ["abc"], "child": {"name": "x"}})
    good = _Parent(data={"code": "ok", "tags": ["ab"], "child": {"name": "x"}})
    assert not bad.is_valid()
    assert set(bad.errors) == {"code", "tags"}
    assert good.is_valid(), good.errors
