import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import Workbook, load_workbook

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people.models import ImportBatch, Person
from yizhan.people.services import imports as import_services
from yizhan.people.validators import make_resident_id

from .helpers import longyuan_person

pytestmark = pytest.mark.django_db
NOT_EXCEL = "这不是 Excel 文件（.xlsx）。请下载模板填写。"
HEADER = ["姓名", "性别", "出生日期", "证件类型", "证件号码", "手机号码", "地址", "村社", "户籍类型", "备注"]


def workbook(rows, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good(n, village="330109113001"):
    born = date(1980, 1, 1).replace(day=1 + n % 28)
    return [
        f"好人{n}",
        "女",
        born.isoformat(),
        "居民身份证",
        make_resident_id("330109", born, n),
        f"1350000{n:04d}",
        "隆园社区1号",
        village,
        "户籍",
        "",
    ]


def upload(client, data, name="residents.xlsx"):
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data)})


def test_template_download_round_trips(world, client_for):
    client = client_for(world.users["station_manager"])
    response = client.get("/people/import/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in wb.active[1]]
    ws = wb.active
    ws.append(good(1)[:7] + ["", "", ""])  # empty village: the station manager's own village
    out = io.BytesIO()
    wb.save(out)
    response = upload(client, out.getvalue())
    assert response.status_code == 302, header
    batch = ImportBatch.all_objects.get()
    assert batch.valid_rows == 1
    assert batch.error_rows == 0


def test_file_full_of_bad_rows(world, client_for):
    existing = longyuan_person(world)
    bad_check = good(2)
    bad_check[4] = bad_check[4][:17] + ("0" if bad_check[4][17] != "0" else "1")
    rows = [
        good(1),
        bad_check,
        good(3)[:5] + ["12345"] + good(3)[6:],  # bad mobile
        [""] + good(4)[1:],  # no name
        good(1),  # duplicate of row 2 in the file
        ["王小红", "女", "1985-03-08", "居民身份证", existing.id_number, "", "", "330109113001", "", ""],  # registered
        good(7, village="330109113002"),  # not the manager's village
        ["坏日期", "女", "1985-13-45", "", "", "", "", "330109113001", "", ""],
        ["无证件", "男", "", "", "", "", "", "330109113001", "", ""],  # neither ID nor birth date
        good(10)[:1] + ["未知"] + good(10)[2:],  # bad gender
    ]
    client = client_for(world.users["station_manager"])
    response = upload(client, workbook(rows))
    assert response.status_code == 302
    batch = ImportBatch.all_objects.get()
    assert (batch.total_rows, batch.valid_rows, batch.existing_rows, batch.error_rows) == (10, 1, 1, 8)
    assert {r["row"]: (r["status"], r["errors"]) for r in batch.rows} == {
        2: ("ok", []),
        3: ("error", ["身份证号校验码不正确，请对照证件核实。"]),
        4: ("error", ["手机号须为以 1 开头的 11 位数字。"]),
        5: ("error", ["缺少姓名。"]),
        6: ("error", ["与本文件第 2 行为同一人。"]),
        7: ("exists", []),
        8: ("error", ["未知的村（社区），或不在您的管理范围：330109113002。"]),
        9: ("error", ["出生日期不是有效日期（YYYY-MM-DD）。"]),
        10: ("error", ["请填写身份证号或出生日期。"]),
        11: ("error", ["性别须为“女”或“男”。"]),
    }
    # the parsed rows wait encrypted: no ID number in plaintext in the database
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM people_importbatch")
        assert good(1)[4] not in cursor.fetchone()[0]
    # preview page and the downloadable report
    html = client.get(f"/people/import/{batch.pk}/").content.decode()
    assert 'data-testid="row-errors"' in html
    report = client.get(f"/people/import/{batch.pk}/check.xlsx")
    wb = load_workbook(io.BytesIO(report.content), read_only=True)
    values = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert len(values) == 11
    flat = str(values)
    assert good(1)[4] not in flat
    assert "13500000001" not in flat
    # nothing imported until confirmed
    assert Person.all_objects.count() == 1
    response = client.post(f"/people/import/{batch.pk}/")
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.all_objects.count() == 2
        assert Person.all_objects.get(name="好人1").mobile == "13500000001"
    batch.refresh_from_db()
    assert batch.status == "imported"
    assert batch.imported_count == 1
    assert AuditLog.all_objects.filter(action="import").count() == 1
    assert AuditLog.all_objects.filter(action="create", target_type="people.person").count() == 1
    # confirming twice does nothing
    client.post(f"/people/import/{batch.pk}/")
    assert Person.all_objects.count() == 2


def test_reimport_changes_nothing(world, client_for):
    client = client_for(world.users["town_admin"])
    data = workbook([good(n) for n in range(1, 21)])
    upload(client, data)
    batch = ImportBatch.all_objects.get()
    client.post(f"/people/import/{batch.pk}/")
    with scopes_disabled():
        snapshot = sorted(Person.all_objects.values_list("pk", "name", "version", "updated_at"))
    assert len(snapshot) == 20
    upload(client, data)
    again = ImportBatch.all_objects.order_by("-pk").first()
    assert (again.valid_rows, again.existing_rows, again.error_rows) == (0, 20, 0)
    client.post(f"/people/import/{again.pk}/")
    with scopes_disabled():
        assert sorted(Person.all_objects.values_list("pk", "name", "version", "updated_at")) == snapshot


def test_not_an_excel_file(world, client_for):
    client = client_for(world.users["station_manager"])
    response = upload(client, b"this is not excel", name="x.xlsx")
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [NOT_EXCEL]}
    response = upload(client, workbook([["a"]], header=["随便"]))
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": ["第一行须为模板的列名；缺少：姓名, 村（社区）（代码或名称）。"]}
    assert not ImportBatch.all_objects.exists()


