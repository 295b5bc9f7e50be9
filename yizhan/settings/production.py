"""Production: PostgreSQL, Redis, secrets from the environment. Refuses to start with development defaults."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    BLIND_INDEX_KEY,
    FIELD_ENCRYPTION_KEYS,
    INSECURE_BLIND_INDEX_KEY,
    INSECURE_FIELD_KEY,
    INSECURE_SECRET_KEY,
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
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
YIZHAN_ENV = "production"
