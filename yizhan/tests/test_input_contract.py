"""Input and API contract, held for every form, page, schema and operation of the project (so a new one cannot forget).

- Every project form refuses C0 control characters in each text field (tab and line breaks only in a textarea), and
  gives each text field a maximum length.
- No page answers 500 to a 60,000-character value in any filter parameter.
- Every API input (body or query) is an ``InputSchema``: each string field refuses control characters (multi-line
  ones: all but tab and line breaks), and each query string has a maximum length.
- Every API operation refuses query parameters it does not know (422 naming them; 401 first for an anonymous
  caller), and the OpenAPI schema lists the error answers it can give, with the error schema.
"""

import importlib
import pkgutil
import re
import typing

import pytest
from django import forms
from django.test import Client
from ninja.utils import normalize_path
from pydantic import BaseModel, ValidationError

import yizhan
from yizhan.accounts.models import User
from yizhan.api import api
from yizhan.core.api import InputSchema, MultiLine, error_answers
from yizhan.core.forms import TextInputMixin
from yizhan.core.scoping import scopes_disabled
from yizhan.core.text import CONTROL_CHARACTERS_MESSAGE
from yizhan.people.models import Person
from yizhan.regions.models import Region
from yizhan.tests.permission_matrix import EXEMPT_ROUTES, page_routes

CONTROL = "控制\u0001字符"
HUGE = "长" * 60_000
LONGER_THAN_SQLITE_LIKES = "长" * 17_000  # 51,000 bytes: SQLite refuses LIKE patterns over 50,000 ("too complex")


# --- forms -------------------------------------------------------------------------------------------------------


def _import_form_modules():
    """Every project module that can define a form: each app's ``forms`` and ``views`` (module or package)."""
    for app in pkgutil.iter_modules(yizhan.__path__):
        for part in ("forms", "views"):
            name = f"yizhan.{app.name}.{part}"
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
                importlib.import_module(f"{name}.{sub.name}")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms():
    _import_form_modules()
    found = {
        cls
        for cls in _subclasses(forms.BaseForm)
        if cls.__module__.startswith("yizhan.") and ".tests" not in cls.__module__
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


# What a form needs to be built beyond its data (a new form that needs more fails here, and is added).
FORM_ARGUMENTS = {
    "UserCreateForm": lambda: {"regions": Region.objects.none()},
    "MembershipForm": lambda: {"regions": Region.objects.none()},
    "PasswordChangeForm": lambda: {"user": User(username="someone")},
}


def _bound(form_class, data):
    return form_class(data=data, **FORM_ARGUMENTS.get(form_class.__name__, dict)())


def _text_fields(form_class):
    form = _bound(form_class, {})
    return {name: field for name, field in form.fields.items() if isinstance(field, forms.CharField)}


FORMS = project_forms()


def test_the_walk_finds_the_project_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"PersonForm", "LoginForm", "PasswordChangeForm", "PlaceFilterForm", "AuditFilterForm"} <= names
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_form_refuses_control_characters_in_every_text_field(db, form_class):
    assert issubclass(form_class, TextInputMixin), f"{form_class.__qualname__} must subclass yizhan.core.forms.Form"
    message = str(CONTROL_CHARACTERS_MESSAGE)
    for name, field in _text_fields(form_class).items():
        form = _bound(form_class, {name: CONTROL})
        assert message in form.errors.get(name, []), f"{form_class.__qualname__}.{name} accepts U+0001"
        line_breaks = _bound(form_class, {name: "第一行\n第二\t行"})
        if isinstance(field.widget, forms.Textarea):
            assert message not in line_breaks.errors.get(name, []), f"{form_class.__qualname__}.{name} (multi-line)"
        else:
            assert message in line_breaks.errors.get(name, []), f"{form_class.__qualname__}.{name} takes a newline"


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: cls.__qualname__)
def test_every_text_field_of_every_form_has_a_maximum_length(db, form_class):
    for name, field in _text_fields(form_class).items():
        if isinstance(field.widget, forms.PasswordInput):
            continue  # passwords: the password validators decide
        assert field.max_length, f"{form_class.__qualname__}.{name} has no max_length"


# --- pages -------------------------------------------------------------------------------------------------------

FILTER_NAMES = sorted(
    {
        name
        for cls in FORMS
        if cls.__name__.endswith(("FilterForm", "SearchForm"))
        for name in _text_fields(cls) | dict.fromkeys(cls.base_fields)
    }
    | {"region", "month", "page"}
)
PAGES = [r.route for r in page_routes() if "<" not in r.route and r.route not in EXEMPT_ROUTES]


def test_the_filter_sweep_covers_the_search_boxes():
    assert {"q", "status", "role", "key", "village", "actor", "target_type"} <= set(FILTER_NAMES)
    assert {"stations/", "people/", "regions/", "accounts/users/", "audit/"} <= set(PAGES)


