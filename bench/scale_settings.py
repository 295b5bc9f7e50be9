"""Settings of bench/scale.py only: the project's base settings, production-like enough to time pages, plus Django's
admin (for the changelist comparison) and a bare view (bench/scale_urls.py). Never used by the product."""

from yizhan.settings.base import *  # noqa: F403
from yizhan.settings.base import DATABASES, INSTALLED_APPS

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise SystemExit("bench/scale.py measures PostgreSQL: set DATABASE_URL=postgres://…")

DEBUG = False  # DEBUG would keep every query's SQL and skip the cached template loader
ALLOWED_HOSTS = ["testserver"]
# As in production (yizhan/settings/production.py): each worker keeps its database connection.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]
ROOT_URLCONF = "bench.scale_urls"
# The bench's hundreds of requests of one user would reach the API rate limits.
API_THROTTLE_RATES = {"user": "", "anon": ""}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The admin's checks want these; the bench runs no system checks of its own.
SILENCED_SYSTEM_CHECKS = ["admin.E403", "admin.E408", "admin.E409", "admin.E410"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
