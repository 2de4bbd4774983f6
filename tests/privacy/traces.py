"""A search of every text column of every model, every stored file's name and content, for
strings that must be gone (issue #15 §3, "Proof": no trace in any table)."""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def _text(value: object) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value or "")


def traces_in_tables(strings: tuple[str, ...]) -> list[str]:
    """'<model>.<field> #<pk>: <string>' for every occurrence, whatever the case."""
    wanted = [s.lower() for s in strings]
    found = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (*TEXT_FIELDS, models.FileField))
        ]
        for row in model._default_manager.values_list("pk", *fields):
            for name, value in zip(fields, row[1:], strict=True):
                text = _text(value).lower()
                found += [f"{model._meta.label}.{name} #{row[0]}: {s}" for s in wanted if s in text]
    return found


def traces_in_files(strings: tuple[str, ...]) -> list[str]:
    """Stored files whose name or content holds one of the strings."""
    wanted = [s.lower() for s in strings]
    root = Path(settings.MEDIA_ROOT)
    found = []
    for path in root.rglob("*") if root.exists() else []:
        if path.is_file():
            text = (str(path.relative_to(root)) + path.read_bytes().decode("latin-1")).lower()
            found += [f"{path.name}: {s}" for s in wanted if s in text]
    return found
