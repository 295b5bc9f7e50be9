"""One id per request in every log line: ``RequestIdMiddleware`` takes the reverse proxy's ``X-Request-ID`` (only
from a proxy in ``TRUSTED_PROXIES``, and only if it looks like an id) or makes one, keeps it for the request's log
records (``RequestIdFilter`` puts it on each record as ``request_id``) and returns it in the ``X-Request-ID``
response header, so a user's report, the proxy's log and the application's log can be matched up."""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .http import from_trusted_proxy

NO_REQUEST = "-"
META_KEY = "yizhan.request_id"
_request_id: ContextVar[str] = ContextVar("yizhan_request_id", default=NO_REQUEST)
_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if given and from_trusted_proxy(request) and _ID.match(given) else uuid.uuid4().hex
        request.META[META_KEY] = request_id  # for RequestIdFilter, when Django logs after the middleware
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request: the task worker, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = _request_id.get()
        if request_id == NO_REQUEST:
            # Django logs 4xx/5xx answers ("Not Found: …") after the middleware, with the request attached.
            request_id = getattr(getattr(record, "request", None), "META", {}).get(META_KEY, NO_REQUEST)
        record.request_id = request_id
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter, without the ``request`` object Django attaches to its records (its text is
    the full URL, whose query may hold a search for a person's name)."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data.pop("request", None)
