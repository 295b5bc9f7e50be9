from django.conf import settings
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import twofactor


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


class TwoFactorMiddleware:
    """Accounts whose role requires two-factor must set it up before using anything else."""

    ALLOWED = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/language/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TWO_FACTOR_REQUIRED_ROLES and request.user.is_authenticated:
            if (
                not request.session.get(twofactor.SESSION_VERIFIED)
                and not request.path.startswith(self.ALLOWED)
                and twofactor.is_required(request.user)
            ):
                return redirect("accounts:two_factor")
        return self.get_response(request)
