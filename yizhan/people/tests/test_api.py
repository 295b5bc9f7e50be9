"""The people API (/api/people/): masked values, registration and correction, numbers kept out of URLs, and a
constant number of queries."""

import json

import pytest

from yizhan.audit.models import AuditLog
from yizhan.core.masking import mask
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person

from .helpers import bulk_people, longyuan_person

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"
INVALID = "数据无效。"


def test_api_is_masked(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    for url in ("/api/people/", f"/api/people/{person.pk}", f"/api/people/households/{person.household_id}"):
        body = client.get(url).content.decode()
        assert MOBILE not in body, url
        assert person.id_number not in body, url
    data = client.get(f"/api/people/{person.pk}").json()
    assert data["mobile_masked"] == "139****5678"
    assert data["id_number_masked"] == mask("id_number", person.id_number)


def test_api_register_refuses_bad_input_and_duplicates(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    url = "/api/people/"
    bad = client.post(
        url,
        {"name": "甲", "village_code": "330109113001", "id_number": "330109198808082461"},
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()) == (
        400,
        {"detail": INVALID, "errors": {"id_number": ["身份证号校验码不正确，请对照证件核实。"]}},
    )
    dup = client.post(
        url,
        {"name": "乙", "village_code": "330109113001", "id_number": person.id_number},
        content_type="application/json",
    )
    assert (dup.status_code, dup.json()) == (400, {"detail": INVALID, "errors": {"__all__": ["此人已登记。"]}})
    unknown = client.post(url, {"name": "丙", "village_code": "999"}, content_type="application/json")
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"detail": INVALID, "errors": {"village_code": ["请选择村（社区）。"]}},
    )
    ok = client.post(
        url,
        {"name": "丁", "village_code": "330109113001", "birth_date": "1999-09-09", "mobile": "13700002222"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["mobile_masked"] == "137****2222"
    year = client.get("/api/people/visits/calendar?start=2026-01-01&end=2026-12-31")
    assert (year.status_code, year.json()) == (
        400,
        {"detail": INVALID, "errors": {"end": ["最多查询 92 天，且结束日期须晚于开始日期。"]}},
    )


def test_api_correct_a_person(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    url = f"/api/people/{person.pk}"

    def patch(body):
        return client.patch(url, json.dumps(body), content_type="application/json")

    ok = patch({"version": 1, "mobile": "13700003333", "residency": "temporary", "gender": None})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["version"] == 2
    assert body["mobile_masked"] == "137****3333"
    assert body["residency"] == "temporary"
    assert body["gender"] == "female"
    assert body["name"] == "王小红"
    assert patch({"version": 2, "name": ""}).json()["errors"] == {"name": ["请填写姓名。"]}
    unknown = patch({"version": 2, "village_code": "999"})
    assert (unknown.status_code, unknown.json()["errors"]) == (400, {"village_code": ["请选择村（社区）。"]})
    other = patch({"version": 2, "village_code": "330109114001"})  # not a village she serves
    assert (other.status_code, other.json()) == (403, {"detail": "您没有执行此操作的权限。"})
    unversioned = patch({"name": "无版本"})  # the schema requires the version read
    assert (unversioned.status_code, unversioned.json()["errors"]) == (422, {"version": ["此项为必填项。"]})
    with scopes_disabled():
        stored = Person.all_objects.get(pk=person.pk)
    assert stored.version == 2
    assert stored.name == "王小红"
    assert stored.region.code == "330109113001"
    assert AuditLog.all_objects.filter(action=AuditLog.Action.UPDATE, target_id=str(person.pk)).count() == 1


def test_api_get_refuses_full_numbers_in_the_url(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    message = "请用 POST /api/people/search 按完整手机号或证件号搜索，以免号码出现在网址中。"
    for q in (person.mobile, person.id_number):
        response = client.get("/api/people/", {"q": q})
        assert (response.status_code, response.json()) == (400, {"detail": INVALID, "errors": {"q": [message]}})
    response = client.post("/api/people/search", json.dumps({"q": person.mobile}), content_type="application/json")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [person.pk]
    assert [p["id"] for p in client.get("/api/people/", {"q": "5678"}).json()["items"]] == [person.pk]


@pytest.mark.parametrize("count", [10, 1000])
def test_api_list_query_count_is_constant(world, client_for, django_assert_num_queries, count):
    bulk_people(world, count)
    client = client_for(world.users["town_admin"])
    client.get("/api/people/")
    # session, user, memberships, count, page, current groups, session save (+ savepoint pair)
    with django_assert_num_queries(API_LIST_QUERIES):
        data = client.get("/api/people/?age_band=18to59&limit=50").json()
    assert len(data["items"]) == min(count, 50)


API_LIST_QUERIES = 9