def test_other_users_batch_is_404(world, client_for):
    client_for(world.users["station_manager"]).post(
        "/people/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([good(1)]))}
    )
    batch = ImportBatch.all_objects.get()
    assert client_for(world.users["town_admin"]).post(f"/people/import/{batch.pk}/").status_code == 404
    assert Person.all_objects.count() == 0


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
    ("data", "message"),
    [
        (b"", "所提交的是空文件。"),
        (b"name,village\n\xe7\x8e\x8b,330109113001\n", NOT_EXCEL),
        (b"PK\x03\x04garbage", NOT_EXCEL),
        (b"\x00" * 100, NOT_EXCEL),
    ],
    ids=["empty", "csv", "broken-zip", "nul"],
)
def test_bad_import_files_get_a_message(world, client_for, data, message):
    client = client_for(world.users["station_manager"])
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [message]}
    assert message in response.content.decode()
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0


def test_zip_bomb_is_refused_quickly(world, client_for):
    data = _zip_bomb()
    assert len(data) < import_services.MAX_FILE_BYTES
    client = client_for(world.users["station_manager"])
    response = client.post("/people/import/", {"file": SimpleUploadedFile("bomb.xlsx", data)})
    assert response.status_code == 400
    message = "该 Excel 文件解压后过大，请拆分成几个较小的文件再上传。"
    assert response.context["form"].errors == {"file": [message]}
    assert message in response.content.decode()
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0


def test_confirm_twice_with_stale_batch_is_refused(world):
    user = world.users["station_manager"]
    with scope_for(user):
        batch = import_services.import_preview(actor=user, file_name="a.xlsx", data=workbook([good(1), good(2)]))
        first = ImportBatch.objects.get(pk=batch.pk)
        second = ImportBatch.objects.get(pk=batch.pk)
        assert import_services.import_confirm(actor=user, batch=first) == 2
        with pytest.raises(ValidationError) as exc:
            import_services.import_confirm(actor=user, batch=second)
        assert exc.value.messages == ["此次导入已经结束。"]
    with scopes_disabled():
        batch.refresh_from_db()
        assert batch.imported_count == 2
        assert Person.all_objects.count() == 2


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
    ("name", "content"),
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
    response = client.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [NOT_EXCEL]}
    with scopes_disabled():
        assert ImportBatch.all_objects.count() == 0