def test_no_page_answers_500_to_huge_filter_values(client_of):
    client = client_of("district_admin")
    for route in PAGES:
        response = client.get(f"/{route}", dict.fromkeys(FILTER_NAMES, LONGER_THAN_SQLITE_LIKES))
        assert response.status_code < 500, (route, response.status_code)


LIST_PAGES = [
    ("/stations/", "district_admin"),
    ("/stations/studios/", "district_admin"),
    ("/regions/", "district_admin"),
    ("/accounts/users/", "district_admin"),
    ("/audit/", "district_admin"),
    ("/people/", "station_manager"),
]


@pytest.mark.parametrize(("route", "role"), LIST_PAGES)
def test_no_list_page_answers_500_to_one_huge_filter_value(client_of, route, role):
    client = client_of(role)
    for name in FILTER_NAMES:
        response = client.get(route, {name: HUGE})
        assert response.status_code < 500, (route, name, response.status_code)


@pytest.mark.parametrize(("route", "role"), LIST_PAGES)
def test_list_pages_refuse_a_search_over_its_maximum_length_with_a_message(client_of, route, role):
    field = "actor" if route == "/audit/" else "q"
    response = client_of(role).get(route, {field: "长" * 200})
    assert response.status_code == 400
    assert '<div class="alert" role="alert" data-testid="filter-error">' in response.content.decode()


def test_a_person_with_a_control_character_is_refused_on_the_page_and_nothing_is_stored(client_of, shared_world):
    village = shared_world.regions["330109113001"]
    response = client_of("station_manager").post(
        "/people/new/",
        {"name": CONTROL, "gender": "female", "id_type": "other", "region": village.code, "residency": "resident"},
    )
    assert response.status_code in (200, 400)
    assert str(CONTROL_CHARACTERS_MESSAGE) in response.content.decode()
    with scopes_disabled():
        assert not Person.all_objects.filter(name__contains="\u0001").exists()


# --- API inputs --------------------------------------------------------------------------------------------------


def operations():
    result = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = normalize_path("/".join(p for p in ("/api", bound.prefix, path) if p))
            for operation in path_view.operations:
                for method in operation.methods:
                    result.append((method, full, operation))
    return result


OPERATIONS = operations()


