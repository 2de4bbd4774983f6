"""Project settings, read from the environment with django-environ (ARCHITECTURE rule 7).

With no environment at all the embedded default runs: SQLite under var/, Celery on kombu's
filesystem transport under var/, email written to files under var/mail/. Setting DATABASE_URL
and CELERY_BROKER_URL switches to PostgreSQL and Redis with no code change.
"""

import ipaddress
from pathlib import Path
from typing import Any

import environ
from kombu import Queue

from servicedesk import queues
from servicedesk.databases import database_pooled
from servicedesk.observability.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("SERVICEDESK_VAR_DIR", default=str(BASE_DIR / "var")))

# "development" (the embedded default) or "production". A secret has no default in production.
SERVICEDESK_ENV = env.str("SERVICEDESK_ENV", default="development")
if SERVICEDESK_ENV not in ("development", "production"):
    raise ValueError(f"SERVICEDESK_ENV must be development or production, not {SERVICEDESK_ENV!r}")
IS_PRODUCTION = SERVICEDESK_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="development-only-insecure-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "contracts",
    "tickets",
    "notifications",
    "escalation",
    "privacy",
    "usage",
    "availability",
    "reports",
    "intake",
    "portal",
    "backoffice",
    "api",
    "axes",
    "csp",
]

MIDDLEWARE = [
    # Issue #17 §1: the request id first (every later record carries it), then the latency
    # histogram, then /healthz, /readyz and /metrics answered before the HTTPS redirect, the
    # Host check, sessions and locale (servicedesk/observability/probes.py says why).
    "servicedesk.observability.requestid.RequestIdMiddleware",
    "servicedesk.observability.metrics.RequestLatencyMiddleware",
    "servicedesk.observability.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL byte in a URL is refused before anything queries with it (issue #10 §6).
    "servicedesk.middleware.NulByteGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "servicedesk.middleware.DisplayTimeZoneMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logged-in pages and file downloads: Cache-Control private, no-store (issue #10 §6).
    "servicedesk.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A refused change (contracts.exceptions.DomainError) becomes a message on the page.
    "servicedesk.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: failed logins are throttled per account and per address.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-outs (portal/lockout.py): one person (account + address) after AXES_FAILURE_LIMIT
# failures; an address alone only after AXES_ADDRESS_FAILURE_LIMIT failures over all accounts;
# the portal and the back-office count apart, so customers never lock the staff login.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HANDLER = "portal.lockout.DoorLockoutHandler"
AXES_USERNAME_CALLABLE = "portal.lockout.axes_username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_response"
# The client address: REMOTE_ADDR, unless this many reverse proxies of our own stand in front
# (then the entry they appended to X-Forwarded-For). Never a header by default.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "portal.lockout.client_address"

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- HTTPS (issue #10 §6): production passes `manage.py check --deploy` with no warnings ------
# Production is HTTPS only: plain HTTP is redirected and browsers are told (HSTS) never to use
# it again. Behind a TLS-terminating reverse proxy of our own, set DJANGO_BEHIND_TLS_PROXY=true:
# Django then believes that proxy's X-Forwarded-Proto (the proxy must set it on every request
# and drop one sent by a client). Without such a proxy the header is never believed.
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if IS_PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=IS_PRODUCTION
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy for every page but the staff admin (django-csp): only our
# own scripts and styles, no inline code, no framing.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

TEMPLATES = [
    {
        # Django's engine, letting a page's context go once rendered (issue #16); its usual name.
        "BACKEND": "servicedesk.template_backend.DjangoTemplates",
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker, beat and intake share one file: WAL lets readers run beside the writer,
    # IMMEDIATE takes the write lock at BEGIN (no lock upgrade deadlock), and the busy timeout
    # makes a writer wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    # A persistent connection closed under us (a database or PgBouncer restart) is replaced at
    # the next request's start instead of failing that request.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # A statement a connection has run this many times on a server-binding cursor is prepared
    # (psycopg's prepare_threshold; Django turns it off unless told): the joined reads of
    # every ticket and email (contracts.bulk_sql.prepared_cursor) are then planned once per
    # connection. 0: never. Always off behind PgBouncer (servicedesk/databases.py).
    _prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "prepare_threshold": _prepare_threshold or None,
    }
    # DATABASE_SERVER_BINDING=true: every statement's parameters sent apart from it (and so
    # every statement prepared at the threshold). Measured in issue #16 before the threshold was
    # passed on: creation about 6 % faster in absolute terms, the same ratio to the bare ORM,
    # the intake 3 % slower, so off by default. Always off behind PgBouncer.
    if env.bool("DATABASE_SERVER_BINDING", default=False):
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
        }
# "pgbouncer": DATABASE_URL names PgBouncer in transaction pooling (servicedesk/databases.py).
DATABASE_POOLING = env.str("DATABASE_POOLING", default="")
DATABASES["default"] = database_pooled(DATABASES["default"], DATABASE_POOLING)
# A read replica for the reports' figures only (contracts/replica.py); unset: none.
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    _replica.setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = database_pooled(_replica, DATABASE_POOLING)
DATABASE_ROUTERS = ["contracts.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language (DECISIONS D2, D16) -----------------------------------------------------
USE_TZ = True
TIME_ZONE = "UTC"  # storage; pages and mails show DISPLAY_TIME_ZONE
DISPLAY_TIME_ZONE = env.str("DISPLAY_TIME_ZONE", default="Europe/Amsterdam")
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Attachments, RCA reports, assessments, review packs and access exports on S3-compatible object
# storage when a bucket is named (several hosts share it); otherwise files under MEDIA_ROOT.
# Private objects, never a public or presigned link: every file is streamed by its authorising
# view (servicedesk/object_storage.py says why). Empty keys: boto's own chain (role, AWS_*).
OBJECT_STORAGE_BUCKET = env.str("OBJECT_STORAGE_BUCKET", default="")
if OBJECT_STORAGE_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "servicedesk.object_storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": OBJECT_STORAGE_BUCKET,
            "endpoint_url": env.str("OBJECT_STORAGE_ENDPOINT_URL", default="") or None,
            "access_key": env.str("OBJECT_STORAGE_ACCESS_KEY", default="") or None,
            "secret_key": env.str("OBJECT_STORAGE_SECRET_KEY", default="") or None,
            "region_name": env.str("OBJECT_STORAGE_REGION", default="") or None,
            "location": env.str("OBJECT_STORAGE_PREFIX", default=""),
            "addressing_style": env.str("OBJECT_STORAGE_ADDRESSING_STYLE", default="path"),
        },
    }

# --- Email (D12: sent through the outbox; the backend is only the last step) ------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="servicedesk@localhost")
# Links in emails are built from this, never from a request's Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Domain part of the deterministic Message-IDs of outgoing mail.
MESSAGE_ID_DOMAIN = env.str("MESSAGE_ID_DOMAIN", default="servicedesk.local")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A send's lease: a row whose worker died is re-sent after this many seconds.
OUTBOX_SEND_LEASE_SECONDS = env.int("OUTBOX_SEND_LEASE_SECONDS", default=120)
# Catch-up after an outage: the relay sends at most this many rows per minute, and a mail sent
# more than OUTBOX_LATE_NOTE_SECONDS after it was meant to go says how late it is.
OUTBOX_CATCHUP_PER_MINUTE = env.int("OUTBOX_CATCHUP_PER_MINUTE", default=120)
OUTBOX_LATE_NOTE_SECONDS = env.int("OUTBOX_LATE_NOTE_SECONDS", default=300)
OUTBOX_RELAY_SECONDS = env.int("OUTBOX_RELAY_SECONDS", default=60)
# A relay run stops starting sends after this many seconds (below the task's soft limit).
OUTBOX_RELAY_BUDGET_SECONDS = env.int("OUTBOX_RELAY_BUDGET_SECONDS", default=40)
# After a failed publish a process leaves new rows to the relay for this long, without waiting
# for the broker again (a request writing several rows waits once).
OUTBOX_PUBLISH_PAUSE_SECONDS = env.int("OUTBOX_PUBLISH_PAUSE_SECONDS", default=30)
# The task messages a change asks for (send this mail, this webhook, this pager step) are
# published by a thread of the process, not by the request or task that committed the change:
# it never waits for the broker, and rows written together go out as one message
# (notifications/services/publisher.py). False: published on commit by the caller.
TASK_PUBLISH_BACKGROUND = env.bool("TASK_PUBLISH_BACKGROUND", default=True)
# How long that thread waits for more rows after the first (a flush at a task's end or at exit
# does not wait): one message for many rows under load, a tenth of a second of a mail's delay.
TASK_PUBLISH_LINGER_SECONDS = env.float("TASK_PUBLISH_LINGER_SECONDS", default=0.1)
# Below the task soft time limit, so a stalled SMTP server fails the attempt cleanly.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
ESCALATION_ACK_MAX_AGE_DAYS = env.int("ESCALATION_ACK_MAX_AGE_DAYS", default=7)
# Issue #11 §1: a customer's reply reopens a resolved ticket within this many days of its
# resolution; after it, the reply opens a follow-up ticket.
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=14)

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables (broadcast/fanout) live under var/ too, never in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# A publish while the broker is down or stalled fails fast; the outbox relay sends the row
# later (D12). Publishing happens on commit inside web requests, so every wait is bounded:
# the connection (CELERY_BROKER_CONNECTION_TIMEOUT), the socket reads and writes (redis
# socket_timeout), and no publish retry; a worker still retries its own connection forever.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_PUBLISH_TIMEOUT = env.float("CELERY_BROKER_PUBLISH_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0.1}
# Redis: bounded connect and socket waits, and no reconnection loop inside a publish.
BROKER_REDIS_TRANSPORT_OPTIONS: dict[str, object] = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_PUBLISH_TIMEOUT,
    "max_retries": 0,
}
# Several desks (or a drill and its tests) may share one Redis: each under a key prefix of its own.
if _broker_key_prefix := env.str("CELERY_BROKER_KEY_PREFIX", default=""):
    BROKER_REDIS_TRANSPORT_OPTIONS["global_keyprefix"] = _broker_key_prefix
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = BROKER_REDIS_TRANSPORT_OPTIONS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Named queues (servicedesk/queues.py): each task goes to its kind's queue, so a flood of mail
# on `intake` cannot starve `escalation`. A worker given no -Q consumes all of them.
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT_QUEUE
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in queues.QUEUES]
CELERY_TASK_ROUTES = queues.task_routes()
# Beat on Redis: celery-redbeat keeps the schedule in Redis under a lock, so a second beat
# process (on another node) waits and takes over within REDBEAT_LOCK_TIMEOUT seconds of the
# first one's death. The embedded default keeps Celery's file scheduler under var/.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = env.str("REDBEAT_REDIS_URL", default=CELERY_BROKER_URL)
    CELERY_REDBEAT_KEY_PREFIX = env.str("REDBEAT_KEY_PREFIX", default="redbeat")
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("REDBEAT_LOCK_TIMEOUT", default=30)
    # A Redis restart: the beat retries its Redis calls for this long instead of exiting.
    CELERY_REDBEAT_REDIS_OPTIONS = {"socket_timeout": 10, "retry_period": 60}
    # The holder renews its lock at least this often: well inside the lock's timeout.
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, CELERY_REDBEAT_LOCK_TIMEOUT // 5)
CELERY_TIMEZONE = "UTC"
# One beat process at a time sends these (on Redis: the one holding the redbeat lock; README).
# The database is the timer: the sweep finds what is due, so a missed or doubled beat tick
# delays or repeats a no-op, never an email.
ESCALATION_SWEEP_SECONDS = env.int("ESCALATION_SWEEP_SECONDS", default=30)
# A sweep claims tickets in pages of ESCALATION_SWEEP_PAGE with a lease of this many seconds:
# a killed sweep's unprocessed tickets are checked again after the lease.
ESCALATION_SWEEP_LEASE_SECONDS = env.int("ESCALATION_SWEEP_LEASE_SECONDS", default=60)
ESCALATION_SWEEP_PAGE = env.int("ESCALATION_SWEEP_PAGE", default=200)
CELERY_BEAT_SCHEDULE = {
    "escalation-sweep": {
        "task": "escalation.tasks.escalation_sweep_task",
        "schedule": float(ESCALATION_SWEEP_SECONDS),
    },
    "outbox-relay": {
        "task": "escalation.tasks.outbox_relay_task",
        "schedule": float(OUTBOX_RELAY_SECONDS),
    },
    "csam-daily": {
        "task": "escalation.tasks.csam_daily_task",
        "schedule": float(env.int("CSAM_DAILY_SECONDS", default=3600)),
    },
    # Issue #14: unused entitlements of ended work orders lapse (exactly once; hourly is a no-op
    # after the first run of the day).
    "usage-entitlements-lapse": {
        "task": "usage.tasks.entitlements_lapse_task",
        "schedule": float(env.int("CSAM_DAILY_SECONDS", default=3600)),
    },
    # Issue #13 §1: unacknowledged on-call pages go to the next person; unsent pager messages
    # are sent again.
    "oncall-sweep": {
        "task": "escalation.tasks.oncall_sweep_task",
        "schedule": float(ESCALATION_SWEEP_SECONDS),
    },
    # Issue #14: subscription fees of the month and fair use of the month before (BIL-01,
    # BIL-02), each once per contract and month whatever the interval.
    "usage-monthly": {
        "task": "usage.tasks.usage_monthly_task",
        "schedule": float(env.int("USAGE_MONTHLY_SECONDS", default=3600)),
    },
    # Issue #14 §3 (D18): contract renewals and ends; daily work, run hourly (each happens once).
    "contract-terms": {
        "task": "usage.tasks.contract_terms_task",
        "schedule": float(env.int("CONTRACT_TERMS_SECONDS", default=3600)),
    },
    # Issue #15 §1: the day-before maintenance reminders (each once per maintenance and
    # contact) and maintenance that is over marked done.
    "maintenance-reminders": {
        "task": "availability.tasks.maintenance_reminders_task",
        "schedule": float(env.int("MAINTENANCE_REMINDER_SECONDS", default=900)),
    },
    # Issue #16: the dashboard's months that are over, rolled up (again after a late change;
    # until then the dashboard counts such a month live).
    "figures-rollup": {
        "task": "tickets.tasks.figures_rollup_task",
        "schedule": float(env.int("FIGURES_ROLLUP_SECONDS", default=600)),
    },
    # Issue #15 §3: retention (once a day whatever the interval) and expired access exports.
    "privacy-retention": {
        "task": "privacy.tasks.retention_task",
        "schedule": float(env.int("RETENTION_CHECK_SECONDS", default=3600)),
    },
}
# Privacy (issue #15 §3): closed tickets' attachments and raw inbound mail older than this many
# days are purged (0: never); an access export is kept this many days, then removed.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=0)
PRIVACY_EXPORT_KEEP_DAYS = env.int("PRIVACY_EXPORT_KEEP_DAYS", default=30)
# On call (issue #13 §1): the SMS/voice sender (a dotted path to a class with
# `send(message)`; the default writes the message to the log), how long a page's
# acknowledgement link works, and how far ahead the rota is checked for gaps.
PAGER_BACKEND = env.str("PAGER_BACKEND", default="notifications.pagers.LoggingPager")
ONCALL_ACK_MAX_AGE_HOURS = env.int("ONCALL_ACK_MAX_AGE_HOURS", default=24)
ONCALL_GAP_CHECK_WEEKS = env.int("ONCALL_GAP_CHECK_WEEKS", default=4)

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Issue #12 §1: bearer tokens for integrations, the session for the project's own pages;
    # no Basic authentication.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.CallerRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The cache counts API rate limits: Redis in production (every web process counts together:
