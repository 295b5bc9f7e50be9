"""Rate limits of the API: django-ninja's throttles (``ninja.throttling``), with the rates read from
``settings.API_THROTTLE_RATES`` on each request (so an environment variable or a test can change them) and the
client's address from ``core.http.client_ip`` (trusted proxies only, as for the login lockout).

- ``AnonThrottle`` ("anon"): requests that no authentication accepted, per client address (operations open to
  anonymous callers; the others answer 401 before any throttle runs).
- ``UserThrottle`` ("user"): signed-in requests per user, browser session and API tokens together.

Over the rate the API answers 429 with a translated message and ``Retry-After`` (``yizhan/api.py``); every operation
documents the 429 (``core/api.py``). Counts live in the default cache: Redis in production, so every app server
counts together. Unlike django-ninja's own ``SimpleRateThrottle``, which keeps the last request's state on the shared
throttle object, the wait is kept per thread.
"""

import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .http import client_ip


class SettingsRateThrottle(SimpleRateThrottle):
    """A sliding-window throttle whose rate is ``settings.API_THROTTLE_RATES[scope]`` ("120/min"; empty: no limit)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        rate = settings.API_THROTTLE_RATES.get(self.scope or "")
        key = self.get_cache_key(request) if rate else None
        if key is None:
            return True
        limit, duration = self.parse_rate(rate)
        if limit is None or duration is None:  # parse_rate gives both for any rate; None only for no rate
            return True
        now = time.time()
        history = [at for at in self.cache.get(key, []) if at > now - duration]  # newest first
        if len(history) >= limit:
            self._local.wait = duration - (now - history[limit - 1])
            return False
        self.cache.set(key, [now, *history], duration)
        return True

    def wait(self) -> float | None:
        wait: float | None = getattr(self._local, "wait", None)
        return wait


class AnonThrottle(SettingsRateThrottle, AnonRateThrottle):
    scope = "anon"


class UserThrottle(SettingsRateThrottle, UserRateThrottle):
    scope = "user"


class SignupThrottle(SettingsRateThrottle):
    """Public sign-ups and look-ups by a private code ("signup"), per client address, signed in or not: for the API
    (an operation's ``throttle=``) and for pages (``allow_request`` in the view, 429 when refused). The pages and the
    API count together."""

    scope = "signup"

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
