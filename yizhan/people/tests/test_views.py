import io
import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.accounts.models import Role
from yizhan.audit.models import AuditLog
from yizhan.core.masking import mask
from yizhan.core.scoping import scopes_disabled
from yizhan.core.versioning import STALE_MESSAGE
from yizhan.people.models import Consent, Person, TargetGroup, TargetGroupMembership
from yizhan.people.services import imports as import_services
from yizhan.people.validators import make_resident_id
from yizhan.tests.factories import user_with_role

from .helpers import bulk_people, longyuan_person

pytestmark = pytest.mark.django_db
MOBILE = "13912345678"


def test_list_and_detail_show_masked_values_only(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    for url in ("/people/", f"/people/{person.pk}/", f"/people/households/{person.household_id}/"):
        html = client.get(url).content.decode()
        assert MOBILE not in html, url
        assert person.id_number not in html, url
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert "139****5678" in html
    assert mask("id_number", person.id_number) in html
    assert mask("address", person.address) in html
    assert person.address not in html
    household = client.get(f"/people/households/{person.household_id}/").content.decode()
    assert "隆园社区******" in household
    assert "隆园社区3幢" not in household
    assert "家中一切正常" not in client.get(f"/people/visits/{world._people_visit.pk}/").content.decode()


def test_reveal_is_logged_and_shown_to_admins(world, client_for):
    person = longyuan_person(world)
    manager = client_for(world.users["station_manager"])
    response = manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "电话回访"})
    assert response.status_code == 200
    assert MOBILE in response.content.decode()
    refused = manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": ""})
    assert refused.status_code == 400
    assert MOBILE not in refused.content.decode()
    row = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert row.reason == "电话回访"
    assert row.field == "mobile"
    assert MOBILE not in json.dumps(row.changes)
    admin_html = client_for(world.users["town_admin"]).get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="reveal-history"' in admin_html
    assert "电话回访" in admin_html
    assert 'data-testid="reveal-history"' not in manager.get(f"/people/{person.pk}/").content.decode()


def _sheet_values(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return json.dumps(
        [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)], ensure_ascii=False, default=str
    )


