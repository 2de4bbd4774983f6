"""Settings of the drill's processes: the desk's own, with what PgBouncer's transaction pooling
needs (no server-side cursors, no server-side prepared statements: a pooled connection may
change between two statements of one cursor). Another change may bring these to
servicedesk.settings; until then the drill sets them here, and only here."""

from servicedesk.settings import *  # noqa: F403
from servicedesk.settings import DATABASES

DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
