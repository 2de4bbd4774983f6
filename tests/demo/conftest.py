"""`manage.py seed_demo`, loaded once for all of this package's tests (the tickets' year of
history, usage, availability, privacy) inside a transaction rolled back at its end; each test
runs in a savepoint of it.

The seed takes over a minute on the CI machine: under `make test` (`--dist loadgroup`) the
package's tests are one unit of work (`XDIST_GROUPS` in tests/conftest.py), run one after the
other by one worker, which seeds once instead of every module on every worker seeding its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.demo.seeding import seed


@pytest.fixture(scope="package", autouse=True)
def demo_output(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[str]:
    """The demo, loaded once for the package and rolled back after it (the privacy export's
    file goes to a temporary media folder)."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)
