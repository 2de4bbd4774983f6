"""gunicorn's access log as JSON lines when LOG_FORMAT=json (the logger class of
servicedesk/gunicorn_config.py), with the request id the response carries: the access line, the
application's lines and the proxy's log name the same request. With LOG_FORMAT=text it is
gunicorn's own format, unchanged."""

from __future__ import annotations

import json
import traceback
from datetime import UTC, datetime
from typing import Any

from gunicorn.glogging import Logger


def _json_wanted() -> bool:
    """Read in a worker, where Django's settings are loaded (also from .env)."""
    try:
        from django.conf import settings

        return getattr(settings, "LOG_FORMAT", "text") == "json"
    except Exception:  # settings not configured: gunicorn's own format
        return False


class JsonAccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled or not _json_wanted():
            return super().access(resp, req, environ, request_time)
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": datetime.now(tz=UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{atoms['r']} {atoms['s']}",
            "request_id": atoms.get("{x-request-id}o"),
            "remote_addr": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "status": atoms["s"],
            "bytes": atoms["B"],
            "duration_seconds": request_time.total_seconds(),
            "user_agent": atoms["a"],
        }
        try:
            self.access_log.info(json.dumps(line, default=str))
        except Exception:
            self.error(traceback.format_exc())
