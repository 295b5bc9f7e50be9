"""Hostile values posted to every page and endpoint of the people app: never a 500, and the field's error where a
form or the API is given a plainly wrong value."""

import json
from datetime import date

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.people.validators import make_resident_id

from .helpers import longyuan_person, longyuan_visit

pytestmark = pytest.mark.django_db
BAD = ["abc", "", "9" * 30, "\x00", "-1", "2999-13-45", "<script>", "１２３", "1e9", "None"]


def test_bad_values_to_every_page_never_give_500(world, client_for):
    person = longyuan_person(world)
    visit = longyuan_visit(world)
    from yizhan.people.models import Consent

    with scopes_disabled():
        consent = Consent.all_objects.filter(person=person).first()
    client = client_for(world.users["town_admin"])
    client.raise_request_exception = False
    p = person.pk
    urls = {
        "/people/": ["q", "village", "group", "age_band", "key", "page"],
        "/people/new/": ["name", "gender", "birth_date", "id_type", "id_number", "mobile", "region", "residency"],
        f"/people/{p}/edit/": [
            "name",
            "birth_date",
            "id_type",
            "id_number",
            "mobile",
            "region",
            "version",
            "clear_mobile",
        ],
        f"/people/{p}/relations/": ["direction", "kind", "other"],
        f"/people/{p}/relations/999/remove/": [],
        f"/people/{p}/groups/": ["group", "start_date"],
        f"/people/{p}/groups/999/end/": [],
        f"/people/{p}/consents/": ["purpose", "given_on", "given_by", "guardian", "separate", "data_scope"],
        f"/people/{p}/consents/{consent.pk}/withdraw/": ["note"],
        f"/people/{p}/household/": ["household", "leave", "name"],
        f"/people/{p}/visits/new/": [
            "kind",
            "visit_date",
            "visitors",
            "need_category",
            "action_owner",
            "action_due",
            "action_description",
            "photos",
        ],
        f"/people/visits/{visit.pk}/actions/": ["description", "owner", "due_date"],
        "/people/visits/actions/999/done/": [],
        "/people/visits/needs/999/status/": ["status"],
        "/people/groups/": ["name", "toggle", "sort_order"],
        "/people/visits/plans/": ["name", "group", "region", "interval_days", "toggle", "kind"],
        "/people/export/": ["full", "reason"],
        f"/people/{p}/erase/": ["reason", "confirm"],
        "/people/import/": ["file"],
    }
    gets = [
        "/people/visits/calendar/?month=abc",
        "/people/visits/calendar/?year=99999&month=13",
        "/people/visits/calendar/?month=2026-13",
        "/people/?page=abc",
        "/people/?page=-1",
        "/people/?age_band=zzz",
        "/people/visits/overdue/?page=99999",
        "/api/people/?offset=-5&limit=100000",
        "/api/people/visits/calendar?start=2026-01-01&end=2025-01-01",
        "/api/people/visits/calendar?start=abc&end=2025-01-01",
        "/api/people/visits/overdue?limit=-1",
        "/people/import/abc/",
        "/people/import/999/check.xlsx",
        "/api/people/households/abc",
        "/api/people/99999999999999999999",
    ]
    fails = []
    for url in gets:
        r = client.get(url)
        if r.status_code >= 500:
            fails.append(("GET", url, r.status_code))
    for url, fields in urls.items():
        for bad in BAD:
            data = {f: bad for f in fields}
            r = client.post(url, data)
            if r.status_code >= 500:
                fails.append((url, bad, r.status_code))

    for body in ["{", "[]", '{"name": 5, "village_code": []}', '{"q": null}', '"x"']:
        for url in ("/api/people/", "/api/people/search"):
            r = client.post(url, body, content_type="application/json")
            if r.status_code >= 500:
                fails.append((url, body, r.status_code))
    assert not fails, fails


def test_api_bad_input(world, client_for):
    client = client_for(world.users["station_manager"])
    r = client.post("/api/people/", "{not json", content_type="application/json")
    assert r.status_code in (400, 422), r.content
    r = client.get("/api/people/abc")
    assert r.status_code in (404, 422), r.content
    base = {"name": "李四", "village_code": "330109113001"}
    for extra in (
        {"mobile": "12"},
        {"id_number": "33010919900101123"},
        {"id_number": "330109900101123"},
        {"birth_date": "2999-01-01"},
        {"gender": "robot"},
        {"id_type": "alien"},
        {"residency": "mars"},
        {"village_code": "nope"},
        {"name": "x" * 300},
        {"name": ""},
    ):
        r = client.post("/api/people/", json.dumps({**base, **extra}), content_type="application/json")
        assert r.status_code in (400, 422), (extra, r.status_code, r.content[:300])
    with scopes_disabled():
        assert Person.all_objects.count() == 0


def test_form_bad_ids(world, client_for):
    client = client_for(world.users["station_manager"])
    lower = make_resident_id("330109", date(1990, 1, 1), 7)
    for number in ("abc", "330109900101123", "330109299901011234", lower[:-1] + "y", "３３０１０９"):
        r = client.post(
            "/people/new/",
            {
                "name": "甲",
                "gender": "female",
                "id_type": "resident_id",
                "id_number": number,
                "region": "330109113001",
                "residency": "resident",
            },
        )
        assert r.status_code == 400, number
    r = client.post(
        "/people/new/",
        {
            "name": "甲",
            "gender": "female",
            "id_type": "resident_id",
            "birth_date": "2999-01-01",
            "region": "330109113001",
            "residency": "resident",
        },
    )
    assert r.status_code == 400
    for pk in ("abc", "99999999999999999999"):
        assert client.get(f"/people/{pk}/").status_code == 404


def test_visit_form_with_a_huge_visitor_id_is_a_form_error(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    for value in ("9" * 30, "abc", "-1"):
        response = client.post(
            f"/people/{person.pk}/visits/new/", {"kind": "care", "visit_date": "2026-01-05", "visitors": [value]}
        )
        assert response.status_code == 400, value