def _schemas_of(annotation):
    """The pydantic models an annotation names (``X``, ``list[X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _schemas_of(arg)]


def _is_text(annotation) -> bool:
    if annotation is str:
        return True
    return any(_is_text(arg) for arg in typing.get_args(annotation))


def _is_list(annotation) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def input_schemas(source):
    found = set()
    for _method, _path, operation in OPERATIONS:
        for model in operation.models:
            if model.__ninja_param_source__ == source:
                for field in model.model_fields.values():
                    found.update(_schemas_of(field.annotation))
    return sorted(found, key=lambda cls: cls.__qualname__)


def _errors(schema, data):
    try:
        schema.model_validate(data)
    except ValidationError as exc:
        return {(tuple(str(p) for p in e["loc"]), e["type"]) for e in exc.errors()}
    return set()


def test_every_body_and_query_parameter_is_an_input_schema():
    for method, path, operation in OPERATIONS:
        for model in operation.models:
            source = model.__ninja_param_source__
            if source == "path":
                continue  # identifiers of objects: looked up, never stored (an unknown one is 404)
            for name, field in model.model_fields.items():
                schemas = _schemas_of(field.annotation)
                assert schemas, f"{method} {path}: {source} parameter {name} is not an InputSchema"
                assert all(issubclass(s, InputSchema) for s in schemas), f"{method} {path}: {source} {name}"


@pytest.mark.parametrize("schema", input_schemas("body") + input_schemas("query"), ids=lambda cls: cls.__qualname__)
def test_every_string_field_of_every_input_schema_refuses_control_characters(schema):
    text_fields = {name: f for name, f in schema.model_fields.items() if _is_text(f.annotation)}
    for name, field in text_fields.items():
        wrap = (lambda v: [v]) if _is_list(field.annotation) else (lambda v: v)
        assert ((name,), "control_characters") in _errors(schema, {name: wrap(CONTROL)}), f"{schema.__name__}.{name}"
        breaks = ((name,), "control_characters") in _errors(schema, {name: wrap("第一行\n第二\t行")})
        multiline = any(isinstance(m, MultiLine) for m in field.metadata)
        assert breaks is not multiline, f"{schema.__name__}.{name}: multi-line {multiline}"


@pytest.mark.parametrize("schema", input_schemas("query"), ids=lambda cls: cls.__qualname__)
def test_every_query_string_has_a_maximum_length(schema):
    for name, field in schema.model_fields.items():
        if _is_text(field.annotation):
            assert ((name,), "string_too_long") in _errors(schema, {name: HUGE}), f"{schema.__name__}.{name}"


def test_a_person_with_a_control_character_is_refused_by_the_api_and_nothing_is_stored(client_of):
    response = client_of("station_manager").post(
        "/api/people/",
        {"name": CONTROL, "village_code": "330109113001", "gender": "female"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": ["文本中不能包含控制字符。"]}
    with scopes_disabled():
        assert not Person.all_objects.filter(name__contains="\u0001").exists()


def test_multi_line_notes_keep_their_line_breaks_and_refuse_other_controls(client_of, shared_world):
    with scopes_disabled():
        person = Person.all_objects.filter(region__code__startswith="330109113").first()
    client = client_of("station_manager")
    url = f"/api/people/{person.pk}"
    response = client.patch(url, {"version": person.version, "notes": "第一行\n第二行\x07"}, "application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"notes": ["文本中不能包含控制字符。"]}
    response = client.patch(url, {"version": person.version, "notes": "第一行\n第二行"}, "application/json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/people/", None),
        ("post", "/api/people/search", {}),
        ("get", "/api/accounts/users", None),
        ("post", "/api/accounts/users/search", {}),
        ("get", "/api/stations/", None),
        ("get", "/api/studios/", None),
        ("get", "/api/regions/", None),
    ],
)
def test_a_60000_character_search_is_refused_with_a_message(client_of, method, url, body):
    client = client_of("district_admin" if "people" not in url else "station_manager")
    if body is None:
        response = client.get(url, {"q": HUGE})
    else:
        response = client.post(url, {**body, "q": HUGE}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"q": ["最多填写 100 个字符。"]}


# --- API operations ----------------------------------------------------------------------------------------------


def _url(path):
    return re.sub(r"{[^}]+}", "1", path)


def test_every_operation_refuses_unknown_query_parameters(client_of):
    client = client_of("district_admin")
    for method, path, _operation in OPERATIONS:
        response = client.generic(method, _url(path) + "?sort_by=name", "{}", content_type="application/json")
        assert response.status_code == 422, (method, path, response.status_code)
        assert response.json()["errors"] == {"sort_by": ["“sort_by”不是此操作的参数。"]}, (method, path)


def test_known_query_parameters_still_work_and_anonymous_callers_get_401_first(client_of):
    assert client_of("district_admin").get("/api/stations/", {"q": "驿站", "limit": 5}).status_code == 200
    assert Client().get("/api/stations/", {"sort_by": "name"}).status_code == 401


# Public operations that answer 404 for a wrong private token or code (activities/api_public.py).
PUBLIC_LOOKUPS = ("/api/public/activities/mine", "/api/public/activities/mine/cancel")


def _expected_answers(method, path, operation):
    expected = {400, 401, 403, 422, 429}
    if "{" in path or path in ("/api/regions/", "/api/coverage/", *PUBLIC_LOOKUPS):
        expected.add(404)
    if not operation.auth_callbacks:
        expected -= {401, 403}  # public operations: anonymous callers, no permission to refuse
    if method == "PATCH" or (method == "POST" and "{" in path and 409 in error_answers(operation)):
        expected.add(409)  # an edit, or an action on an object that carries the object's version (a case's accept)
    return expected


def test_the_openapi_schema_lists_every_error_answer_with_the_error_schema(client_of):
    schema = client_of("district_admin").get("/api/openapi.json").json()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}
    for method, path, operation in OPERATIONS:
        responses = schema["paths"][path][method.lower()]["responses"]
        errors = {int(code) for code in responses if int(code) >= 400}
        assert (
            errors
            == _expected_answers(method, path, operation)
            == error_answers(operation)
            | ({404} if path in ("/api/regions/", "/api/coverage/", *PUBLIC_LOOKUPS) else set())
        ), (method, path, errors)
        for code in errors:
            ref = responses[str(code)]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorOut", (method, path, code)


def test_a_version_in_the_body_means_409_is_documented():
    versioned = {(m, p) for m, p, op in OPERATIONS if 409 in error_answers(op)}
    assert {(m, p) for m, p, _op in OPERATIONS if m == "PATCH"} <= versioned
    # Besides edits, only actions on an object (its id in the path) carry its version: a case's accept, close …
    assert all(m == "PATCH" or (m == "POST" and "{" in p) for m, p in versioned)
    assert ("POST", "/api/cases/{case_id}/accept") in versioned
    assert ("PATCH", "/api/stations/{station_id}/rooms/{room_id}") in versioned
    assert ("PATCH", "/api/stations/{station_id}/brand-items/{item_id}") in versioned


def test_every_api_schema_has_a_name_of_its_own(client_of):
    """Two schemas of one name are one OpenAPI component: one app's answers would be documented (and checked by
    schemathesis) with the other's fields. Names must be unique across the apps."""
    from collections import Counter

    from ninja import Schema

    names = Counter(cls.__name__ for cls in _subclasses(Schema) if cls.__module__.startswith("yizhan."))
    assert [name for name, count in names.items() if count > 1] == []
