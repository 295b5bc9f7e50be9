"""Production: PostgreSQL, Redis, secrets from the environment. Refuses to start with development defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BLIND_INDEX_KEY,
    DATABASES,
    FIELD_ENCRYPTION_KEYS,
    INSECURE_BLIND_INDEX_KEY,
    INSECURE_FIELD_KEY,
    INSECURE_SECRET_KEY,
    LOG_FORMATTERS,
    LOGGING,
    REDIS_URL,
    SECRET_KEY,
    env,
)

DEBUG = False
if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
if INSECURE_FIELD_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS; the development key must not be used in production.")
if BLIND_INDEX_KEY == INSECURE_BLIND_INDEX_KEY or len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("Set BLIND_INDEX_KEY to a random value of at least 32 characters.")

TWO_FACTOR_REQUIRED_ROLES = env.list(
    "TWO_FACTOR_REQUIRED_ROLES", default=["federation_admin", "station_manager", "mediator", "advisor"]
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's health probe may speak plain HTTP to the app; /healthz holds nothing personal.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
# Persistent database connections: each gunicorn worker keeps its connection for this many seconds (checked before it
# is reused), so a request no longer pays for opening one (a few milliseconds to PostgreSQL, often a third of a page).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Redis is shared by every app server: a membership change forgets the kept scope everywhere (core.scoping).
SCOPE_CACHE_SECONDS = env.int("SCOPE_CACHE_SECONDS", default=300)
# Sessions are read from Redis and written to both (Django's cached_db): a signed-in request reads no session row.
# Logging out, a password change (the session's auth hash) and deactivation still end a session at once: the user row
# is read on every request, and a session is only ever ended through Django's session store.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Media (uploaded photos, resident lists): the local disk (MEDIA_ROOT) by default; MEDIA_STORAGE=s3 puts them in a
# bucket of any S3-compatible service (django-storages), private, each download through the application.
MEDIA_STORAGE = env("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "location": env("S3_PREFIX", default="media"),
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE == "local":
    MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE is {MEDIA_STORAGE!r}; use local or s3.")
STORAGES = {
    "default": MEDIA_BACKEND,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# JSON lines by default, for a log collector (LOG_FORMAT=text for people).
LOG_FORMAT = env("LOG_FORMAT", default="json")
if LOG_FORMAT not in LOG_FORMATTERS:
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}; use one of {', '.join(LOG_FORMATTERS)}.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
YIZHAN_ENV = "production"
