"""Files uploaded in the portal and the back-office: stored by the intake's upload policy
(`intake.services.uploads`, issue #10 §4), which checks type and quotas."""

from __future__ import annotations

from intake.services.uploads import UploadRefused, uploads_store

__all__ = ["UploadRefused", "uploads_store"]