# the broker's Redis unless CACHE_URL names another), process memory in development.
_CACHE_DEFAULT = "locmemcache://"
if IS_PRODUCTION and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    _CACHE_DEFAULT = CELERY_BROKER_URL
CACHES = {"default": env.cache_url("CACHE_URL", default=_CACHE_DEFAULT)}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # django-redis: every web process counts the rate limits together. A Redis restart or stall
    # costs a request at most these timeouts and then counts nothing (the request is served,
    # the error logged) instead of failing every API request while Redis is away.
    CACHES["default"]["OPTIONS"] = {
        "SOCKET_CONNECT_TIMEOUT": CELERY_BROKER_CONNECTION_TIMEOUT,
        "SOCKET_TIMEOUT": CELERY_BROKER_PUBLISH_TIMEOUT,
        "IGNORE_EXCEPTIONS": True,
        **CACHES["default"].get("OPTIONS", {}),
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Requests per token (or session user) and period: "600/min", "20/s". Empty: no limit.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/min")
# A POST/PATCH whose process died keeps its Idempotency-Key busy this long.
API_IDEMPOTENCY_LEASE_SECONDS = env.int("API_IDEMPOTENCY_LEASE_SECONDS", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": "servicedesk API",
    "DESCRIPTION": (
        "Tickets, contracts, calendars, escalations and webhooks of the service desk. "
        "Authenticate with `Authorization: Bearer <token>`; errors are application/problem+json."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Several models have a "status": each its own enum name.
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "contracts.models.ContractStatus",
        "ProblemStatusEnum": "tickets.models.ProblemStatus",
        "TicketStatusEnum": "tickets.models.Status",
        "MaintenanceStatusEnum": "availability.models.MaintenanceStatus",
        "MonitoredServiceKindEnum": "availability.models.ServiceKind",
        "TargetBasisEnum": "availability.models.TargetBasis",
        "ExclusionReasonEnum": "availability.models.ExclusionReason",
        "WebhookEventTypeEnum": "notifications.models.WebhookEventType",
        "WebhookDeliveryStatusEnum": "notifications.models.DeliveryStatus",
        "ExecutiveSideEnum": "escalation.services.executives.ExecutiveSide",
        "PhoneCodeStateEnum": "api.serializers.out_of_hours.PHONE_CODE_STATES",
        "TimeCategoryEnum": "tickets.models.TimeCategory",
        "BillingLineCategoryEnum": "usage.models.LineCategory",
        "SupportLocationRoleEnum": "contracts.models.LocationRole",
        "DataSubjectRequestKindEnum": "privacy.models.RequestKind",
        "DataSubjectRequestStatusEnum": "privacy.models.RequestStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.problems_everywhere",
        "api.schema.staff_fields_optional",
    ],
}

# --- Catalogue ------------------------------------------------------------------------------
CATALOGUE_DIR = Path(env.str("CATALOGUE_DIR", default=str(BASE_DIR / "catalogue")))

# --- Logs and metrics (issue #17 §1) ---------------------------------------------------------
# "json": one JSON object per line with the request and task ids (the production default);
# "text": the plain message lines of development.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "text")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))
# /readyz: how long the database and the broker may take to answer (also the broker's timeout
# when /metrics reads queue depths).
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=1.5)
# /metrics answers clients in these networks (the client address as TRUSTED_PROXY_COUNT reads
# it) and requests with `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets 403.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
for _network in METRICS_ALLOWED_NETWORKS:  # a typo fails the start, not every scrape
    ipaddress.ip_network(_network, strict=False)
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Email intake (issue #4, DECISIONS D13) --------------------------------------------------
INTAKE_MAX_BYTES = env.int("INTAKE_MAX_BYTES", default=25 * 1024 * 1024)
INTAKE_MAX_PARTS = env.int("INTAKE_MAX_PARTS", default=200)
INTAKE_MAX_DEPTH = env.int("INTAKE_MAX_DEPTH", default=10)
INTAKE_MAX_ATTACHMENTS = env.int("INTAKE_MAX_ATTACHMENTS", default=20)
INTAKE_MAX_ATTACHMENT_BYTES = env.int("INTAKE_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
INTAKE_RECEIPTS_PER_HOUR = env.int("INTAKE_RECEIPTS_PER_HOUR", default=5)
# Where the raw message goes (issue 17): "object" puts it on the bucket (content-addressed, written
# before its row, intake.raw), "database" keeps it in PostgreSQL. Default: the bucket when one is
# named. A refused message's headers always stay on its row (at most INTAKE_REFUSED_KEEP_BYTES).
INTAKE_RAW_STORAGE = env.str(
    "INTAKE_RAW_STORAGE", default="object" if OBJECT_STORAGE_BUCKET else "database"
)
if INTAKE_RAW_STORAGE not in ("object", "database"):
    raise ValueError("INTAKE_RAW_STORAGE is 'object' or 'database'")
if INTAKE_RAW_STORAGE == "object" and not OBJECT_STORAGE_BUCKET:
    raise ValueError("INTAKE_RAW_STORAGE=object needs OBJECT_STORAGE_BUCKET")
# --- Uploads (issue #10 §4): allowed types (checked by content and extension) and quotas -------
_UPLOAD_EXTS = (
    "pdf docx xlsx pptx doc xls ppt odt ods odp rtf txt csv log eml msg "
    "png jpg jpeg gif webp bmp tif tiff heic zip 7z gz tar"
)
UPLOAD_ALLOWED_EXTENSIONS = env.list("UPLOAD_ALLOWED_EXTENSIONS", default=_UPLOAD_EXTS.split())
UPLOAD_QUOTA_PER_TICKET_BYTES = env.int("UPLOAD_QUOTA_PER_TICKET_BYTES", default=100 * 1024 * 1024)
UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES = env.int(
    "UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES", default=250 * 1024 * 1024
)
INTAKE_SMTP_HOST = env.str("INTAKE_SMTP_HOST", default="127.0.0.1")
INTAKE_SMTP_PORT = env.int("INTAKE_SMTP_PORT", default=2525)
# IMAP mailboxes to poll: imaps://user:password@host:993/INBOX?move_to=Processed (comma list).
INTAKE_IMAP_MAILBOXES = env.list("INTAKE_IMAP_MAILBOXES", default=[])
INTAKE_IMAP_TIMEOUT = env.int("INTAKE_IMAP_TIMEOUT", default=30)
# Refused (over-size) IMAP messages are moved here when set; a `?rejected=Folder` mailbox URL
# parameter overrides it per mailbox. Empty: they stay in the folder, marked seen.
INTAKE_IMAP_REJECTED_FOLDER = env.str("INTAKE_IMAP_REJECTED_FOLDER", default="")
# How much of a refused message is kept on its quarantined record (its headers, at most this).
INTAKE_REFUSED_KEEP_BYTES = env.int("INTAKE_REFUSED_KEEP_BYTES", default=64 * 1024)
# The authserv-id of the desk's own receiving server: only its Authentication-Results count
# (RFC 8601). Empty: none are trusted.
INTAKE_AUTHSERV_ID = env.str("INTAKE_AUTHSERV_ID", default="")
# More domains of the provider besides those of DEFAULT_FROM_EMAIL and MESSAGE_ID_DOMAIN: mail
# claiming to be from them that is not the desk's own is a security alert.
INTAKE_PROVIDER_DOMAINS = env.list("INTAKE_PROVIDER_DOMAINS", default=[])
CELERY_BEAT_SCHEDULE["api-idempotency-purge"] = {
    "task": "api.tasks.idempotency_purge_task",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["intake-retry-stuck"] = {
    "task": "intake.tasks.inbound_retry_stuck_task",
    "schedule": 300.0,
}
if INTAKE_IMAP_MAILBOXES:
    CELERY_BEAT_SCHEDULE["intake-imap-poll"] = {
        "task": "intake.tasks.imap_poll_all_task",
        "schedule": float(env.int("INTAKE_IMAP_POLL_SECONDS", default=60)),
    }

# --- Webhooks (issue #12 §4) -----------------------------------------------------------------
# Targets must be public addresses (no loopback, private or link-local) unless this is true:
# for tests and a desk whose receivers sit on its own private network.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
# One attempt's connect and read timeout, below the send lease and the task soft time limit.
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
# A send's lease: a delivery whose worker died is sent again after this many seconds.
WEBHOOK_SEND_LEASE_SECONDS = env.int("WEBHOOK_SEND_LEASE_SECONDS", default=60)
# An endpoint with no successful delivery for this long is turned off and its owner mailed.
WEBHOOK_DISABLE_AFTER_SECONDS = env.int("WEBHOOK_DISABLE_AFTER_SECONDS", default=24 * 3600)
# After a secret rotation the old secret still signs (beside the new one) for this long.
WEBHOOK_SECRET_GRACE_SECONDS = env.int("WEBHOOK_SECRET_GRACE_SECONDS", default=24 * 3600)
# The relay sends due deliveries every WEBHOOK_RELAY_SECONDS, at most WEBHOOK_RELAY_BATCH a run
# and starting none after WEBHOOK_RELAY_BUDGET_SECONDS (below the task soft time limit).
WEBHOOK_RELAY_SECONDS = env.int("WEBHOOK_RELAY_SECONDS", default=30)
WEBHOOK_RELAY_BATCH = env.int("WEBHOOK_RELAY_BATCH", default=200)
WEBHOOK_RELAY_BUDGET_SECONDS = env.int("WEBHOOK_RELAY_BUDGET_SECONDS", default=40)
# --- Service review packs (issue #15 §2) ------------------------------------------------------
# Last month's pack goes to each contract's CSAM and the service support managers from the first
# working day of the month on; the job runs this often (each mail goes once) and stops starting
# new contracts after the budget (the rest follow on the next run); the task's own time limit
# is 600 s (reports.tasks), as rendering PDFs takes seconds per contract.
REVIEW_PACK_MAIL_SECONDS = env.int("REVIEW_PACK_MAIL_SECONDS", default=3600)
REVIEW_PACK_MAIL_BUDGET_SECONDS = env.int("REVIEW_PACK_MAIL_BUDGET_SECONDS", default=240)
CELERY_BEAT_SCHEDULE["review-packs-monthly"] = {
    "task": "reports.tasks.review_packs_monthly_task",
    "schedule": float(REVIEW_PACK_MAIL_SECONDS),
}
CELERY_BEAT_SCHEDULE["webhook-relay"] = {
    "task": "notifications.tasks.webhook_relay_task",
    "schedule": float(WEBHOOK_RELAY_SECONDS),
}
