"""Guards shared by the ticket services."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

from tickets.exceptions import TicketValidationError

F = TypeVar("F", bound=Callable[..., Any])


def requires_aware_now(func: F) -> F:
    """Refuse a naive `now` (ARCHITECTURE rule 2: datetimes are aware, naive ones raise)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        now = kwargs.get("now")
        if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
            raise TicketValidationError(
                "now", f"{func.__name__} needs an aware datetime for now (with a time zone)."
            )
        return func(*args, **kwargs)

    return cast(F, wrapper)
