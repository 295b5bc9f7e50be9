import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from . import selectors, services, tokens, twofactor

# Session keys: when the session's login happened, and why the last session was ended (for the login page).
SESSION_LOGIN_AT = "yizhan_login_at"
SESSION_ENDED = "yizhan_session_ended"
SESSION_RENEWED_AT = "yizhan_renewed_at"  # when the idle timeout was last pushed out (SessionLifetimeMiddleware)

PASSWORD_CHANGE_REQUIRED = _("An administrator set your password. Choose your own password before you go on.")
PASSWORD_EXPIRED = _("Your password is older than %(days)d days. Choose a new password before you go on.")


class LanguageMiddleware:
    """Simplified Chinese unless the user chose otherwise.

    The language is the signed-in user's saved choice, else the language cookie (set by the switcher), else
    ``LANGUAGE_CODE`` (zh-hans). The browser's Accept-Language is deliberately not used: the product is Chinese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def _choose(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        return settings.LANGUAGE_CODE

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _by_token(request) -> bool:
    return getattr(request, "api_token", None) is not None


class ApiTokenMiddleware:
    """An ``/api/`` request with ``Authorization: Bearer <key>`` runs as the key's token owner (``yizhan/accounts/
    tokens.py``): ``request.user`` is the owner and ``request.api_token`` the token when the key is usable, else the
    request is anonymous (the API answers 401), whatever session cookie came with it. Its place is after the session
    lifetime check (a token request leaves the session alone) and before the language and scope middlewares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = tokens.bearer_key(request) if request.path.startswith(tokens.API_PATH) else None
        if key is not None:
            token = selectors.api_token_for_key(key)
            request.api_token = token
            request.user = token.user if token is not None else AnonymousUser()
            if token is not None:
                services.api_token_used(token=token)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Accounts whose role requires two-factor must set it up before using anything else."""

    ALLOWED = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/language/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED_ROLES and request.user.is_authenticated and not _by_token(request):
            if (
                not request.session.get(twofactor.SESSION_VERIFIED)
                and not request.path.startswith(self.ALLOWED)
                and twofactor.is_required(request.user)
            ):
                return redirect("accounts:two_factor")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """The idle timeout and an absolute session lifetime.

    Idle timeout: a session ends ``SESSION_COOKIE_AGE`` seconds after it was last renewed. It is renewed (saved, which
    moves its end out again) when the request finds the last renewal ``SESSION_RENEWAL_INTERVAL`` seconds old or
    older, instead of on every request (``SESSION_SAVE_EVERY_REQUEST`` is off): a signed-in page then costs no session
    write, and the idle timeout stays exact to within that interval (with 30 minutes and 60 seconds, a session ends
    between 29 and 30 idle minutes after its last request).

    Absolute lifetime: ``SESSION_ABSOLUTE_LIFETIME`` seconds after the login the session ends, however active it was,
    and the request goes on signed out (pages redirect to the login page, which says why; the API answers 401). A
    session without a login time (made before this rule) starts counting now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            lifetime = settings.SESSION_ABSOLUTE_LIFETIME
            login_at = request.session.get(SESSION_LOGIN_AT)
            if lifetime and login_at is None:
                request.session[SESSION_LOGIN_AT] = now
            elif lifetime and now - login_at > lifetime:
                services.logout_recorded(user=request.user)
                logout(request)
                request.session[SESSION_ENDED] = "lifetime"
            if request.user.is_authenticated:
                renewed_at = request.session.get(SESSION_RENEWED_AT)
                if renewed_at is None or not 0 <= now - renewed_at < settings.SESSION_RENEWAL_INTERVAL:
                    request.session[SESSION_RENEWED_AT] = now  # a change: the session is saved, its end moves out
        return self.get_response(request)


def password_change_reason(user) -> str:
    """Why this user must change the password now ("" if they need not)."""
    if user.password_change_required:
        return str(PASSWORD_CHANGE_REQUIRED)
    if user.password_expired():
        return str(PASSWORD_EXPIRED % {"days": settings.PASSWORD_MAX_AGE_DAYS})
    return ""


class PasswordChangeRequiredMiddleware:
    """After an admin set the password, or when it is older than ``PASSWORD_MAX_AGE_DAYS``, the user changes it before
    using anything else: pages redirect to the password page, the API answers 403 with the reason. API token requests
    go on: a mini-program cannot change a password, and the token has its own expiry (deactivating the account stops
    it)."""

    # The two-factor set-up comes first when both are due (TwoFactorMiddleware sends everything else there).
    ALLOWED = ("/accounts/password/", "/accounts/two-factor/", "/accounts/logout/", "/accounts/language/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith(self.ALLOWED) and not _by_token(request):
            reason = password_change_reason(request.user)
            if reason:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": reason}, status=403)
                return redirect("accounts:password_change")
        return self.get_response(request)
