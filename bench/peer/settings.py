"""Django settings of the peer harness: django-helpdesk 2.6.1 on PostgreSQL (bench/peer/driver.py).

Runs under bench/peer/.venv (made by ``make bench-peer``), never under the project's venv.
PEER_DATABASE_URL (``postgres://user@host:port/name``) picks the database; by default the local
``helpdesk_peer_bench``, which the driver creates and migrates when missing. Mail goes to Django's
locmem backend: every notification is rendered and built as a real message, no network is used.
PEER_MEDIA_ROOT holds the attachments the peer stores (the driver points it at a temporary
directory). Teams mode is off (pinax-teams is not installed); everything else keeps helpdesk's
defaults, so the peer does the work it does out of the box.
"""

import os
from urllib.parse import unquote, urlsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/helpdesk_peer_bench"


def database_from_url(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
    }


SECRET_KEY = "peer-bench-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {
    "default": database_from_url(os.environ.get("PEER_DATABASE_URL") or DEFAULT_DATABASE_URL)
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT") or "/tmp/helpdesk-peer-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@localhost"
SERVER_EMAIL = "helpdesk@localhost"
LOGIN_URL = "helpdesk:login"

HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_ENABLED = True
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
