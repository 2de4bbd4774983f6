"""Every route of /api/v1, found in the URL resolver (api/urls.py), and a type-valid request body
for each operation, made from the served OpenAPI schema. The API proofs (tenancy walk,
preconditions, schema fuzz) iterate over these, so a route added later is walked without
editing them."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.views import APIView

from api.views.base import ApiView

METHODS = ("get", "post", "put", "patch", "delete")
# A value no row has: the answer for a missing object, to compare another tenant's with.
MISSING_ID = 2_000_000_000
MISSING_SLUG = "no-such-thing"
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # "ticket-detail" (namespace "api")
    template: str  # "/api/v1/tickets/{ticket_id}/": the OpenAPI path
    params: tuple[str, ...]
    converters: tuple[str, ...]
    view: type[APIView]
    methods: tuple[str, ...]  # lower case, as the OpenAPI operations

    def __str__(self) -> str:
        return self.template

    def path(self, values: dict[str, Any]) -> str:
        return reverse(f"api:{self.name}", kwargs={p: values[p] for p in self.params})

    def missing_path(self) -> str:
        return self.path(
            {
                p: MISSING_ID if converter == "int" else MISSING_SLUG
                for p, converter in zip(self.params, self.converters, strict=True)
            }
        )

    @property
    def staff_only(self) -> bool:
        return bool(getattr(self.view, "staff_only", False))


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str
) -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append((prefix + str(pattern.pattern), pattern))
    return found


@functools.cache
def api_routes() -> tuple[Route, ...]:
    """The API's own routes (subclasses of ApiView; not the schema and docs pages)."""
    from api import urls

    root = reverse("api:schema").removesuffix("schema/")
    routes = []
    for raw, pattern in _patterns(list(urls.urlpatterns), ""):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not issubclass(view, ApiView):
            continue
        found = list(_CONVERTER.finditer(raw))
        routes.append(
            Route(
                name=str(pattern.name),
                template=root + _CONVERTER.sub(lambda m: "{" + m["name"] + "}", raw),
                params=tuple(m["name"] for m in found),
                converters=tuple(m["converter"] or "str" for m in found),
                view=view,
                methods=tuple(m for m in METHODS if callable(getattr(view, m, None))),
            )
        )
    return tuple(routes)


def route_operations() -> list[tuple[Route, str]]:
    return [(route, method) for route in api_routes() for method in route.methods]


# --- The served schema and request bodies made from it ---------------------------------------


@functools.cache
def served_schema() -> dict[str, Any]:
    """GET /api/v1/schema/ as JSON (no authentication needed; reads no rows)."""
    response = Client().get(reverse("api:schema"), {"format": "json"}, HTTP_ACCEPT="*/*")
    assert response.status_code == 200, response.content[:500]
    return dict(json.loads(response.content))


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _sample(schema: dict[str, Any], root: dict[str, Any], now: datetime) -> Any:
    """A value of the schema's type: required properties only, the first enum value, the
    smallest number allowed."""
    schema = _resolve(schema, root)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in schema:
            return _sample(schema[combined][0], root, now)
    if "enum" in schema:
        return next((v for v in schema["enum"] if v not in ("", None)), schema["enum"][0])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        return {name: _sample(properties.get(name, {}), root, now) for name in required}
    if kind == "array":
        return [_sample(schema.get("items", {}), root, now)] * schema.get("minItems", 0)
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "null":
        return None
    return _string(schema, now)


def _string(schema: dict[str, Any], now: datetime) -> Any:
    formats = {
        "date-time": now.astimezone(UTC).isoformat(),
        "date": now.date().isoformat(),
        "email": "someone@example.com",
        "uri": "https://example.com/hook",
        "binary": SimpleUploadedFile("note.txt", b"A plain note.\n", content_type="text/plain"),
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return "x" * max(1, schema.get("minLength", 1))


@dataclass(frozen=True)
class Body:
    data: Any
    format: str | None  # "json", "multipart" or None (no body)


def request_body(route: Route, method: str, now: datetime) -> Body:
    """A type-valid body for the operation (by its schema), so that the view gets past its
    input serializer; none for an operation without one."""
    schema = served_schema()
    operation = schema["paths"].get(route.template, {}).get(method, {})
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return Body(_sample(content["application/json"].get("schema", {}), schema, now), "json")
    if "multipart/form-data" in content:
        data = _sample(content["multipart/form-data"].get("schema", {}), schema, now)
        return Body(data, "multipart")
    return Body(None, None)


def send(client: Any, method: str, path: str, body: Body) -> Any:
    if body.format is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body.data, format=body.format)
