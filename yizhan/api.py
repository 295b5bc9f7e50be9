"""REST API (django-ninja): the same services, selectors and scope as the pages. OpenAPI at /api/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

from yizhan.accounts.tokens import ApiTokenAuth, TokenError
from yizhan.core import registry
from yizhan.core.api import api_contract, http_error_detail, schema_errors
from yizhan.core.throttling import AnonThrottle, UserThrottle
from yizhan.core.versioning import StaleVersionError

api = NinjaAPI(
    title="Yizhan API",
    version="1",
    description=(
        "驿站 — stations, studios and the people they serve. Scoped to the caller: a browser session (with its CSRF "
        "token), or a personal API token made on the user's API tokens page, sent as `Authorization: Bearer yzt_…` "
        "(read-only tokens may only GET). Rate-limited per user: over the limit, 429 with `Retry-After`."
    ),
    # A bearer token first: a request that sends one is judged by it alone (accounts/tokens.py); else the session.
    auth=[ApiTokenAuth(), django_auth],
    throttle=[AnonThrottle(), UserThrottle()],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("The data is not valid."), "errors": errors}, status=400)


@api.exception_handler(StaleVersionError)
def _stale(request, exc):
    """Someone else saved the object since the caller read it: 409 everywhere, nothing saved."""
    body = {"detail": " ".join(exc.message_dict["version"]), "errors": exc.message_dict}
    return api.create_response(request, body, status=409)


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request, exc):
    """A request that does not match the schema: 422 with translated messages per field."""
    body = {"detail": _("The data is not valid."), "errors": schema_errors(exc.errors)}
    return api.create_response(request, body, status=422)


@api.exception_handler(TokenError)
def _token_error(request, exc):
    """A bad API token (401, which says so to the client) or a read-only token asked to write (403)."""
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if exc.status_code == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api.create_response(
        request, {"detail": http_error_detail(exc.status_code, str(exc))}, status=exc.status_code
    )


# Every operation: unknown query parameters refused, every error answer in the OpenAPI schema (yizhan/core/api.py).
api.add_decorator(api_contract, mode="view")

# Each app adds its own routers from its AppConfig (yizhan/core/registry.py).
for prefix, router in registry.api_routers():
    api.add_router(prefix, router)
