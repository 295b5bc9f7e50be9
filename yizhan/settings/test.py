"""Test settings: the same stack, quicker hashing, tasks run at once unless a test asks for the worker."""

from .base import *  # noqa: F403
from .base import DATABASES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = env("TEST_SQLITE_PATH", default=":memory:")
    DATABASES["default"]["TEST"] = {"NAME": None}
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No API rate limits, except in the tests of them (yizhan/core/tests/test_throttling.py): the suite's many requests of
# one user would otherwise reach them.
API_THROTTLE_RATES = {"user": "", "anon": ""}
# Every write a request makes must leave its audit row (yizhan/tests/audit_guard.py); outermost, so it sees them all.
MIDDLEWARE = ["yizhan.tests.audit_guard.AuditGuardMiddleware", *MIDDLEWARE]  # noqa: F405
# Messages to residents stay in memory (yizhan.notifications.channels.LocMemBackend.outbox): nothing is sent.
RESIDENT_MESSAGE_BACKEND = "yizhan.notifications.channels.LocMemBackend"
# The session is renewed (saved) on every request here, as before issue 12, so that the query counts the suite pins
# keep their meaning while the apps' branches are merged (each signed-in request counts savepoint, update, release).
# The renewal window itself is tested with the production value (accounts/tests/test_sessions.py).
SESSION_RENEWAL_INTERVAL = 0
