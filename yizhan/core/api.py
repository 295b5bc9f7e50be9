"""Shared pieces of the API: the input base, the error answers, guards and pagination that follow the same rules as
the pages.

- Every input schema (request bodies and ``Query[...]`` parameters) subclasses ``InputSchema``: each of its string
  fields refuses C0 control characters (``core/text.py``) with a field error (422); a field annotated
  ``Annotated[str, MULTI_LINE]`` lets tab and line breaks through. Query schemas give every string a ``max_length``.
- ``api_contract`` is applied to every operation (``yizhan/api.py``): it refuses query parameters the operation does
  not know (422, naming them) and documents in the OpenAPI schema every error answer the operation can give, with
  ``ErrorOut``. ``yizhan/tests/test_input_contract.py`` walks every operation and schema to hold this.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypedDict, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import ValidationError as SchemaValidationError
from ninja.operation import Operation
from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .pagination import MAX_OFFSET, capped_count
from .text import CONTROL_CHARACTERS_MESSAGE, has_control_characters

_M = TypeVar("_M", bound=Model)


# --- inputs -------------------------------------------------------------------------------------------------------


class MultiLine:
    """Marks a string field of an ``InputSchema`` as multi-line text: ``notes: Annotated[str, MULTI_LINE] = ""``."""

    def __repr__(self) -> str:
        return "MULTI_LINE"


MULTI_LINE = MultiLine()


def _holds_control_characters(value: object, *, multiline: bool) -> bool:
    if isinstance(value, str):
        return has_control_characters(value, multiline=multiline)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_control_characters(item, multiline=multiline) for item in value)
    if isinstance(value, dict):
        return any(
            _holds_control_characters(k, multiline=False) or _holds_control_characters(v, multiline=multiline)
            for k, v in value.items()
        )
    return False


class InputSchema(Schema):
    """The base of every API input: no string field accepts control characters (multi-line ones: tab, LF, CR)."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: object, info: ValidationInfo) -> object:
        field = cls.model_fields.get(info.field_name or "")
        multiline = field is not None and any(isinstance(item, MultiLine) for item in field.metadata)
        if _holds_control_characters(value, multiline=multiline):
            raise PydanticCustomError("control_characters", str(CONTROL_CHARACTERS_MESSAGE))
        return value


class PageQuery(InputSchema):
    """The paging parameters of a list (``page_of`` keeps them in range)."""

    offset: int = 0
    limit: int = 50


# --- answers ------------------------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error answer: a translated ``detail``, and for invalid data the messages per field (``a.0.b`` nested;
    ``__all__`` for the whole request)."""

    detail: str
    errors: dict[str, list[str]] | None = None


def _body_has_version(operation: Operation) -> bool:
    for model in operation.models:
        if model.__ninja_param_source__ != "body":
            continue
        for field in model.model_fields.values():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                if "version" in annotation.model_fields:
                    return True
    return False


def error_answers(operation: Operation) -> set[int]:
    """The error statuses ``operation`` can answer.

    400: always (a NUL character anywhere, an unreadable body, a service's ValidationError). 401 and 403 when it needs
    a signed-in caller (403: a rule refuses, or the CSRF check). 404 when its path names an object. 409 when its body
    carries a ``version``. 422: always (query parameters it does not know; invalid parameters or body). 429 when it is
    throttled (``core/throttling.py``). An operation that can answer 404 for another reason declares it itself
    (``response={200: ..., 404: ErrorOut}``).
    """
    answers = {400, 422}
    if operation.throttle_objects:
        answers.add(429)
    if operation.auth_callbacks:
        answers |= {401, 403}
    if operation.signature.path_params_names:
        answers.add(404)
    if _body_has_version(operation):
        answers.add(409)
    return answers


def query_parameter_names(operation: Operation) -> frozenset[str]:
    """The query parameters ``operation`` reads (the fields of its ``Query[...]`` schemas, by alias)."""
    return frozenset(
        name
        for model in operation.models
        if model.__ninja_param_source__ == "query"
        for name in model.__ninja_flatten_map__
    )


def api_contract(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """django-ninja "view" decorator for every operation (``api.add_decorator(api_contract, mode="view")``).

    It gets the operation's bound ``run`` when the routers are bound. It adds the operation's error answers to its
    response models (so the OpenAPI schema lists them; the answers themselves come from the handlers in
    ``yizhan/api.py``), and refuses a request with a query parameter the operation does not read: 422 naming each
    one, after the authentication check (an anonymous caller still gets 401 first).
    """
    operation = getattr(run, "__self__", None)
    if not isinstance(operation, Operation):
        raise TypeError("api_contract must be the first view decorator of the API (it needs the operation).")
    for status in sorted(error_answers(operation)):
        if status not in operation.response_models:
            operation.response_models[status] = operation._create_response_model(ErrorOut)
    known = query_parameter_names(operation)

    @wraps(run)
    def checked(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        unknown = sorted(set(request.GET) - known)
        if not unknown:
            return run(request, **kwargs)
        refused = operation._run_checks(request)  # authentication and CSRF, as ``run`` does first
        if refused is not None:
            return refused
        errors = [
            {"type": "unknown_parameter", "loc": ("query", name), "msg": "unknown parameter", "ctx": {"name": name}}
            for name in unknown
        ]
        return operation.api.on_exception(request, SchemaValidationError(errors))

    return checked


class PageMeta(Schema):
    """Where a page lies in its list. ``count`` is exact when ``count_exact``; otherwise the list holds **more than**
    ``count`` rows (counting stops at a cap, ``core/pagination.py``): page on with ``offset`` until a page comes back
    shorter than ``limit``."""

    count: int
    count_exact: bool = True
    offset: int
    limit: int


class PageMetaData(TypedDict):
    """``PageMeta`` as ``page_of`` returns it."""

    count: int
    count_exact: bool
    offset: int
    limit: int


def page_of(queryset: QuerySet[_M], offset: int, limit: int) -> tuple[PageMetaData, list[_M]]:
    """The page at ``offset`` and the list's count, capped as the pages' is (``core/pagination.py``)."""
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    count, exact = capped_count(queryset, settings.PAGE_COUNT_CAP)
    # An offset past the end is an empty page; it never reaches the database (a huge one would overflow there).
    past_end = offset >= count if exact else offset > MAX_OFFSET
    items = [] if past_end else list(queryset[offset : offset + limit])
    return {"count": count, "count_exact": exact, "offset": offset, "limit": limit}, items


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
    "control_characters": CONTROL_CHARACTERS_MESSAGE,
    "unknown_parameter": _("“%(name)s” is not a parameter of this operation."),
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
