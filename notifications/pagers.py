"""SMS/voice pagers (issue #13 §1): a pluggable sender, chosen by settings.PAGER_BACKEND.

A backend is a class with `send(message: PagerMessage) -> None` that raises on failure; the
escalation app claims each on-call step's message before handing it over (compare-and-set), so
a backend is called at most once per step and attempt. The default writes the message to the
log, which is what a desk without an SMS provider wants; a real one (an SMS gateway, a voice
call service) is a small class named in the environment.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PagerMessage:
    to_phone: str
    to_name: str
    text: str
    # The acknowledgement link; a voice backend may read the text and skip the link.
    url: str
    # Unique per on-call step: a backend that supports it passes it on as an idempotency key.
    key: str


class Pager(Protocol):
    def send(self, message: PagerMessage) -> None: ...


class LoggingPager:
    """Writes the message to the log (no SMS provider configured)."""

    def send(self, message: PagerMessage) -> None:
        log.warning(
            "pager %s to %s <%s>: %s %s",
            message.key,
            message.to_name,
            message.to_phone or "no phone",
            message.text,
            message.url,
        )


def pager_backend() -> Pager:
    """A new instance of the configured backend (read at call time, never at import)."""
    backend: type[Pager] = import_string(settings.PAGER_BACKEND)
    return backend()
