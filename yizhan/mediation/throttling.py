"""The rate limit of registry lookups at intake (``services/lookup.py``): the API's sliding-window throttle
(``core/throttling.py``) with its own rate, ``settings.API_THROTTLE_RATES["registry_lookup"]``, counted per user over
the intake page and ``POST /api/cases/registry-lookup`` together. It bounds how many numbers one account can try."""

from django.http import HttpRequest
from ninja.throttling import UserRateThrottle

from yizhan.core.throttling import SettingsRateThrottle


class RegistryLookupThrottle(SettingsRateThrottle, UserRateThrottle):
    scope = "registry_lookup"


def lookup_wait(request: HttpRequest) -> float | None:
    """Count one lookup by the request's user: None if it may go ahead, else the seconds to wait."""
    throttle = RegistryLookupThrottle()
    if throttle.allow_request(request):
        return None
    return throttle.wait() or 1.0
