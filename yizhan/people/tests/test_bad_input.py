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
WRONG_ID_FORMAT = "居民身份证号为 18 位：17 位数字加 1 位数字或 X。"
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

    def broken(r):  # a server error, or a request that never reached the view (the client is not signed in)
        return r.status_code >= 500 or r.status_code == 401 or r.get("Location", "").startswith("/accounts/login/")

    fails = []
    for url in gets:
        r = client.get(url)
        if broken(r):
            fails.append(("GET", url, r.status_code))
    for url, fields in urls.items():
        for bad in BAD:
            data = {f: bad for f in fields}
            r = client.post(url, data)
            if broken(r):
                fails.append((url, bad, r.status_code))

    for body in ["{", "[]", '{"name": 5, "village_code": []}', '{"q": null}', '"x"']:
        for url in ("/api/people/", "/api/people/search"):
            r = client.post(url, body, content_type="application/json")
            if broken(r):
                fails.append((url, body, r.status_code))
    assert not fails, fails


def test_api_bad_input(world, client_for):
    client = client_for(world.users["station_manager"])
    # a body that is not JSON at all: 400, the request could not be read
    r = client.post("/api/people/", "{not json", content_type="application/json")
    assert (r.status_code, r.json()) == (400, {"detail": "无法读取请求内容：请发送有效的 JSON。"})
    # the route matches (/{person_id}) but the path parameter is not an integer: a schema error, so 422 on that
    # parameter (as for any request that does not match the schema), not a 404 for a missing person
    r = client.get("/api/people/abc")
    assert (r.status_code, r.json()) == (422, {"detail": "数据无效。", "errors": {"person_id": ["请输入整数。"]}})
    # well-formed JSON with a wrong value: the service refuses it, 400 with the message on that field
    base = {"name": "李四", "village_code": "330109113001"}
    for extra, errors in (
        ({"mobile": "12"}, {"mobile": ["请输入 11 位中国大陆手机号，例如 13800138000。"]}),
        ({"id_number": "33010919900101123"}, {"id_number": [WRONG_ID_FORMAT]}),
        ({"id_number": "330109900101123"}, {"id_number": [WRONG_ID_FORMAT]}),
        ({"birth_date": "2999-01-01"}, {"birth_date": ["出生日期不能晚于今天。"]}),
        ({"gender": "robot"}, {"gender": ["值 'robot' 不是有效选项。"]}),
        (
            {"id_type": "alien"},
            {"id_type": ["值 'alien' 不是有效选项。"], "id_number": ["请填写证件号码，或选择“无证件”。"]},
        ),
        ({"residency": "mars"}, {"residency": ["值 'mars' 不是有效选项。"]}),
        ({"village_code": "nope"}, {"village_code": ["请选择村（社区）。"]}),
        ({"name": "x" * 300}, {"name": ["确保该变量包含不超过 100 字符 (目前字符数 300)。"]}),
        ({"name": ""}, {"name": ["请填写姓名。"]}),
    ):
        r = client.post("/api/people/", json.dumps({**base, **extra}), content_type="application/json")
        assert (r.status_code, r.json()) == (400, {"detail": "数据无效。", "errors": errors}), extra
    with scopes_disabled():
        assert Person.all_objects.count() == 0


def test_form_bad_ids(world, client_for):
    client = client_for(world.users["station_manager"])
    lower = make_resident_id("330109", date(1990, 1, 1), 7)
    for number, errors in (
        ("abc", {"id_number": [WRONG_ID_FORMAT]}),
        ("330109900101123", {"id_number": [WRONG_ID_FORMAT]}),  # the old 15-digit number
        ("330109299901011234", {"id_number": ["身份证号中的出生日期无效。"], "birth_date": ["出生日期不能晚于今天。"]}),
        (lower[:-1] + "y", {"id_number": [WRONG_ID_FORMAT]}),
        ("３３０１０９", {"id_number": [WRONG_ID_FORMAT]}),
    ):
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
        assert r.context["form"].errors == errors, number
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
    assert r.context["form"].errors == {"birth_date": ["出生日期不能晚于今天。"]}
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
        assert response.context["form"].errors == {"visitors": [f"“{value}”不是一个有效的值"]}, value
