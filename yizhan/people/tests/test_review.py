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
from .test_imports import good, workbook

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
