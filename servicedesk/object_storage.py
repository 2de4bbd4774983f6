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

A name is never reused (`file_overwrite=False`): a second file of the same name gets a suffix,
as on the file system, so a row never points at bytes written for another row.
"""

from __future__ import annotations

from typing import Any

from botocore.config import Config
from storages.backends.s3 import S3Storage

# An object larger than this is spooled to a temporary file while it is read, not kept in memory.
READ_SPOOL_BYTES = 4 * 2**20


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
