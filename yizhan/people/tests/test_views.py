import io
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.audit.models import AuditLog
from yizhan.core.masking import mask
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Consent, Person, TargetGroup, TargetGroupMembership
from yizhan.people.validators import make_resident_id

from .helpers import longyuan_person

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"


def test_list_and_detail_show_masked_values_only(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    for url in ("/people/", f"/people/{person.pk}/", f"/people/households/{person.household_id}/"):
        html = client.get(url).content.decode()
        assert MOBILE not in html and person.id_number not in html, url
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "139****5678" in html and mask("id_number", person.id_number) in html
    assert "隆园社区******" not in html or "3幢" not in html
    assert "家中一切正常" not in client.get(f"/people/visits/{world._people_visit.pk}/").content.decode()


def test_reveal_is_logged_and_shown_to_admins(world, client_for):
    person = longyuan_person(world)
    manager = client_for(world.users["station_manager"])
    response = manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "电话回访"})
    assert response.status_code == 200 and MOBILE in response.content.decode()
    assert manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": ""}).status_code == 400
    row = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert row.reason == "电话回访" and row.field == "mobile" and MOBILE not in json.dumps(row.changes)
    admin_html = client_for(world.users["town_admin"]).get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="reveal-history"' in admin_html and "电话回访" in admin_html
    assert 'data-testid="reveal-history"' not in manager.get(f"/people/{person.pk}/").content.decode()


