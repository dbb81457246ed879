"""Settings, read from the environment.

The defaults run on a laptop with nothing installed (SQLite under var/, a filesystem
Celery broker); production sets DATABASE_URL, CELERY_BROKER_URL and SECRET_KEY.
DEBUG is off unless DJANGO_DEBUG asks for it, and then SECRET_KEY is mandatory.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helpdesk.lib.hours import parse_weekly_hours

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HELPDESK_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A fixed development key only when DEBUG is explicitly on; production must bring its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set SECRET_KEY, or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # with FORM_RENDERER below: templates/django/forms/ may override widget templates
    "django_htmx",
    "rest_framework",
    "axes",
    "csp",
    "helpdesk",
    "customers",
    "tickets",
    "backoffice",
    "backoffice.billing",
    "backoffice.rosters",
    "backoffice.kb",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: PostgreSQL in production, a SQLite file under var/ by default.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'helpdesk.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker, beat and relay share the file: WAL lets readers and one writer
    # work at once, IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests start real worker processes, which must see the test database: keep it on disk.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-helpdesk.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, passwords, sign-in.
AUTH_USER_MODEL = "helpdesk.User"
# Axes refuses locked-out sign-ins (and loads users like ModelBackend); ModelBackend checks passwords.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling: after AXES_FAILURE_LIMIT failures for one address and account, that pair
# is locked out for AXES_COOLOFF_MINUTES (others keep working).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Internationalisation: our first users work in these languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("fi", _("Finnish")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Vilnius")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email: console in development, SMTP (EMAIL_URL, e.g. smtp+tls://user:pass@host:587) in production.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Helpdesk <helpdesk@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
# Retries of a failed reply email (backing off up to 5 minutes apart) before it is marked failed.
EMAIL_SEND_MAX_RETRIES = env.int("EMAIL_SEND_MAX_RETRIES", default=5)

# --- Security headers. Production (DEBUG off) gets the strict set that `check --deploy` asks for.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy: no inline script or style anywhere; htmx is served from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

REDIS_URL = env.str("REDIS_URL", default="")

# --- Cache: Redis when there is one (shared by every process), else this process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Celery. Queues: default, routing, sla, notify, ingest (see helpdesk/celery.py).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files under var/broker, shared by every local process.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # Seconds before Redis hands an unacknowledged message (its worker died) to another worker.
    # Every task must finish well within it; timers are beat-polled columns, never countdowns.
    # A sweep every CELERY_UNACKED_RESTORE_INTERVAL seconds puts such messages back.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": 1,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
    }
CELERY_TIMEZONE = TIME_ZONE

# --- Outbox relay: how many committed events it publishes per batch, how often it looks.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=200)
OUTBOX_POLL_SECONDS = env.float("OUTBOX_POLL_SECONDS", default=0.25)
# Extra modules that register outbox handlers (the apps' own `handlers` modules always load).
OUTBOX_HANDLER_MODULES = env.list("OUTBOX_HANDLER_MODULES", default=[])

# --- Customers: the largest CSV file the import page accepts, and its most rows (imported while the
# browser waits, a few thousand a minute; bigger files: `manage.py import_customers`).
CUSTOMERS_IMPORT_MAX_BYTES = env.int("CUSTOMERS_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
CUSTOMERS_IMPORT_MAX_ROWS = env.int("CUSTOMERS_IMPORT_MAX_ROWS", default=5000)

# --- Knowledge base: an article opened from the portal's request form counts as having answered the
# question (deflected a request) unless that visitor files a request within this many minutes.
PORTAL_DEFLECTION_MINUTES = env.int("PORTAL_DEFLECTION_MINUTES", default=60)

# --- Tickets.
# Agents see the tickets of their teams (and those without a team); True lets them see all.
TICKETS_AGENTS_SEE_ALL = env.bool("TICKETS_AGENTS_SEE_ALL", default=False)
# Attachments: the largest file accepted, and the types refused whatever their name says.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Portal requests: a solved request may be reopened in the portal for this many days.
PORTAL_REOPEN_DAYS = env.int("PORTAL_REOPEN_DAYS", default=14)
# Satisfaction: a survey link works this many days; NPS is asked at most once per interval.
CSAT_LINK_DAYS = env.int("CSAT_LINK_DAYS", default=30)
NPS_INTERVAL_DAYS = env.int("NPS_INTERVAL_DAYS", default=90)
# Callbacks booked in the portal: slot length, how many days ahead and how soon a slot is offered, the
# skill an agent needs to take them ("" = none), and how long before the call the reminder goes out.
CALLBACK_SLOT_MINUTES = env.int("CALLBACK_SLOT_MINUTES", default=30)
CALLBACK_DAYS_AHEAD = env.int("CALLBACK_DAYS_AHEAD", default=5)
CALLBACK_MIN_NOTICE_MINUTES = env.int("CALLBACK_MIN_NOTICE_MINUTES", default=60)
CALLBACK_SKILL = env.str("CALLBACK_SKILL", default="")
CALLBACK_REMINDER_MINUTES = env.int("CALLBACK_REMINDER_MINUTES", default=60)
# Portal accounts: how long a sign-up's verification link and an emailed sign-in link stay valid, and
# how many sign-ups, sign-in links and data downloads one client address or one email address may ask
# for per window (seconds); the window's excess is answered 429.
PORTAL_VERIFY_HOURS = env.int("PORTAL_VERIFY_HOURS", default=48)
PORTAL_SIGNIN_LINK_MINUTES = env.int("PORTAL_SIGNIN_LINK_MINUTES", default=15)
PORTAL_ACCOUNT_RATE = env.int("PORTAL_ACCOUNT_RATE", default=5)
PORTAL_ACCOUNT_WINDOW = env.int("PORTAL_ACCOUNT_WINDOW", default=900)
# Email: the largest raw email accepted (beyond it the sender gets an error, nothing is stored).
EMAIL_INBOUND_MAX_BYTES = env.int("EMAIL_INBOUND_MAX_BYTES", default=30 * 1024 * 1024)
# Acknowledgements of new email tickets (a mailbox setting): at most this many per sender per window,
# so two auto-responders answering each other stop quickly.
AUTO_REPLY_MAX_PER_SENDER = env.int("AUTO_REPLY_MAX_PER_SENDER", default=3)
AUTO_REPLY_WINDOW_MINUTES = env.int("AUTO_REPLY_WINDOW_MINUTES", default=60)
# IMAP polling (every minute, for mailboxes with an IMAP source in the admin): how many messages one
# poll files, the network timeout, how long a poll may hold its mailbox, and after how long a
# mailbox that cannot log in or fetch alerts the admins by email.
IMAP_BATCH_SIZE = env.int("IMAP_BATCH_SIZE", default=50)
IMAP_TIMEOUT_SECONDS = env.int("IMAP_TIMEOUT_SECONDS", default=30)
IMAP_LEASE_SECONDS = env.int("IMAP_LEASE_SECONDS", default=600)
IMAP_ALERT_AFTER_MINUTES = env.int("IMAP_ALERT_AFTER_MINUTES", default=15)
# Phone: the Twilio account's auth token, which signs its call callbacks to /channels/twilio/voice/.
# Empty turns the endpoint off (it answers 404).
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# Social and messaging (Telegram, generic webhook): the largest update accepted, the Bot API's address
# (tests point it at a local server), the timeout of each call out, and retries of a failed reply.
SOCIAL_INBOUND_MAX_BYTES = env.int("SOCIAL_INBOUND_MAX_BYTES", default=1024 * 1024)
TELEGRAM_API_BASE = env.str("TELEGRAM_API_BASE", default="https://api.telegram.org")
SOCIAL_SEND_TIMEOUT_SECONDS = env.int("SOCIAL_SEND_TIMEOUT_SECONDS", default=10)
SOCIAL_SEND_MAX_RETRIES = env.int("SOCIAL_SEND_MAX_RETRIES", default=5)
# The embeddable pages (the contact form /contact/ and the chat widget's /chat/): the sites allowed to
# frame them, and anonymous tickets (contact messages, chats started) per address per window.
CONTACT_FORM_FRAME_ANCESTORS = env.list("CONTACT_FORM_FRAME_ANCESTORS", default=["'self'"])
CONTACT_FORM_RATE = env.int("CONTACT_FORM_RATE", default=5)
CONTACT_FORM_WINDOW = env.int("CONTACT_FORM_WINDOW", default=600)
# Rosters: the staffing view flags an hour as understaffed above this many expected tickets per agent.
ROSTER_TICKETS_PER_AGENT_HOUR = env.float("ROSTER_TICKETS_PER_AGENT_HOUR", default=4.0)
# Outbound webhooks (tickets/notifications/webhooks.py): attempts per delivery, seconds to wait for an
# answer, failed deliveries in a row before a subscription is switched off, and whether targets inside
# private networks are allowed (off: no server-side request forgery into our own network).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=10)
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", default=False)
# Billing: the goodwill credit an agent may give without approval when their profile sets no limit.
GOODWILL_DEFAULT_LIMIT = env.str("GOODWILL_DEFAULT_LIMIT", default="50.00")

# Live chat: when agents take chats ("mon-fri 08:00-18:00, sat 10:00-14:00" in TIME_ZONE; empty means
# the chat team's business calendar, or always without one), and after how many minutes without an
# agent's answer a chat continues by email.
CHAT_HOURS = env.str("CHAT_HOURS", default="")
try:
    parse_weekly_hours(CHAT_HOURS)  # a typo stops the start here, rather than every chat later
except ValueError as error:
    raise ImproperlyConfigured(f"CHAT_HOURS: {error}") from None
CHAT_UNANSWERED_MINUTES = env.int("CHAT_UNANSWERED_MINUTES", default=3)
# Behind a proxy, the request header that carries the visitor's address (e.g. HTTP_X_REAL_IP).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="REMOTE_ADDR")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
