"""A GET as gunicorn makes it: Django's WSGI handler called in this process. Standard library
and Django only: the benches import it under the project's venv, bench/peer/driver.py under the
peer's."""

from __future__ import annotations

import io
import sys
from typing import Any


class WsgiGet:
    """GETs as gunicorn makes them: Django's WSGI handler called with an environ, its answer
    read and closed, in this process (the time is the server's, without network), with the
    cookies of `client` (a logged-in django.test.Client). Not the test client itself: its
    responses keep themselves in a reference cycle (their `json` helper) with the page's whole
    context, which a server's responses do not, so the garbage collector had a page's rows to
    walk that no worker has."""

    def __init__(self, client: Any) -> None:
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())

    def __call__(self, url: str) -> int:
        """The answer's status code."""
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "localhost",
            "HTTP_COOKIE": self.cookie,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []

        def start_response(line: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(line)
            return lambda data: None

        body = self.handler(environ, start_response)
        try:
            for _ in body:
                pass
        finally:
            body.close()
        return int(status[0].split()[0])
