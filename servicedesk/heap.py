"""A web worker's heap after its start (issue #16).

What a worker holds once it has started (Django, the apps and their models, the admin, the URL
configuration with the views it imports) stays until the worker ends. Python's full garbage
collections walk every object all the same: in a Django worker a full collection took 40-80 ms,
and one came every dozen requests or so of a busy page, in the middle of a request (the back
office queue's p95 was twice its median for it). Frozen after the start, those objects are
left out of every collection; what requests create is collected as before.
"""

import gc

from django.urls import get_resolver


def heap_freeze() -> None:
    """Load the URL configuration (and so the views), collect, and freeze what is left."""
    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
    gc.collect()
    gc.freeze()