def test_api_is_masked(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    for url in ("/api/people/", f"/api/people/{person.pk}", f"/api/people/households/{person.household_id}"):
        body = client.get(url).content.decode()
        assert MOBILE not in body and person.id_number not in body, url
    data = client.get(f"/api/people/{person.pk}").json()
    assert data["mobile_masked"] == "139****5678"
    assert data["id_number_masked"] == mask("id_number", person.id_number)


def _sheet_values(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return json.dumps(
        [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)], ensure_ascii=False, default=str
    )


def test_excel_export_masked_and_full_logged(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.get("/people/export/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = _sheet_values(b"".join(response.streaming_content))
    assert "王小红" in text and "139****5678" in text and MOBILE not in text and person.id_number not in text
    refused = client.post("/people/export/", {"full": "1", "reason": ""})
    assert refused.status_code == 302
    response = client.post("/people/export/", {"full": "1", "reason": "上报民政部门"})
    assert not AuditLog.all_objects.filter(action=AuditLog.Action.REVEAL).exists()  # logged as the rows are written
    text = _sheet_values(b"".join(response.streaming_content))
    assert MOBILE in text and person.id_number in text
    reveal = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert "上报民政部门" in reveal.reason
    assert AuditLog.all_objects.filter(action="export", field="full").exists()


def test_duplicate_registration_shows_existing(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.post(
        "/people/new/",
        {
            "name": "另一个",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": person.id_number,
            "region": "330109113001",
            "residency": "resident",
        },
    )
    assert response.status_code == 400
    assert f"/people/{person.pk}/" in response.content.decode()
    assert Person.all_objects.count() == 1


def test_register_and_correct(world, client_for):
    client = client_for(world.users["station_manager"])
    id_number = make_resident_id("330109", date(1990, 2, 2), 88)
    response = client.post(
        "/people/new/",
        {
            "name": "赵敏",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": id_number,
            "mobile": "13700001111",
            "address": "瓜沥镇隆园社区8号",
            "region": "330109113001",
            "residency": "temporary",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        person = Person.all_objects.get(name="赵敏")
    assert person.birth_date == date(1990, 2, 2) and person.residency == "temporary"
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": "赵敏",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": "",
            "mobile": "",
            "region": "330109113001",
            "residency": "resident",
            "version": person.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.mobile == "13700001111" and person.residency == "resident" and person.id_number == id_number
    # a stale form is refused rather than overwriting
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": "赵敏敏",
            "gender": "female",
            "id_type": "resident_id",
            "region": "330109113001",
            "residency": "resident",
            "version": 1,
        },
    )
    assert response.status_code == 400


def test_under_14_consent_without_guardian_refused_in_ui(world, client_for):
    born = timezone.localdate() - timedelta(days=365 * 6)
    with scopes_disabled():
        child = Person.all_objects.create(
            name="小宝",
            birth_date=born,
            region=world.regions["330109113001"],
            id_number=make_resident_id("330109", born, 5),
        )
    client = client_for(world.users["station_manager"])
    response = client.post(
        f"/people/{child.pk}/consents/",
        {
            "purpose": "care",
            "data_scope": "关爱",
            "separate": "on",
            "given_on": timezone.localdate().isoformat(),
            "given_by": "self",
        },
        follow=True,
    )
    assert "14" in response.content.decode()
    assert not Consent.all_objects.filter(person=child).exists()


def _bulk_people(world, count):
    region = world.regions["330109113001"]
    group = TargetGroup.objects.get(code="single_mothers")
    people = []
    for n in range(count):
        born = date(1970, 1, 1) + timedelta(days=n * 7)
        p = Person(
            name=f"居民{n}",
            birth_date=born,
            region=region,
            id_number=make_resident_id("330109", born, n % 1000),
            mobile=f"136{n:08d}",
        )
        p.mobile_hint = mask("mobile", p.mobile)
        people.append(p)
    with scopes_disabled():
        Person.all_objects.bulk_create(people, batch_size=500)
        TargetGroupMembership.all_objects.bulk_create(
            [TargetGroupMembership(person=p, group=group) for p in people[::3]]
        )


@pytest.mark.parametrize("count", [10, 1000])
def test_person_list_query_count_is_constant(world, client_for, django_assert_num_queries, count):
    _bulk_people(world, count)
    client = client_for(world.users["town_admin"])
    client.get("/people/")  # warm up session and caches
    # session, user, memberships, villages + groups (filters), count, page, current groups, session save (+savepoints)
    with django_assert_num_queries(PERSON_LIST_QUERIES):
        response = client.get("/people/?age_band=18to59")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)


PERSON_LIST_QUERIES = 11


def test_subject_export_download(world, client_for):
    person = longyuan_person(world)
    response = client_for(world.users["station_manager"]).post(f"/people/{person.pk}/subject-export/")
    data = json.loads(response.content)
    assert data["person"]["mobile"] == MOBILE and data["visits"][0]["findings"] == "家中一切正常"


def test_erase_page_with_result(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    assert client.post(f"/people/{person.pk}/erase/", {"reason": "x"}).status_code == 400
    response = client.post(f"/people/{person.pk}/erase/", {"reason": "本人申请删除", "confirm": "on"})
    assert response.status_code == 200 and 'data-testid="erase-result"' in response.content.decode()
    person.refresh_from_db()
    assert person.is_anonymised


def test_visit_record_with_photo_and_calendar(world, client_for):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    person = longyuan_person(world)
    buf = BytesIO()
    Image.new("RGB", (120, 120), "red").save(buf, "JPEG")
    client = client_for(world.users["station_manager"])
    today = timezone.localdate()
    response = client.post(
        f"/people/{person.pk}/visits/new/",
        {
            "kind": "care",
            "visit_date": today.isoformat(),
            "visitors": [world.users["station_manager"].pk],
            "place": "家中",
            "findings": "需要法律咨询",
            "need_category": "legal",
            "need_detail": "离婚财产",
            "action": "预约律师",
            "action_owner": world.users["station_manager"].pk,
            "action_due": (today + timedelta(days=3)).isoformat(),
            "photos": [SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visit_url = response["Location"]
    html = client.get(visit_url).content.decode()
    assert "预约律师" in html and "/people/visits/photos/" in html
    bad = client.post(
        f"/people/{person.pk}/visits/new/",
        {
            "kind": "care",
            "visit_date": today.isoformat(),
            "photos": [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")],
        },
    )
    assert bad.status_code == 400
    cal = client.get(f"/people/visits/calendar/?month={today:%Y-%m}").content.decode()
    assert "王小红" in cal


def test_number_search_never_puts_the_number_in_a_url(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.post("/people/", {"q": MOBILE, "age_band": "18to59"})
    assert response.status_code == 302
    location = response["Location"]
    assert MOBILE not in location and "key=m." in location
    html = client.get(location).content.decode()
    assert "王小红" in html and MOBILE not in html
    # a number typed into a GET URL is moved out of it at once
    response = client.get(f"/people/?q={person.id_number}")
    assert response.status_code == 302 and person.id_number not in response["Location"]
    assert "王小红" in client.get(response["Location"]).content.decode()
    # the API takes numbers in the body
    data = client.post("/api/people/search", {"q": person.id_number}, content_type="application/json").json()
    assert [p["name"] for p in data["items"]] == ["王小红"]


def test_api_register_refuses_bad_input_and_duplicates(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    url = "/api/people/"
    bad = client.post(
        url,
        {"name": "甲", "village_code": "330109113001", "id_number": "330109198808082461"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "id_number" in bad.json()["errors"]
    dup = client.post(
        url,
        {"name": "乙", "village_code": "330109113001", "id_number": person.id_number},
        content_type="application/json",
    )
    assert dup.status_code == 400
    unknown = client.post(url, {"name": "丙", "village_code": "999"}, content_type="application/json")
    assert unknown.status_code == 400
    ok = client.post(
        url,
        {"name": "丁", "village_code": "330109113001", "birth_date": "1999-09-09", "mobile": "13700002222"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["mobile_masked"] == "137****2222"
    assert client.get("/api/people/visits/calendar?start=2026-01-01&end=2026-12-31").status_code == 400


def test_api_correct_a_person(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    url = f"/api/people/{person.pk}"

    def patch(body):
        return client.patch(url, json.dumps(body), content_type="application/json")

    ok = patch({"version": 1, "mobile": "13700003333", "residency": "temporary", "gender": None})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["version"] == 2 and body["mobile_masked"] == "137****3333" and body["residency"] == "temporary"
    assert body["gender"] == "female" and body["name"] == "王小红"  # left out or null: kept
    assert patch({"version": 2, "name": ""}).json()["errors"] == {"name": ["请填写姓名。"]}
    assert patch({"version": 2, "village_code": "999"}).status_code == 400
    assert patch({"version": 2, "village_code": "330109114001"}).status_code == 403  # not a village she serves
    assert patch({"name": "无版本"}).status_code == 422
    with scopes_disabled():
        stored = Person.all_objects.get(pk=person.pk)
    assert stored.version == 2 and stored.name == "王小红" and stored.region.code == "330109113001"
    assert AuditLog.all_objects.filter(action=AuditLog.Action.UPDATE, target_id=str(person.pk)).count() == 1


@pytest.mark.parametrize("count", [10, 1000])
def test_api_list_query_count_is_constant(world, client_for, django_assert_num_queries, count):
    _bulk_people(world, count)
    client = client_for(world.users["town_admin"])
    client.get("/api/people/")
    # session, user, memberships, count, page, current groups, session save (+ savepoint pair)
    with django_assert_num_queries(API_LIST_QUERIES):
        data = client.get("/api/people/?age_band=18to59&limit=50").json()
    assert len(data["items"]) == min(count, 50)


API_LIST_QUERIES = 9


def test_bad_query_parameters_do_not_break_pages(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    assert client.get("/people/?village=bogus&age_band=old").status_code == 200
    assert client.get("/people/visits/calendar/?month=2026-13").status_code == 200
    assert client.get("/people/visits/calendar/?month=abc").status_code == 200
    assert client.post(f"/people/{person.pk}/household/", {"household": "abc"}).status_code == 404
    assert client.get("/people/999999/").status_code == 404


def test_admin_extends_and_retires_target_groups(world, client_for):
    admin = client_for(world.users["town_admin"])
    assert admin.post("/people/groups/", {"name": "孤寡老人", "description": "", "sort_order": 70}).status_code == 302
    group = TargetGroup.objects.get(name="孤寡老人")
    assert admin.post("/people/groups/", {"name": "孤寡老人", "sort_order": 70}).status_code == 400
    admin.post("/people/groups/", {"toggle": str(group.pk)})
    group.refresh_from_db()
    assert not group.is_active
    assert (
        client_for(world.users["station_manager"]).post("/people/groups/", {"toggle": str(group.pk)}).status_code == 403
    )


def test_pause_plan_and_update_need(world, client_for):
    from yizhan.people.models import Need, ScheduledVisit, VisitPlan

    person = longyuan_person(world)
    admin = client_for(world.users["town_admin"])
    group = TargetGroup.objects.get(code="single_mothers")
    with scopes_disabled():
        TargetGroupMembership.all_objects.create(person=person, group=group)
    admin.post(
        "/people/visits/plans/",
        {"name": "季访", "group": group.pk, "region": "330109113", "kind": "care", "interval_days": 91},
    )
    plan = VisitPlan.all_objects.get()
    assert ScheduledVisit.all_objects.filter(plan=plan, visit__isnull=True, cancelled=False).count() == 1
    manager = client_for(world.users["station_manager"])
    manager.post("/people/visits/plans/", {"toggle": str(plan.pk)})  # a town plan is not the manager's to pause
    assert VisitPlan.all_objects.get().is_active
    admin.post("/people/visits/plans/", {"toggle": str(plan.pk)})
    assert not VisitPlan.all_objects.get().is_active
    assert not ScheduledVisit.all_objects.filter(plan=plan, visit__isnull=True, cancelled=False).exists()
    with scopes_disabled():
        need = Need.all_objects.create(person=person, visit=world._people_visit, category="legal", detail="咨询")
    manager.post(f"/people/visits/needs/{need.pk}/status/", {"status": "referred"})
    need.refresh_from_db()
    assert need.status == "referred"
    assert (
        client_for(world.users["other_station_manager"])
        .post(f"/people/visits/needs/{need.pk}/status/", {"status": "met"})
        .status_code
        == 404
    )


def test_child_page_points_to_the_guardian(world, client_for):
    mother = longyuan_person(world)
    born = timezone.localdate() - timedelta(days=365 * 5)
    with scopes_disabled():
        child = Person.all_objects.create(name="小宝", birth_date=born, region=world.regions["330109113001"])
        from yizhan.people.models import Relation

        Relation.all_objects.create(person=mother, relative=child, kind="parent")
    html = client_for(world.users["station_manager"]).get(f"/people/{child.pk}/").content.decode()
    assert 'data-testid="guardians"' in html and "王小红" in html and "139****5678" in html
