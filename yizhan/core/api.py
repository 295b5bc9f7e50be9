"""Shared pieces of the API: guards and pagination that follow the same rules as the pages."""

from typing import Any, TypedDict, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema

_M = TypeVar("_M", bound=Model)


class PageMeta(Schema):
    count: int
    offset: int
    limit: int


class PageMetaData(TypedDict):
    """``PageMeta`` as ``page_of`` returns it."""

    count: int
    offset: int
    limit: int


def page_of(queryset: QuerySet[_M], offset: int, limit: int) -> tuple[PageMetaData, list[_M]]:
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    count = queryset.count()
    # An offset past the end is an empty page; it never reaches the database (a huge one would overflow there).
    items = list(queryset[offset : offset + limit]) if offset < count else []
    return {"count": count, "offset": offset, "limit": limit}, items


# --- translated messages for the errors django-ninja raises itself (schema validation, unreadable body) ----------

_SCHEMA_MESSAGES = {
    "missing": _("This field is required."),
    "string_too_short": _("This field cannot be empty."),
    "string_too_long": _("Use at most %(max_length)s characters."),
    "string_type": _("Enter text."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
    "less_than": _("Enter a value below %(lt)s."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "greater_than": _("Enter a value above %(gt)s."),
    "enum": _("Choose one of: %(expected)s."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "int_from_float": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "float_type": _("Enter a number."),
    "finite_number": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "bool_type": _("Enter true or false."),
    "list_type": _("Give a list."),
    "model_attributes_type": _("Give an object."),
    "dict_type": _("Give an object."),
    "model_type": _("Give an object."),
}
_INVALID = _("This value is not valid.")
_INVALID_DATE = _("Enter a valid date (YYYY-MM-DD).")
_INVALID_TIME = _("Enter a valid time (HH:MM).")
_HTTP_MESSAGES = {
    400: _("The request body could not be read: send valid JSON."),
    401: _("Sign in first."),
    403: _("You do not have permission to do this."),
    405: _("This method is not allowed here."),
    429: _("Too many requests. Try again later."),
}


def _schema_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind.startswith(("date", "datetime")):
        return str(_INVALID_DATE)
    if kind.startswith("time"):
        return str(_INVALID_TIME)
    template = _SCHEMA_MESSAGES.get(kind)
    if template is None:
        return str(_INVALID)
    try:
        return str(template) % {key: value for key, value in (error.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(_INVALID)


def schema_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """django-ninja's validation errors as ``{field: [translated message]}`` (``rooms.0.weekday`` for nested)."""
    result: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "form", "header", "cookie", "file"):
            loc = loc[1:]
        if loc and loc[0] == "payload":
            loc = loc[1:]
        result.setdefault(".".join(loc) or "__all__", []).append(_schema_message(error))
    return result


def http_error_detail(status: int, message: str) -> str:
    """A translated message for an HttpError django-ninja raises (its own messages are English)."""
    known = _HTTP_MESSAGES.get(status)
    return str(known) if known is not None else message
