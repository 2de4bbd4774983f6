"""Shared fixtures: the real catalogue is loaded once per test database."""

import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils.translation import override

from contracts.selectors import catalogue_cache_clear
from contracts.services.catalogue import catalogue_load, catalogue_paths
from notifications.services.recipients import line_members_cache_clear

# Folders whose tests share a costly package-scoped fixture (the demo's seed): under
# `--dist loadgroup` each is one unit of work for one worker. pytest-xdist 3.8's own groups
# (the `xdist_group` mark) rename `item._nodeid`, which pytest 9 no longer reads, so the
# grouping is done here, on the controller, by path.
XDIST_GROUPS = ("tests/demo/",)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FolderGroups(LoadScopeScheduling):
        """Every test its own unit (as `--dist load` balances), except a group folder's,
        which go together; the largest unit first."""

        def _split_scope(self, nodeid: str) -> str:
            return next((group for group in XDIST_GROUPS if nodeid.startswith(group)), nodeid)

    return FolderGroups(config, log)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load catalogue/*.toml into the test database once; each test rolls back its own writes."""
    with django_db_blocker.unblock():
        catalogue_load(
            paths=catalogue_paths(settings.CATALOGUE_DIR),
            now=datetime(2025, 1, 1, tzinfo=UTC),
        )


@pytest.fixture(autouse=True)
def _catalogue_cache_empty():
    """Row ids can be reused after a rolled-back test, so process caches start empty."""
    catalogue_cache_clear()
    line_members_cache_clear()
    yield
    catalogue_cache_clear()
    line_members_cache_clear()


@pytest.fixture
def english() -> Iterator[None]:
    """Run a test in English: it asserts the services' English messages, while the project's
    default language is Dutch. Pages requested through a client follow their own cookie."""
    with override("en"):
        yield


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the project's default language (Dutch), whatever an earlier test or
    request activated in this thread: the outcome never depends on the order tests run in."""
    with override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """Passwords set and checked in a test are hashed with MD5: the production hasher (PBKDF2,
    a million rounds) costs a third of a second a user and login, most of many tests' time. A
    test of the production settings reads them in its own process."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _task_publish_in_the_caller(settings) -> None:
    """Tests see a publish as it happens (on commit, in the test's thread); the background
    publisher has its own tests (tests/notifications/test_publisher.py)."""
    settings.TASK_PUBLISH_BACKGROUND = False


@pytest.fixture
def no_garbage_collector() -> Iterator[None]:
    """Only reference counting frees objects while the test runs: what it keeps alive is in a
    reference cycle (issue #16: a page's rows must not wait for a full collection)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
