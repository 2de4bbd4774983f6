"""Upload policy (issue #10 §4): which files are taken, and how much per ticket and per day.

One home for the rule, used by the portal and the back-office forms (a clear refusal in the
user's language) and by the storing service, which refuses too:

- which files are taken, by extension and sniffed content (`filetypes`);
- how much per ticket and per organisation-day (`quotas`); the coordinators' alert when a quota
  is reached is a mail (`notifications.services.upload_alerts`);
- storing a checked batch (`store`), and serving a stored file (`serving`).

Email attachments are never refused (nothing is lost; the raw mail keeps them): they are stored
with their sniffed type, and those over a quota are noted on the message instead
(`intake.services.attachments`).
"""

from tickets.services.uploads.filetypes import (
    EXPECTED_TYPES,
    OLE_MAGIC,
    OLE_TYPES,
    TEXT_EXTENSIONS,
    TEXT_TYPES,
    UploadCheck,
    UploadRefused,
    allowed_extensions,
    extension_of,
    looks_like_text,
    upload_batch_problem,
    upload_check,
    uploaded_names_check,
)
from tickets.services.uploads.quotas import (
    QuotaProblem,
    QuotaUse,
    customer_day_stored_bytes,
    local_day,
    quota_problem,
    quota_use,
    ticket_stored_bytes,
)
from tickets.services.uploads.serving import (
    INLINE_SAFE_TYPES,
    Serving,
    attachment_file_response,
    download_serving,
)
from tickets.services.uploads.store import uploads_store

__all__ = [
    "EXPECTED_TYPES",
    "INLINE_SAFE_TYPES",
    "OLE_MAGIC",
    "OLE_TYPES",
    "TEXT_EXTENSIONS",
    "TEXT_TYPES",
    "QuotaProblem",
    "QuotaUse",
    "Serving",
    "UploadCheck",
    "UploadRefused",
    "allowed_extensions",
    "attachment_file_response",
    "customer_day_stored_bytes",
    "download_serving",
    "extension_of",
    "local_day",
    "looks_like_text",
    "quota_problem",
    "quota_use",
    "ticket_stored_bytes",
    "upload_batch_problem",
    "upload_check",
    "uploaded_names_check",
    "uploads_store",
]
