"""API tokens on the django-ninja API: a request that carries ``Authorization: Bearer yzt_…`` runs as the token's
owner, with the owner's scope and permissions, and without a session or CSRF token.

1. ``middleware.ApiTokenMiddleware`` (before the scope middleware) looks the key of an ``/api/`` request up: a usable
   token makes ``request.user`` its owner and ``request.api_token`` the token, so the scope, the language and every
   rule are the owner's; any other key makes the request anonymous. The two-factor and password-change middlewares
   let token requests through (the token was made in a session that passed them).
2. ``ApiTokenAuth``, the first authentication of the API (``yizhan/api.py``), accepts that token; refuses a bad key
   with 401 (even when a session cookie came along), and an unsafe method (POST, PATCH, PUT, DELETE) with a read-only
   token with 403. Requests without the header go on to the session authentication, with its CSRF check.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

API_PATH = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

TOKEN_REFUSED = _("The API token is not valid: it is unknown, expired or revoked, or its account is inactive.")
TOKEN_READ_ONLY = _("This API token can only read. Create a token with write access to change data.")


class TokenError(HttpError):
    """A request whose token cannot do what it asks: answered with the translated reason (``yizhan/api.py``)."""

    def __init__(self, status_code: int, message: object) -> None:
        super().__init__(status_code, str(message))


def bearer_key(request: HttpRequest) -> str | None:
    """The key of an ``Authorization: Bearer <key>`` header ("" for an empty one), None without such a header."""
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else None


class ApiTokenAuth(HttpBearer):
    """The API's token authentication (see the module docstring); ``request.auth`` is the owner, as with a session."""

    def authenticate(self, request: HttpRequest, token: str) -> object:
        api_token = getattr(request, "api_token", None)
        if api_token is None:
            raise TokenError(401, TOKEN_REFUSED)
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise TokenError(403, TOKEN_READ_ONLY)
        return api_token.user
