"""The access export (issue #15 §3): everything held about a person as a ZIP of JSON
documents and files, written by every registered app's exporter.

Each app writes its own documents under its own folder (`tickets/tickets.json`,
`tickets/files/...`); `README.txt` says what the export is, for whom and when, in the
language of the person."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile


class ExportWriter:
    """A ZIP being written: JSON documents and files, each path used once."""

    def __init__(self) -> None:
        self._buffer = BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", compression=zipfile.ZIP_DEFLATED)
        self._paths: set[str] = set()
        self.counts: dict[str, int] = {}

    def _path(self, path: str) -> str:
        stem, dot, extension = path.rpartition(".")
        candidate, number = path, 1
        while candidate in self._paths:
            number += 1
            candidate = f"{stem}-{number}.{extension}" if dot else f"{path}-{number}"
        self._paths.add(candidate)
        return candidate

    def json(self, path: str, data: Any) -> None:
        """A JSON document (datetimes as ISO 8601 in UTC); a list counts its items."""
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        self._zip.writestr(self._path(path), text)
        self.counts[path] = len(data) if isinstance(data, list) else 1

    def write_bytes(self, path: str, content: bytes) -> str:
        written = self._path(path)
        self._zip.writestr(written, content)
        return written

    def file(self, folder: str, stored: FieldFile, name: str) -> str | None:
        """A stored file under `folder`; None when the storage no longer has it."""
        if not stored:
            return None
        try:
            with stored.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            return None
        return self.write_bytes(f"{folder}/{name}", content)

    def close(self) -> bytes:
        self._zip.close()
        return self._buffer.getvalue()


def rows_data(rows: QuerySet[Any] | Iterable[Model], fields: Sequence[str]) -> list[dict[str, Any]]:
    """The rows' `fields` (lookups across relations allowed: `ticket__number`) as dictionaries."""
    if isinstance(rows, QuerySet):
        return list(rows.values(*fields))
    return [{name: getattr(row, name) for name in fields} for row in rows]
