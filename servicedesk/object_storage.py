"""The default file storage on S3-compatible object storage (issue 17), when a bucket is named.

Every stored file here is a customer's (attachments, RCA reports, pre-event assessments, review
packs, access exports), so the objects are private and this storage hands out no link at all:
`url()` refuses. Each file reaches a browser only by its authorising view, which checks who may
have it and then streams the object through `storage.open` (`tickets.services.uploads.serving`,
`privacy.downloads`). Streaming rather than a redirect to a presigned URL, because:

- the view's own headers stay on the file: `X-Content-Type-Options: nosniff`, the sandboxing
  `Content-Security-Policy` of an inline PDF, `Cache-Control: private, no-store`; a presigned
  response carries none of them and would be cached by whatever sits between;
- the object store need not be reachable from the customers' network, and no link that works for
  anyone who holds it (browser history, a forwarded mail, a proxy's log) ever exists;
- the reverse proxy buffers the response, so a slow client holds the proxy, not a web worker;
  the worker only copies the object over the local network (a file is at most a few tens of MB).

A name is never reused, so a row never points at bytes written for another row and deleting
one row's file never removes another's. On the file system Django opens a new file exclusively
(O_EXCL); an object store has no such step (django-storages' `file_overwrite=False` asks whether
the name exists, then writes: two workers storing the same signature logo at once both find it
free and write one object). So every object name here carries a random folder of its own
(`attachments/ab/<sha256>/<random>/image001.png`): no request to ask, no race. The name a file is
downloaded as is kept on its row, never taken from the object's name. The one exception is raw
mail (`exact_save`): its names are content hashes, so a name always holds the same bytes.
"""

from __future__ import annotations

import posixpath
from typing import Any

from botocore.config import Config
from django.core.exceptions import SuspiciousFileOperation
from django.utils.crypto import get_random_string
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# An object larger than this is spooled to a temporary file while it is read, not kept in memory.
READ_SPOOL_BYTES = 4 * 2**20
# The random folder of every object name: 62**12 names, never the same twice in practice.
NAME_TOKEN_LENGTH = 12


class ObjectUrlRefused(RuntimeError):
    """Raised instead of a link to a stored object: files leave through their authorising view."""


class PrivateObjectStorage(S3Storage):
    """django-storages' S3 backend with private objects, bounded waits and no links."""

    def __init__(self, **options: Any) -> None:
        # No ACL is sent: an object without one is private to the bucket's owner, and a bucket
        # with ACLs disabled (AWS's default since 2023) refuses every upload that names one.
        # Keep the bucket's public access blocked (docs: the README's object storage section).
        options.setdefault("default_acl", None)
        options.setdefault("file_overwrite", False)
        options.setdefault("querystring_auth", True)
        options.setdefault("querystring_expire", 60)
        options.setdefault("max_memory_size", READ_SPOOL_BYTES)
        # A dead object store fails a request or a task in seconds instead of holding a worker.
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": options.pop("addressing_style", None) or "auto"},
                signature_version="s3v4",
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )
        super().__init__(**options)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        """`name` in a random folder of its own; a file name too long for `max_length` is cut
        (its extension kept)."""
        folder, base = posixpath.split(clean_name(name))
        token = get_random_string(NAME_TOKEN_LENGTH)
        unique = posixpath.join(folder, token, base)
        excess = len(unique) - max_length if max_length else 0
        if excess > 0:
            root, extension = posixpath.splitext(base)
            if excess >= len(root):
                raise SuspiciousFileOperation(f"no room for a file name in {max_length}: {name}")
            unique = posixpath.join(folder, token, root[:-excess] + extension)
        return unique

    def exact_save(self, name: str, content: Any) -> str:
        """Write `content` under exactly `name`, replacing an object of that name: only for
        content-addressed names, where the same name always holds the same bytes (the raw mail
        of intake.raw). Answers the name once the store has acknowledged the whole object."""
        return str(self._save(name, content))

    def url(
        self,
        name: str | None,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        raise ObjectUrlRefused(
            "stored files are private: serve them through their authorising view "
            "(tickets.services.uploads.serving.stored_file_response)"
        )