def test_excel_export_masked_and_full_logged(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.get("/people/export/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = _sheet_values(b"".join(response.streaming_content))
    assert "王小红" in text
    assert "139****5678" in text
    assert MOBILE not in text
    assert person.id_number not in text
    refused = client.post("/people/export/", {"full": "1", "reason": ""})
    assert refused.status_code == 302
    assert refused["Location"] == "/people/?"
    assert "请说明需要完整信息的原因。" in client.get(refused["Location"]).content.decode()
    assert not AuditLog.all_objects.filter(action=AuditLog.Action.EXPORT, field="full").exists()
    response = client.post("/people/export/", {"full": "1", "reason": "上报民政部门"})
    assert not AuditLog.all_objects.filter(action=AuditLog.Action.REVEAL).exists()  # logged as the rows are written
    text = _sheet_values(b"".join(response.streaming_content))
    assert MOBILE in text
    assert person.id_number in text
    reveal = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert reveal.reason == "Excel 导出：上报民政部门"
    assert reveal.field == "id_number,mobile,address,birth_date"
    assert AuditLog.all_objects.get(action="export", field="full").reason == "上报民政部门"


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
    assert person.birth_date == date(1990, 2, 2)
    assert person.residency == "temporary"
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
    assert person.mobile == "13700001111"
    assert person.residency == "resident"
    assert person.id_number == id_number
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
    assert response.context["form"].errors == {"version": [str(STALE_MESSAGE)]}
    person.refresh_from_db()
    assert person.name == "赵敏"
    assert person.version == 2


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
    assert "此人未满 14 周岁，须由监护人同意。" in response.content.decode()
    assert not Consent.all_objects.filter(person=child).exists()


@pytest.mark.parametrize("count", [10, 1000])
def test_person_list_query_count_is_constant(world, client_for, django_assert_num_queries, count):
    bulk_people(world, count)
    client = client_for(world.users["town_admin"])
    client.get("/people/")  # warm up session and caches
    # session, user, memberships, groups (the village picker lists none), count, page, current groups, session save
    with django_assert_num_queries(PERSON_LIST_QUERIES):
        response = client.get("/people/?age_band=18to59")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 50)


PERSON_LIST_QUERIES = 10


def test_subject_export_download(world, client_for):
    person = longyuan_person(world)
    response = client_for(world.users["station_manager"]).post(f"/people/{person.pk}/subject-export/")
    data = json.loads(response.content)
    assert data["person"]["mobile"] == MOBILE
    assert data["visits"][0]["findings"] == "家中一切正常"


def test_erase_page_with_result(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    refused = client.post(f"/people/{person.pk}/erase/", {"reason": "x"})
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"reason", "confirm"}
    person.refresh_from_db()
    assert not person.is_anonymised
    response = client.post(f"/people/{person.pk}/erase/", {"reason": "本人申请删除", "confirm": "on"})
    assert response.status_code == 200
    assert 'data-testid="erase-result"' in response.content.decode()
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
    assert "预约律师" in html
    assert "/people/visits/photos/" in html
    bad = client.post(
        f"/people/{person.pk}/visits/new/",
        {
            "kind": "care",
            "visit_date": today.isoformat(),
            "photos": [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")],
        },
    )
    assert bad.status_code == 400
    assert bad.context["form"].errors == {"photos": ["该文件不是可识别的图片。"]}
    cal = client.get(f"/people/visits/calendar/?month={today:%Y-%m}").content.decode()
    assert "王小红" in cal


def test_number_search_never_puts_the_number_in_a_url(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.post("/people/", {"q": MOBILE, "age_band": "18to59"})
    assert response.status_code == 302
    location = response["Location"]
    assert MOBILE not in location
    assert "key=m." in location
    html = client.get(location).content.decode()
    assert "王小红" in html
    assert MOBILE not in html
    # a number typed into a GET URL is moved out of it at once
    response = client.get(f"/people/?q={person.id_number}")
    assert response.status_code == 302
    assert person.id_number not in response["Location"]
    assert "王小红" in client.get(response["Location"]).content.decode()
    # the API takes numbers in the body
    data = client.post("/api/people/search", {"q": person.id_number}, content_type="application/json").json()
    assert [p["name"] for p in data["items"]] == ["王小红"]


def test_bad_query_parameters_do_not_break_pages(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    response = client.get("/people/?village=bogus&age_band=old")  # refused with the reason, not ignored
    assert response.status_code == 400
    assert list(response.context["page"]) == []
    assert set(response.context["form"].errors) == {"village", "age_band"}
    assert 'data-testid="filter-error"' in response.content.decode()
    assert client.get("/people/visits/calendar/?month=2026-13").status_code == 200
    assert client.get("/people/visits/calendar/?month=abc").status_code == 200
    household = person.household_id
    refused = client.post(f"/people/{person.pk}/household/", {"household": "abc"}, follow=True)  # a message, no change
    assert "请从本村（社区）的家庭户中选择。" in refused.content.decode()
    person.refresh_from_db()
    assert person.household_id == household
    assert client.get("/people/999999/").status_code == 404


def test_admin_extends_and_retires_target_groups(world, client_for):
    with scopes_disabled():
        province = user_with_role(Role.FEDERATION_ADMIN, world.regions["33"], username="province_admin")
    admin = client_for(province)
    assert admin.post("/people/groups/", {"name": "孤寡老人", "description": "", "sort_order": 70}).status_code == 302
    group = TargetGroup.objects.get(name="孤寡老人")
    again = admin.post("/people/groups/", {"name": "孤寡老人", "sort_order": 70})
    assert again.status_code == 400
    assert again.context["form"].errors == {"name": ["已有同名的重点人群。"]}
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
    assert 'data-testid="guardians"' in html
    assert "王小红" in html
    assert "139****5678" in html


def test_another_villages_person_is_404_on_pages_api_and_reveal(world, client_for):
    person = longyuan_person(world)
    pages = [
        f"/api/people/{person.pk}",
        f"/api/people/households/{person.household_id}",
        f"/people/{person.pk}/",
        f"/people/households/{person.household_id}/",
    ]
    own = client_for(world.users["station_manager"])
    assert [own.get(url).status_code for url in pages] == [200, 200, 200, 200]  # they exist: 404 is the scope
    client = client_for(world.users["other_station_manager"])
    assert client.get(f"/api/people/{person.pk}").status_code == 404
    assert client.get(f"/api/people/households/{person.household_id}").status_code == 404
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/people/households/{person.household_id}/").status_code == 404
    assert client.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "x"}).status_code == 404
    assert client.post(f"/reveal/people.household/{person.household_id}/address/", {"reason": "x"}).status_code == 404


def _grow(world, person, n, start):
    """n more of everything hanging off ``person`` (relations, groups, consents, visits with needs/actions, plans)."""
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.people.models import (
        Consent,
        FollowUpAction,
        Need,
        Relation,
        ScheduledVisit,
        TargetGroup,
        TargetGroupMembership,
        Visit,
        VisitPlan,
    )
    from yizhan.tests.factories import PersonFactory

    today = timezone.localdate()
    region = person.region
    manager = world.users["station_manager"]
    with scopes_disabled():
        for i in range(start, start + n):
            kid = PersonFactory(
                name=f"孩子{i}", region=region, birth_date=date(2016, 1, 1 + i), household=person.household
            )
            Relation.all_objects.create(person=person, relative=kid, kind="parent")
            group = TargetGroup.all_objects.create(code=f"g{i}", name=f"组{i}")
            TargetGroupMembership.all_objects.create(person=person, group=group)
            TargetGroupMembership.all_objects.create(person=kid, group=group)
            Consent.all_objects.create(person=person, purpose="care", data_scope=f"范围{i}", separate=True)
            plan = VisitPlan.all_objects.create(name=f"计划{i}", group=group, region=region)
            visit = Visit.all_objects.create(person=person, visit_date=today.replace(day=1) + timedelta(days=i % 20))
            visit.visitors.add(manager)
            Need.all_objects.create(person=person, visit=visit, category=Need.Category.choices[0][0], detail="x")
            FollowUpAction.all_objects.create(
                visit=visit, description=f"事项{i}", owner=manager, due_date=today - timedelta(days=1 + i)
            )
            ScheduledVisit.all_objects.create(plan=plan, person=kid, due_date=today - timedelta(days=1 + i))
            ScheduledVisit.all_objects.create(
                plan=plan, person=person, due_date=today.replace(day=1) + timedelta(days=i % 20)
            )


def _query_counts(client, urls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[url] = len(ctx.captured_queries)
    return counts


def test_detail_pages_query_count_does_not_grow_with_rows(world, client_for):
    from yizhan.people.models import Visit

    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    _grow(world, person, 2, 0)
    with scopes_disabled():
        visit = Visit.all_objects.filter(person=person).order_by("-id").first()
    urls = [
        f"/people/{person.pk}/",
        f"/people/households/{person.household_id}/",
        f"/people/visits/{visit.pk}/",
        "/people/visits/calendar/",
        "/people/visits/overdue/",
        "/people/visits/plans/",
        f"/api/people/{person.pk}",
        f"/api/people/{person.pk}/visits",
        f"/api/people/households/{person.household_id}",
        "/api/people/visits/overdue",
    ]
    _query_counts(client, urls)  # warm caches (sessions, content types)
    small = _query_counts(client, urls)
    _grow(world, person, 6, 10)
    large = _query_counts(client, urls)
    grown = {url: (small[url], large[url]) for url in urls if large[url] != small[url]}
    assert not grown, grown


def test_photo_with_missing_file_is_404(world, client_for):
    from yizhan.people.models import VisitPhoto

    longyuan_person(world)
    with scopes_disabled():
        photo = VisitPhoto.all_objects.create(visit=world._people_visit, image="people/visits/0/missing.jpg")
    client = client_for(world.users["station_manager"])
    assert client.get(f"/people/visits/photos/{photo.pk}/").status_code == 404
    assert client_for(world.users["other_station_manager"]).get(f"/people/visits/photos/{photo.pk}/").status_code == 404


def test_chinese_ui_says_shoujihao_like_the_foundation(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    for url in ("/people/", "/people/new/", f"/people/{person.pk}/", "/people/import/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "手机号" in html, url
        assert "手机号码" not in html, url
    from django.utils import translation

    with translation.override("zh-hans"):
        template = import_services.template_workbook()
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(io.BytesIO(template)).active[1]]
    assert "手机号" in header


def test_household_name_suggestion_is_translated(world, client_for):
    from yizhan.tests.factories import PersonFactory

    with scopes_disabled():
        person = PersonFactory(name="Anna", region=world.regions["330109113001"], birth_date=date(1990, 1, 1))
    client = client_for(world.users["station_manager"])
    assert 'value="Anna家"' in client.get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anna家" not in html
    assert "Anna&#x27;s household" in html


def test_full_width_numbers_are_normalised_not_duplicated(world, client_for):
    """A Chinese input method in full-width mode types ３３０１…Ｘ and １３９…: accept them as the same number."""
    from yizhan.people.validators import id_check_char

    full_width = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789X"})
    sequence = next(s for s in range(1000) if id_check_char(f"33010919900101{s:03d}") == "X")
    id_number = make_resident_id("330109", date(1990, 1, 1), sequence)
    assert id_number.endswith("X")
    client = client_for(world.users["station_manager"])

    def register(name, number, mobile):
        return client.post(
            "/people/new/",
            {
                "name": name,
                "gender": "female",
                "id_type": "resident_id",
                "id_number": number,
                "mobile": mobile,
                "region": "330109113001",
                "residency": "resident",
            },
        )

    assert register("甲", id_number, "13912340000").status_code == 302
    with scopes_disabled():
        first = Person.all_objects.get(name="甲")
    mixed = id_number[:-1].translate(full_width) + "X"  # full-width digits, ASCII X: was stored as a second person
    for number in (id_number.translate(full_width), mixed):
        response = register("乙", number, "")
        assert response.status_code == 400
        assert response.context["form"].errors == {"__all__": ["此人已登记。"]}
        assert f"/people/{first.pk}/" in response.content.decode()
    with scopes_disabled():
        assert Person.all_objects.count() == 1
    other = make_resident_id("330109", date(1991, 2, 2), 5)
    assert register("丙", other.translate(full_width), "１３９１２３４５６７８").status_code == 302
    with scopes_disabled():
        person = Person.all_objects.get(name="丙")
    assert person.id_number == other
    assert person.mobile == "13912345678"
    found = client.post(
        "/api/people/search", json.dumps({"q": "１３９１２３４５６７８"}), content_type="application/json"
    )
    assert found.json()["meta"]["count"] == 1


def test_a_visit_asks_for_the_consent_first_and_then_opens(world, client_for):
    """Issue 9, finding 2: the precondition comes before the form, with the consent form on the same page."""
    person = longyuan_person(world)
    with scopes_disabled():
        Consent.all_objects.filter(person=person).delete()
    client = client_for(world.users["station_manager"])
    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert 'data-testid="consent-hint"' in detail
    page = client.get(f"/people/{person.pk}/visits/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="consent-needed"' in html
    assert 'name="next" value="visit"' in html
    assert 'name="findings"' not in html  # the visit form is not offered yet
    assert page.context["consent_form"].initial["purpose"] == "care"
    # a visit posted anyway is refused with the same page and nothing is written
    with scopes_disabled():
        visits_before = person.visits.count()
    refused = client.post(f"/people/{person.pk}/visits/new/", {"kind": "care", "visit_date": "2026-11-01"})
    assert refused.status_code == 409
    with scopes_disabled():
        assert person.visits.count() == visits_before
    today = timezone.localdate().isoformat()
    recorded = client.post(
        f"/people/{person.pk}/consents/",
        {
            "purpose": "care",
            "data_scope": "关怀走访记录",
            "given_on": today,
            "given_by": "self",
            "separate": "on",
            "next": "visit",
        },
    )
    assert recorded.status_code == 302
    assert recorded["Location"] == f"/people/{person.pk}/visits/new/"
    opened = client.get(recorded["Location"]).content.decode()
    assert 'name="findings"' in opened
    assert 'data-testid="consent-hint"' not in client.get(f"/people/{person.pk}/").content.decode()


def _plan_buttons(html: str) -> set[str]:
    return set(re.findall(r'name="toggle" value="(\d+)"', html))


def test_plans_offer_pause_only_to_those_who_may_pause(world, client_for):
    """Issue 9, finding 10: a station manager sees a town-wide plan without 暂停 (it is the town's to run); her own
    village's plan has it; a town admin has both; a forged toggle gets the reason, not a message about creating."""
    from yizhan.people.models import VisitPlan

    group = TargetGroup.objects.get(code="single_mothers")
    admin = client_for(world.users["town_admin"])
    manager = client_for(world.users["station_manager"])
    admin.post(
        "/people/visits/plans/",
        {"name": "全镇季访", "group": group.pk, "region": "330109113", "kind": "care", "interval_days": 91},
    )
    manager.post(
        "/people/visits/plans/",
        {"name": "隆园月访", "group": group.pk, "region": "330109113001", "kind": "care", "interval_days": 30},
    )
    town = VisitPlan.all_objects.get(name="全镇季访")
    village = VisitPlan.all_objects.get(name="隆园月访")
    html = manager.get("/people/visits/plans/").content.decode()
    assert "全镇季访" in html
    assert _plan_buttons(html) == {str(village.pk)}
    assert "由瓜沥镇妇联负责" in html
    assert _plan_buttons(admin.get("/people/visits/plans/").content.decode()) == {str(town.pk), str(village.pk)}
    refused = manager.post("/people/visits/plans/", {"toggle": str(town.pk)}, follow=True).content.decode()
    assert "只有瓜沥镇的妇联管理员可以暂停或恢复此计划" in refused
    assert "制定走访计划" not in refused
    assert VisitPlan.all_objects.get(pk=town.pk).is_active


def _select(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return select.group(0)


def _selected(html: str, name: str) -> list[str]:
    """The values of the options shown selected in the <select name=...>."""
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', _select(html, name))


def test_a_single_village_is_chosen_and_several_are_not(world, client_for):
    """Issue 9, finding 11: a manager with one village finds it chosen (no "---------"), on the registration form and
    the visit-plan form; an admin with several villages chooses herself."""
    manager = client_for(world.users["station_manager"])
    for url in ("/people/new/", "/people/visits/plans/"):
        html = manager.get(url).content.decode()
        assert _selected(html, "region") == ["330109113001"], url
        assert "---------" not in _select(html, "region"), url
    admin_form = client_for(world.users["town_admin"]).get("/people/new/").content.decode()
    assert _selected(admin_form, "region") == [""]
    assert "---------" in _select(admin_form, "region")


def test_joining_a_household_starts_from_nothing_chosen(world, client_for):
    """Issue 9, finding 11: "或加入家庭户" starts at an explicit empty choice, nothing preselected; joining without
    choosing, or with a household of another village, is refused with a message and changes nothing."""
    from yizhan.people.models import Household
    from yizhan.tests.factories import PersonFactory

    neighbours = longyuan_person(world).household
    with scopes_disabled():
        Household.all_objects.create(name="李家", region=world.regions["330109113001"])
        elsewhere = Household.all_objects.create(name="梅西张家", region=world.regions["330109114001"])
        newcomer = PersonFactory(name="赵新", region=world.regions["330109113001"])
    manager = client_for(world.users["station_manager"])
    html = manager.get(f"/people/{newcomer.pk}/").content.decode()
    join = re.search(r'data-testid="household-join".*?</form>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', join)[0] == ""
    assert _selected(join, "household") == [""]
    assert "请选择家庭户" in join
    assert str(neighbours.pk) in join
    assert "梅西张家" not in join
    for choice, message in (("", "请选择要加入的家庭户。"), (str(elsewhere.pk), "请从本村（社区）的家庭户中选择。")):
        response = manager.post(f"/people/{newcomer.pk}/household/", {"household": choice}, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
        newcomer.refresh_from_db()
        assert newcomer.household_id is None
    manager.post(f"/people/{newcomer.pk}/household/", {"household": str(neighbours.pk)})
    newcomer.refresh_from_db()
    assert newcomer.household_id == neighbours.pk


def test_the_author_reads_her_findings_without_a_reason_others_still_reveal(world, client_for):
    """Issue 9, finding 12: the findings and need details a station manager has just written are shown to her in full,
    with no reveal form and no audit row; a town admin still sees them masked and reveals them with a reason."""
    from yizhan.people.models import Visit

    person = longyuan_person(world)
    author = client_for(world.users["station_manager"])
    response = author.post(
        f"/people/{person.pk}/visits/new/",
        {
            "kind": "care",
            "visit_date": timezone.localdate().isoformat(),
            "visitors": [world.users["station_manager"].pk],
            "findings": "她最近失业，情绪低落",
            "need_category": "entrepreneurship",
            "need_detail": "想学电商",
        },
    )
    assert response.status_code == 302
    visit = Visit.all_objects.exclude(pk=world._people_visit.pk).get(person=person)
    html = author.get(f"/people/visits/{visit.pk}/").content.decode()
    assert "她最近失业，情绪低落" in html
    assert "想学电商" in html
    assert f"/reveal/people.visit/{visit.pk}/findings/" not in html
    assert not AuditLog.all_objects.filter(action="reveal", target_type="people.visit").exists()
    admin_html = client_for(world.users["town_admin"]).get(f"/people/visits/{visit.pk}/").content.decode()
    assert "她最近失业" not in admin_html
    assert "想学电商" not in admin_html
    assert f"/reveal/people.visit/{visit.pk}/findings/" in admin_html
    # the API the same way: in full for the author, masked (and null) for the admin
    mine = {v["id"]: v for v in author.get(f"/api/people/{person.pk}/visits").json()}[visit.pk]
    assert mine["findings"] == "她最近失业，情绪低落"
    theirs = client_for(world.users["town_admin"]).get(f"/api/people/{person.pk}/visits").json()
    theirs = {v["id"]: v for v in theirs}[visit.pk]
    assert theirs["findings"] is None
    assert "失业" not in theirs["findings_masked"]


def test_staff_are_offered_by_name_place_and_role_never_by_username(world, client_for):
    """Issue 9, finding 12: visitors and follow-up owners read "用户3 · 瓜沥镇 · 妇联管理员", not "用户3 (town_admin)";
    no username (here the role-like keys of the test world) appears on the visit form or the visit page."""
    person = longyuan_person(world)
    manager = client_for(world.users["station_manager"])
    town_admin, district_admin = world.users["town_admin"], world.users["district_admin"]
    form = manager.get(f"/people/{person.pk}/visits/new/").content.decode()
    page = manager.get(f"/people/visits/{world._people_visit.pk}/").content.decode()
    for html in (_select(form, "action_owner"), _select(form, "visitors"), _select(page, "owner")):
        assert f"{town_admin.name} · 瓜沥镇 · 妇联管理员" in html
        assert f"{district_admin.name} · 萧山区 · 妇联管理员" in html
        assert f"{world.users['station_manager'].name} · 隆园社区 · 驿站负责人" in html
    for html in (form, page):
        for key in ("town_admin", "district_admin", "station_manager"):
            assert key not in html


def test_erase_is_offered_only_to_admins_of_the_persons_region(world, client_for):
    """Issue 9, finding 10 (same rule): an admin of 党湾镇 who also runs 隆园社区's station sees its residents but may
    not erase them (can_erase_person), so the page offers no 删除 button; 瓜沥镇's admin has it."""
    from yizhan.tests.factories import grant

    person = longyuan_person(world)
    both = user_with_role(Role.FEDERATION_ADMIN, world.regions["330109114"], username="dangwan_admin")
    grant(both, Role.STATION_MANAGER, world.regions["330109113001"])
    client = client_for(both)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert f"/people/{person.pk}/erase/" not in client.get(f"/people/{person.pk}/").content.decode()
    assert client.get(f"/people/{person.pk}/erase/").status_code == 403
    town = client_for(world.users["town_admin"]).get(f"/people/{person.pk}/").content.decode()
    assert f"/people/{person.pk}/erase/" in town


def test_the_overdue_list_narrows_to_the_village_a_village_page_links(world, client_for):
    """Issue 9, finding 14: the overdue figure on a village's page leads to the overdue list of that village only;
    a village outside the reader's scope is refused with the reason and nothing listed."""
    from yizhan.people.models import ScheduledVisit, VisitPlan
    from yizhan.tests.factories import PersonFactory

    today = timezone.localdate()
    group = TargetGroup.objects.get(code="single_mothers")
    with scopes_disabled():
        plan = VisitPlan.all_objects.create(name="季访", group=group, region=world.regions["330109113"])
        for name, code in (("隆园逾期", "330109113001"), ("友谊逾期", "330109113002")):
            person = PersonFactory(name=name, region=world.regions[code])
            ScheduledVisit.all_objects.create(plan=plan, person=person, due_date=today - timedelta(days=5))
    admin = client_for(world.users["town_admin"])
    village_page = admin.get("/regions/330109113001/").content.decode()
    assert "/people/visits/overdue/?village=330109113001" in village_page
    narrowed = admin.get("/people/visits/overdue/?village=330109113001").content.decode()
    assert "隆园逾期" in narrowed
    assert "友谊逾期" not in narrowed
    everything = admin.get("/people/visits/overdue/").content.decode()
    assert "隆园逾期" in everything
    assert "友谊逾期" in everything
    refused = admin.get("/people/visits/overdue/?village=330109114001")
    assert refused.status_code == 400
    assert 'data-testid="filter-error"' in refused.content.decode()
    assert "隆园逾期" not in refused.content.decode()
