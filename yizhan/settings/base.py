"""Settings shared by every environment. Values come from the environment (see .env.example)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Development-only defaults; production.py refuses to start with them.
INSECURE_SECRET_KEY = "dev-insecure-secret-key-change-me-0123456789abcdef0123456789"  # noqa: S105
# Fernet keys (urlsafe base64 of 32 bytes) for development only.
INSECURE_FIELD_KEY = "ZGV2LWluc2VjdXJlLWZpZWxkLWtleS0wMDAwMDAwMDA="
INSECURE_BLIND_INDEX_KEY = "dev-insecure-blind-index-key"

SECRET_KEY = env("SECRET_KEY", default=INSECURE_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
YIZHAN_ENV = "development"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Encrypted fields: comma-separated Fernet keys, newest first. Older keys keep decrypting until
# `manage.py rotate_field_keys` has re-encrypted every value with the first one.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[INSECURE_FIELD_KEY])
# Keyed hash (HMAC-SHA256) for exact-match lookups on encrypted values.
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default=INSECURE_BLIND_INDEX_KEY)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "axes",
    "captcha",
    "django_tasks",
    "django_tasks_db",
    "yizhan.core",
    "yizhan.regions",
    "yizhan.accounts",
    "yizhan.audit",
    "yizhan.notifications",
    "yizhan.stations",
    "yizhan.mediation",
    "yizhan.people",
    "yizhan.activities",
    "yizhan.portal",
    "yizhan.insights",
]

MIDDLEWARE = [
    "yizhan.core.request_log.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yizhan.core.http.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yizhan.accounts.middleware.SessionLifetimeMiddleware",
    "yizhan.accounts.middleware.ApiTokenMiddleware",
    "yizhan.accounts.middleware.LanguageMiddleware",
    "yizhan.core.middleware.RejectNulCharactersMiddleware",
    "yizhan.core.scoping.ScopeMiddleware",
    "yizhan.accounts.middleware.TwoFactorMiddleware",
    "yizhan.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yizhan.urls"
WSGI_APPLICATION = "yizhan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yizhan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yizhan.core.context_processors.navigation",
            ],
        },
    },
]

(BASE_DIR / "var" / "static").mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'yizhan.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the same file at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yizhan.accounts.backends.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yizhan.accounts.validators.PersonalInformationValidator"},
    {"NAME": "yizhan.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "yizhan.accounts.validators.WeakPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yizhan.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Days after which a password must be changed at the next request (0: no maximum age).
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
# TOTP two-factor authentication: roles that must use it (off for the local demo; production requires it for staff).
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login lockout (yizhan/accounts/lockout.py), over the failures of the last 15 minutes: 5 for one account from one
# address lock that pair; 50 from one address, whatever the accounts, lock the address; 5 for one account from
# anywhere make its logins solve an image CAPTCHA (no lock that an attacker could put on someone else's account).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "yizhan.accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "yizhan.core.http.client_ip"
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
LOGIN_CAPTCHA_AFTER = env.int("LOGIN_CAPTCHA_AFTER", default=5)
AXES_USERNAME_CALLABLE = "yizhan.accounts.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "yizhan.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
# The reverse proxies in front of the app (addresses or networks, e.g. "10.0.0.2,10.0.1.0/24"). Only a request that
# comes from one of them has its X-Forwarded-For read for the client's address; with none (the default) the header is
# ignored and the address is REMOTE_ADDR, so it cannot be forged (yizhan/core/http.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# The login CAPTCHA: drawn by django-simple-captcha on this server with its bundled font, no outside service.
CAPTCHA_LENGTH = 5
CAPTCHA_FONT_SIZE = 34  # readable on a phone
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_2X_IMAGE = False

# Session idle timeout: a session ends after this many idle seconds. It is renewed by a request that finds its last
# renewal SESSION_RENEWAL_INTERVAL seconds old (accounts.middleware.SessionLifetimeMiddleware), not saved on every
# request: the timeout is exact to within that interval, and most signed-in requests write nothing.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEWAL_INTERVAL = 60
# Seconds a user's scope is kept between requests in the cache (core.scoping: a membership change forgets it at
# once). 0 = built on every request: right for a per-process cache (local memory), which a change in another process
# could not reach. The production settings, with Redis, keep it.
SCOPE_CACHE_SECONDS = env.int("SCOPE_CACHE_SECONDS", default=0)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute session lifetime: however active, a session ends this many seconds after the login (0: no limit).
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "yizhan" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [
    BASE_DIR / "yizhan" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/tom-select/js", BASE_DIR / "node_modules" / "tom-select" / "dist" / "js"),
    ("vendor/tom-select/css", BASE_DIR / "node_modules" / "tom-select" / "dist" / "css"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# A request body read into memory (not a multipart file): the API's signed-agreement scan comes base64-encoded in JSON,
# up to 10 MB of file (about 13.4 MB encoded); Django's default 2.5 MB refused it before the API could answer.
DATA_UPLOAD_MAX_MEMORY_SIZE = 15 * 1024 * 1024

# Background work: Django's Tasks API. Database backend by default; set TASK_BACKEND=rq (with REDIS_URL)
# when running on several machines.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
TASK_BACKEND = env("TASK_BACKEND", default="database")
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# /healthz answers 503 when the oldest task that is due has waited longer than this (the worker is down or behind).
HEALTH_TASK_LAG_SECONDS = env.int("HEALTH_TASK_LAG_SECONDS", default=300)

# Daily jobs (run by the task worker; see yizhan/core/schedule.py): name → (callable or task, "HH:MM", kwargs).
DAILY_JOBS = {
    "people.overdue_reminders": ("yizhan.people.tasks.send_overdue_reminders", "08:00", {}),
    "people.retention": ("yizhan.people.services.apply_retention", "02:30", {"dry_run": False}),
    "activities.signup_retention": ("yizhan.activities.services.signup.erase_public_signups", "02:45", {}),
    "mediation.alert_sweep": ("yizhan.mediation.sweep.sweep_alerts", "07:30", {}),
    # Rolled-up figures: fixes drift from bulk writes and counts the target dates that passed overnight.
    "insights.refresh_rollups": ("yizhan.insights.rollups.refresh_rollups", "01:30", {}),
}

# Content Security Policy: everything is served from this host; no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Retention (PIPL art. 19): days after which `manage.py apply_retention` anonymises a kind of record.
#   visit: findings, needs' details and photos of care visits, counted from the visit date;
#   consent_withdrawn_person: a person whose last consent was withdrawn, counted from the withdrawal;
#   import_batch: uploaded resident lists kept between preview and confirmation.
RETENTION = {
    "visit": env.int("RETENTION_VISIT_DAYS", default=3 * 365),
    "consent_withdrawn_person": env.int("RETENTION_WITHDRAWN_PERSON_DAYS", default=30),
    "import_batch": env.int("RETENTION_IMPORT_DAYS", default=7),
    # public sign-ups for activities (name, mobile, guardian, children's ages), counted from the activity's end
    "activity_signup": env.int("RETENTION_ACTIVITY_SIGNUP_DAYS", default=90),
}

# API rate limits (yizhan/core/throttling.py), "<count>/<s|min|hour|day>", empty for none: per signed-in user (browser
# session and API tokens together), and per client address for callers no authentication accepted. Over it: 429.
API_THROTTLE_RATES = {
    "user": env("API_THROTTLE_USER", default="600/min"),
    "anon": env("API_THROTTLE_ANON", default="60/min"),
    # Registry lookups at mediation intake, by full mobile or ID number (yizhan/mediation/throttling.py), per user.
    "registry_lookup": env("API_THROTTLE_REGISTRY_LOOKUP", default="20/hour"),
    # public activity sign-ups and look-ups by private code, per client address (pages and API together)
    "signup": env("API_THROTTLE_SIGNUP", default="20/hour"),
}

# Messages to residents without an account (SMS / e-mail, yizhan/notifications/channels.py): the backend class, by
# dotted path, and its options. The default writes them to the log; a provider's backend plugs in here.
RESIDENT_MESSAGE_BACKEND = env("RESIDENT_MESSAGE_BACKEND", default="yizhan.notifications.channels.LogBackend")
RESIDENT_MESSAGE_OPTIONS: dict = {}
# The address residents reach the site at, for links in those messages (their private sign-up link).
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")

# The audit log is kept (等保 2.0 level 3: at least six months). AUDIT_RETENTION_DAYS is the policy's period, never
# below AUDIT_RETENTION_FLOOR_DAYS; nothing in the application deletes audit rows (the model refuses it, and on
# PostgreSQL a trigger refuses UPDATE and DELETE on the table), so rows are kept at least this long — in practice for
# as long as the database lives. Retention (apply_retention, person erasure) anonymises people, never the audit log.
AUDIT_RETENTION_FLOOR_DAYS = 180
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
if AUDIT_RETENTION_DAYS < AUDIT_RETENTION_FLOOR_DAYS:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_DAYS is {AUDIT_RETENTION_DAYS}; "
        f"audit rows are kept at least {AUDIT_RETENTION_FLOOR_DAYS} days."
    )
# The Excel export of the audit log for an auditor: at most this many rows per file (Excel holds 1,048,576).
AUDIT_EXPORT_LIMIT = 1_000_000
# The people export streams (memory flat in the row count); one file holds at most this many residents.
PEOPLE_EXPORT_LIMIT = 200_000

# Backups (`manage.py backup` / `manage.py restore`, yizhan/core/backups.py): archives are encrypted with BACKUP_KEY
# (32 random bytes in URL-safe base64, e.g. a Fernet key; comma-separated, newest first, to rotate) and written to
# BACKUP_DIR unless the command is given a file.
BACKUP_KEY = env("BACKUP_KEY", default="")
BACKUP_DIR = env.path("BACKUP_DIR", default=BASE_DIR / "var" / "backups")

# How many users, regions and audit rows a list page shows.
PAGE_SIZE = 50
# A list counts at most this many rows; above it, it says "more than …" and pages on without a last page
# (yizhan/core/pagination.py): the count of a province-wide list then costs what a town's does.
PAGE_COUNT_CAP = env.int("PAGE_COUNT_CAP", default=10_000)

# Logs go to standard error, one line per record, each with the id of its request (yizhan/core/request_log.py).
# LOG_FORMAT=json (the default in production) writes JSON lines for a log collector; "text" is for people.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_FORMATTERS = {
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    "json": {
        "()": "yizhan.core.request_log.JsonFormatter",
        "fmt": ["asctime", "levelname", "name", "request_id", "message"],
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}
if LOG_FORMAT not in LOG_FORMATTERS:
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}; use one of {', '.join(LOG_FORMATTERS)}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yizhan.core.request_log.RequestIdFilter"}},
    "formatters": LOG_FORMATTERS,
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
