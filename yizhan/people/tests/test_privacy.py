"""No full ID or mobile number reaches the database in plaintext, whichever page, API or command wrote it."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.people.validators import make_resident_id

from .helpers import longyuan_person
from .test_imports import workbook

pytestmark = pytest.mark.django_db


def _all_db_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.append(f"{table}: " + repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_no_plaintext_numbers_after_registering_importing_exporting_and_erasing(world, client_for):
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
    # search by full numbers (posted), reveal, export, edit, import of another person, API create: each one done
    assert manager.post("/people/", {"q": mobile}).status_code == 302
    assert manager.post("/people/", {"q": id_number}).status_code == 302
    assert manager.post(f"/reveal/people.person/{person.pk}/mobile/", {"reason": "回访"}).status_code == 200
    export = manager.post("/people/export/", {"full": "1", "reason": "上报"})
    assert export.status_code == 200
    assert b"".join(export.streaming_content).startswith(b"PK")
    assert manager.post(f"/people/{person.pk}/subject-export/").status_code == 200
    mobile2 = "13655554321"
    r = manager.post(
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
    assert r.status_code == 302
    other_id = make_resident_id("330109", date(1979, 9, 9), 654)
    row = ["周敏", "女", "", "居民身份证", other_id, "13766667777", "", "330109113001", "户籍", ""]
    r = manager.post("/people/import/", {"file": SimpleUploadedFile("a.xlsx", workbook([row]))})
    assert r.status_code == 302
    batch_url = r["Location"]
    assert manager.post(batch_url).status_code == 302
    api_id = make_resident_id("330109", date(1977, 7, 7), 987)
    r = manager.post(
        "/api/people/",
        json.dumps({"name": "钱红", "village_code": "330109113001", "id_number": api_id, "mobile": "13899990000"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    r = manager.post("/api/people/search", json.dumps({"q": "13899990000"}), content_type="application/json")
    assert r.json()["meta"]["count"] == 1
    assert admin.post(f"/people/{person.pk}/erase/", {"reason": "本人申请", "confirm": "on"}).status_code == 200
    with scopes_disabled():
        assert Person.all_objects.get(name="周敏").mobile == "13766667777"
        assert Person.all_objects.get(name="钱红").id_number == api_id
        assert Person.all_objects.get(pk=person.pk).anonymised_at is not None
    text = _all_db_text()
    assert "audit_auditlog" in text
    for secret in (id_number, mobile, mobile2, other_id, "13766667777", api_id, "13899990000"):
        assert secret not in text, secret
        assert secret.lower() not in text, secret


def test_no_plaintext_numbers_after_revealing_exporting_and_correcting(world, client_for):
    """After revealing, a full export, a subject export and a correction, no table holds a full ID or mobile number."""
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    assert client.post(f"/reveal/people.person/{person.pk}/id_number/", {"reason": "核实"}).status_code == 200
    export = client.post("/people/export/", {"full": "1", "reason": "上报"})
    assert export.status_code == 200
    assert b"".join(export.streaming_content).startswith(b"PK")
    assert client.post(f"/people/{person.pk}/subject-export/").status_code == 200
    r = client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": person.name,
            "gender": "female",
            "id_type": "resident_id",
            "region": "330109113001",
            "residency": "resident",
            "mobile": "13622223333",
            "version": person.version,
        },
    )
    assert r.status_code == 302
    with scopes_disabled():
        assert Person.all_objects.get(pk=person.pk).mobile == "13622223333"
    secrets = [person.id_number, "13912345678", "13622223333"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = str(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, f"{secret} in plaintext in {table}"
