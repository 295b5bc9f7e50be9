"""Refuse text with NUL characters before any view sees it.

A NUL character (U+0000) is never part of a real name, note or search, and PostgreSQL cannot store or compare text
containing one (the query fails, which would be a 500). Query parameters, form fields (not uploaded files) and JSON
bodies are checked; such a request gets a 400 with a translated message and changes nothing.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("The request contains a NUL character (\\0), which is not allowed in any text. Nothing was changed.")


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _body_has_nul(request: HttpRequest) -> bool:
    if "json" not in (request.content_type or ""):
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    body = request.body
    if b"\x00" in body:
        return True
    if b"\\u0000" not in body:
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # not JSON: the API answers that itself


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        in_query = any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())
        if in_query or (request.method in ("POST", "PUT", "PATCH") and _body_has_nul(request)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(NUL_MESSAGE)}, status=400)
            return HttpResponseBadRequest(str(NUL_MESSAGE), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
