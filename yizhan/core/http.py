"""HTTP-level rules every response and every request follows: who the client is, and that nothing is cached.

**The client's address.** Without trusted proxies (``TRUSTED_PROXIES`` empty, the default) the address is the TCP
peer, ``REMOTE_ADDR``; an ``X-Forwarded-For`` header is ignored, since anyone can send one. Behind the production
reverse proxy, ``TRUSTED_PROXIES`` lists its addresses or networks: when the peer is one of them, the header is read
from the right (the entries the trusted proxies appended) and the first address that is not a trusted proxy is the
client. Entries further left were written by the client and are never believed.

**No caching.** Pages and API answers carry personal data (names, masked numbers, revealed values, case notes), so no
browser or intermediate cache may keep any of them: every response that reaches Django gets
``Cache-Control: no-store`` (static files are answered by WhiteNoise before this middleware and stay cacheable).
"""

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request's TCP peer is one of ``TRUSTED_PROXIES`` (so headers it adds may be believed)."""
    address = _parse(request.META.get("REMOTE_ADDR", "") or "")
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, as described in the module docstring (also what django-axes counts failures by)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not networks or not trusted(_parse(peer)):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # garbage from the client's side: the last hop the trusted proxies vouched for stands
        client = str(address)
        if not trusted(address):
            break
    return client


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (Django's never-cache headers) on every response that Django answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
