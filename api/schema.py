"""The OpenAPI description of the token scheme (drf-spectacular, issue #12)."""

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema


class ApiAutoSchema(AutoSchema):
    """Only a GET answers a cursor page: a POST that answers several rows (an upload's files)
    answers a plain list, and its schema says so."""

    def _get_paginator(self) -> Any:
        if self.method != "GET":
            return None
        return super()._get_paginator()


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from the back-office (provider) or the portal (customer).",
        }


class RefFieldSchema(OpenApiSerializerFieldExtension):
    """A `RefField` is drawn as the serializer it stands for (the same component)."""

    target_class = "api.serializers.tickets.RefField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        component = auto_schema.resolve_serializer(self.target.shape(), direction)
        return dict(component.ref)


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error (RFC 9457), in the caller's language.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable, for machines."},
        "errors": {
            "type": "object",
            "description": "Input at fault: field -> messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}
READ_PROBLEMS = ("400", "401", "403", "404", "406", "429")
WRITE_PROBLEMS = (*READ_PROBLEMS, "409", "412", "413", "415", "422")


def problems_everywhere(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation may answer the common problems
    (authentication, scope, tenancy 404, rate limit; and for writes idempotency conflicts,
    preconditions and refusals), all as application/problem+json with one schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = READ_PROBLEMS if method in ("get", "head") else WRITE_PROBLEMS
            for status in statuses:
                operation["responses"].setdefault(
                    status,
                    {
                        "description": "A problem (application/problem+json).",
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result


def _customer_fields(serializer: type[Any]) -> set[str] | None:
    """The fields of the customer's serializer a `Staff...` output serializer extends: the
    first serializer in its MRO not named Staff... (None for any other serializer)."""
    if not serializer.__name__.startswith("Staff") or "Output" not in serializer.__name__:
        return None
    for parent in serializer.__mro__[1:]:
        if parent.__module__.startswith("rest_framework"):
            return None  # no customer's serializer between it and DRF's
        if not parent.__name__.startswith("Staff"):
            return set(getattr(parent, "_declared_fields", {}))
    return None


def staff_fields_optional(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: an answer shaped for its caller
    (`api.views.listing.shaped`) is declared with the staff serializer,
    `Staff<Name>OutputSerializer(<Name>OutputSerializer)`, whose own fields only provider staff
    get. Those fields are optional in the schema, so that a customer's answer, without them,
    matches it too."""
    schemas = result.get("components", {}).get("schemas", {})
    for (name, _kind), component in generator.registry._components.items():
        found = component.object
        serializer = found if isinstance(found, type) else type(found)
        if name != serializer.__name__.removesuffix("Serializer"):
            continue  # a component built around it (a page of them), not its own
        shared = _customer_fields(serializer)
        schema = schemas.get(name)
        if shared is None or schema is None or "required" not in schema:
            continue
        schema["required"] = [field for field in schema["required"] if field in shared]
        if not schema["required"]:
            del schema["required"]
    return result
