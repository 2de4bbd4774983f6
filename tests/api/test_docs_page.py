"""The API's docs page works under the site's Content-Security-Policy: no inline style or
script (the policy allows the site's own files only), and every file it loads is served."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_docs_page_has_nothing_inline_and_loads_only_files_the_site_serves() -> None:
    client = Client()
    page = client.get("/api/v1/docs/")
    html = page.content.decode()
    resources = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert page.status_code == 200
    assert "style-src 'self'" in page["Content-Security-Policy"]
    assert "<style" not in html
    assert re.search(r"<script>(?!</script>)", html) is None
    assert len(resources) >= 5
    assert {url: _served(client, url) for url in resources} == dict.fromkeys(resources, True)


def _served(client: Client, url: str) -> bool:
    """A static file is found where collectstatic takes it from; anything else answers 200."""
    if url.startswith(settings.STATIC_URL):
        return finders.find(url.removeprefix(settings.STATIC_URL)) is not None
    return bool(client.get(url).status_code == 200)
