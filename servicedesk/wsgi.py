import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
application = get_wsgi_application()

from servicedesk.heap import heap_freeze  # noqa: E402 - needs the settings and the apps

heap_freeze()
