"""Removing stored files with the change that stops pointing at them.

A storage is no database: a file deleted inside a transaction that rolls back would be lost
while its row stays. So the rows change first and the files go once the transaction has
committed; an erasure preview (rolled back) deletes nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile

logger = logging.getLogger(__name__)


def stored_files_delete(files: Iterable[FieldFile]) -> int:
    """Delete each non-empty file after the commit; answers how many were named."""
    named = [(stored.storage, stored.name) for stored in files if stored and stored.name]
    for storage, name in named:
        transaction.on_commit(partial(_delete, storage, name))
    return len(named)


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:
        # OSError from the disk, botocore's errors from object storage (an unreachable endpoint
        # is not an OSError). The change has committed and the row no longer names the file: a
        # file the storage cannot delete is logged without its name's owner (the name is a
        # content hash) and the callbacks after this one still run.
        logger.exception("stored file could not be deleted: %s", name)


def rows_with_files_delete(rows: QuerySet[Any], field: str = "file") -> int:
    """Delete the rows and, after the commit, their stored files; answers how many rows."""
    doomed = list(rows.model._default_manager.filter(pk__in=rows.values("pk")).only("pk", field))
    stored_files_delete(getattr(row, field) for row in doomed)
    rows.model._default_manager.filter(pk__in=[row.pk for row in doomed]).delete()
    return len(doomed)
