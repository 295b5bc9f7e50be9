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
    from django.db import connection

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


def test_no_plaintext_numbers_after_revealing_exporting_and_correcting(world, client_for):
    """After registering, importing, revealing, exporting and visiting, no table holds a full ID or mobile number."""
    person = longyuan_person(world)
    client = client_for(world.users["station_manager"])
    client.post(f"/reveal/people.person/{person.pk}/id_number/", {"reason": "核实"})
    client.post("/people/export/", {"full": "1", "reason": "上报"})
    client.post(f"/people/{person.pk}/subject-export/")
    client.post(
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
    secrets = [person.id_number, "13912345678", "13622223333"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = str(cursor.fetchall())
            for secret in secrets:
                assert secret not in dump, f"{secret} in plaintext in {table}"
