"""Stored files that no row names (issue 17), on the file system or in a bucket.

A file is written before its row commits, so a transaction that rolls back leaves its files
behind: a routing that failed or lost a race (the next attempt writes the files again), a crash
between a write and its commit, a delete the storage refused after the commit (logged by
`privacy.files`), or the objects newer than a restored database. Such a file is never served (no
view reaches it without a row) but it may hold personal data that neither retention nor an
erasure will find, since both start from rows. This finds them and, when asked, removes them.

Only files older than a grace period are considered: a younger one may belong to a transaction
still open. The names are checked against every file field of every model, in batches."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from storages.backends.s3 import S3Storage

BATCH = 500


@dataclass(frozen=True)
class Stored:
    name: str
    modified: datetime


def stored_files(storage: Storage) -> Iterator[Stored]:
    """Every file in the storage: a bucket by one flat listing (1,000 keys a request), a
    directory tree by walking it."""
    if isinstance(storage, S3Storage):
        prefix = f"{storage.location.strip('/')}/" if storage.location.strip("/") else ""
        for item in storage.bucket.objects.filter(Prefix=prefix):
            yield Stored(item.key[len(prefix) :], item.last_modified)
        return
    try:
        yield from _walk(storage, "")
    except FileNotFoundError:  # no file was ever stored
        return


def _walk(storage: Storage, folder: str) -> Iterator[Stored]:
    folders, files = storage.listdir(folder)
    for file in files:
        name = posixpath.join(folder, file)
        yield Stored(name, storage.get_modified_time(name))
    for sub in folders:
        yield from _walk(storage, posixpath.join(folder, sub))


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _unnamed(names: list[str], fields: list[tuple[type[models.Model], str]]) -> list[str]:
    held: set[str] = set()
    for model, field in fields:
        rows = model._default_manager.filter(**{f"{field}__in": names})
        held.update(rows.values_list(field, flat=True))
    return [name for name in names if name not in held]


def stored_orphans(*, storage: Storage, now: datetime, grace: timedelta) -> Iterator[str]:
    """The names of the files written before `now - grace` that no row's file field holds."""
    fields, batch = _file_fields(), []
    for stored in stored_files(storage):
        if stored.modified <= now - grace:
            batch.append(stored.name)
        if len(batch) >= BATCH:
            yield from _unnamed(batch, fields)
            batch = []
    yield from _unnamed(batch, fields)
