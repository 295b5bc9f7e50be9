"""Issue 8, findings 1 and 6: masking is one policy (``yizhan.core.masking``), so that nothing a role can reach
outside an audited reveal rebuilds a full ID number, and a relative outside the viewer's scope is neither named nor
aged nor unlinkable.

The first test takes every masked output a station manager and a town admin can reach for one person (pages, API,
masked export, audit log), and counts the ID numbers consistent with all of it, as an attacker who also knows the
village's region code, the gender and the age would: valid check character, matching every character any mask shows.
"""

import io
import json
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from yizhan.audit.models import AuditLog
from yizhan.core.masking import age_on
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people import services
from yizhan.people.models import Person, Relation
from yizhan.people.validators import id_check_char, make_resident_id

pytestmark = pytest.mark.django_db

BORN = date(1986, 7, 19)
CORRECTED = date(1986, 9, 23)  # a corrected date of birth: the audit log holds both
RELATIVE_NAME = "李大明"
RELATIVE_BORN = date(1958, 2, 14)


def _resident(world):
    """王秀英 of 隆园社区, registered and corrected through the services (so the audit log has her create and update
    rows), in a household, with a consent; her husband 李大明 lives in 梅西村 (党湾镇), outside the station
    manager's and the town admin's scope, and the relation was recorded by the district admin."""
    district = world.users["district_admin"]
    village = world.regions["330109113001"]
    with scope_for(district):
        person = services.person_create(
            created_by=district,
            region=village,
            name="王秀英",
            gender="female",
            id_number=make_resident_id("330109", BORN, 246),
            mobile="13588886666",
            address="瓜沥镇隆园社区7幢502",
        )
        person = services.person_update(
            person=person,
            changed_by=district,
            version=person.version,
            id_number=make_resident_id("330109", CORRECTED, 246),
            birth_date=CORRECTED,
        )
        services.household_create(
            created_by=district, name="王家", region=village, address="隆园社区7幢502", members=[person]
        )
        services.consent_record(
            recorded_by=district, person=person, purpose="care", data_scope="关爱走访", separate=True
        )
        relative = services.person_create(
            created_by=district,
            region=world.regions["330109114001"],
            name=RELATIVE_NAME,
            gender="male",
            id_number=make_resident_id("330109", RELATIVE_BORN, 135),
        )
        relation = services.relation_add(created_by=district, person=person, relative=relative, kind="spouse")
    with scopes_disabled():
        person = Person.all_objects.select_related("household").get(pk=person.pk)
    return person, relative, relation


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
    return json.dumps(rows, ensure_ascii=False, default=str)


def _text(response) -> str:
    """A page as text; an API answer as JSON text with its characters unescaped (as a client reads them)."""
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def _reachable_outputs(client, person) -> dict[str, str]:
    """Every masked output about ``person`` the client's user can open (answers other than 200 are left out)."""
    gets = [
        "/people/",
        f"/people/?q={person.name}",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/households/{person.household_id}/",
        "/api/people/?limit=200",
        f"/api/people/{person.pk}",
        f"/api/people/households/{person.household_id}",
        "/audit/",
        "/audit/?target_type=people.person",
        "/api/audit/?limit=200",
    ]
    outputs = {}
    for url in gets:
        response = client.get(url)
        if response.status_code == 200:
            outputs[url] = _text(response)
    search = client.post("/api/people/search", {"q": person.name}, content_type="application/json")
    assert search.status_code == 200
    outputs["POST /api/people/search"] = _text(search)
    export = client.get("/people/export/")
    assert export.status_code == 200
    outputs["/people/export/"] = _xlsx_text(b"".join(export.streaming_content))
    return outputs


MASKED_ID_RE = re.compile(r"(?<![0-9Xx*])[0-9Xx*]{18}(?![0-9Xx*])")


def _shown_characters(text: str, id_number: str) -> dict[int, str]:
    """Every character of ``id_number`` that some masked form in ``text`` shows (forms that could be this
    person's: they agree with it wherever they show a character)."""
    shown: dict[int, str] = {}
    for token in MASKED_ID_RE.findall(text):
        token = token.upper()
        if "*" not in token:
            continue
        if all(c in ("*", id_number[i]) for i, c in enumerate(token)):
            shown.update({i: c for i, c in enumerate(token) if c != "*"})
    return shown


def _dates_shown(text: str) -> set[date]:
    found = set()
    for y, m, d in re.findall(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})", text):
        try:
            found.add(date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return found


def _candidates(text: str, person: Person, *, enough: int) -> int:
    """How many ID numbers fit everything shown (stops counting at ``enough``). The attacker knows the region code
    (from the village), the gender (shown) and the age (shown), and uses every date and masked character shown."""
    id_number = person.id_number
    shown = _shown_characters(text, id_number)
    dates = _dates_shown(text)
    if person.birth_date in dates:
        window = [person.birth_date]
    else:
        start = person.birth_date - timedelta(days=400)
        window = [start + timedelta(days=n) for n in range(800)]
        window = [d for d in window if age_on(d) == person.age]
    region = "330109"
    parity = 0 if person.gender == "female" else 1
    count = 0
    for born in window:
        for sequence in range(parity, 1000, 2):
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            candidate = first17 + id_check_char(first17)
            if all(candidate[i] == c for i, c in shown.items()):
                count += 1
                if count >= enough:
                    return count
    return count


@pytest.mark.parametrize("role", ["station_manager", "town_admin"])
def test_no_masked_output_rebuilds_the_id_number(world, client_for, role):
    person, _relative, _relation = _resident(world)
    outputs = _reachable_outputs(client_for(world.users[role]), person)
    assert f"/people/{person.pk}/" in outputs
    assert "/people/export/" in outputs
    if role == "town_admin":
        assert "/api/audit/?limit=200" in outputs
    everything = "\n".join(outputs.values())
    assert person.name in everything  # the outputs are about her
    birth_digits = person.id_number[6:14]
    for url, text in outputs.items():
        assert person.id_number not in text, url
        assert birth_digits not in text, url
        for born in (CORRECTED, BORN):  # neither the date of birth nor the one it replaced (audit log)
            assert born not in _dates_shown(text), (url, born)
            assert f"{born:%Y%m%d}" not in text, (url, born)
    # The age is shown (staff need it), the date is not.
    assert f'"age": {person.age}' in outputs[f"/api/people/{person.pk}"]
    assert "birth_date" not in outputs[f"/api/people/{person.pk}"]
    # Everything together leaves at least a year of candidates (about 180,000 with today's policy).
    assert _candidates(everything, person, enough=365) >= 365


def test_old_mask_next_to_the_age_would_leave_few_candidates(world):
    """The counting is sharp: the former mask (first 6 and last 4 characters) beside the age alone leaves only a
    few dozen numbers, beside the date one."""
    with scopes_disabled():
        person = Person(name="甲", gender="female", birth_date=BORN, id_number=make_resident_id("330109", BORN, 246))
    old_mask = person.id_number[:6] + "*" * 8 + person.id_number[-4:]
    assert 1 < _candidates(old_mask, person, enough=365) < 60
    assert _candidates(f"{old_mask} {BORN:%Y-%m-%d}", person, enough=365) == 1


def test_audit_rows_keep_the_birth_date_masked_but_record_the_change(world):
    person, _relative, _relation = _resident(world)
    with scopes_disabled():
        update = AuditLog.all_objects.filter(
            target_type="people.person", target_id=str(person.pk), action="update", changes__has_key="id_number"
        ).get()
    assert set(update.changes) == {"birth_date", "id_number"}  # recorded although both masks look alike
    text = json.dumps(update.changes, ensure_ascii=False)
    assert "1986" not in text
    assert update.changes["birth_date"] == ["******", "******"]


def test_birth_date_reveal_is_audited(world, client_for):
    person, _relative, _relation = _resident(world)
    client = client_for(world.users["station_manager"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/reveal/people.person/{person.pk}/birth_date/" in page
    response = client.post(f"/reveal/people.person/{person.pk}/birth_date/", {"reason": "办理证明"})
    assert response.status_code == 200
    assert "1986-09-23" in response.content.decode()
    with scopes_disabled():
        row = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert (row.field, row.reason) == ("birth_date", "办理证明")


def test_edit_form_does_not_show_the_birth_date_and_keeps_it(world, client_for):
    person, _relative, _relation = _resident(world)
    client = client_for(world.users["station_manager"])
    html = client.get(f"/people/{person.pk}/edit/").content.decode()
    assert "1986-09-23" not in html
    response = client.post(
        f"/people/{person.pk}/edit/",
        {
            "name": "王秀英",
            "gender": "female",
            "id_type": "resident_id",
            "region": "330109113001",
            "residency": "temporary",
            "version": person.version,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Person.all_objects.get(pk=person.pk).birth_date == CORRECTED


def test_full_export_has_the_birth_date_and_logs_it(world, client_for):
    person, _relative, _relation = _resident(world)
    client = client_for(world.users["station_manager"])
    masked = _xlsx_text(b"".join(client.get("/people/export/").streaming_content))
    assert "出生日期" not in masked
    full = client.post("/people/export/", {"full": "1", "reason": "上报"})
    text = _xlsx_text(b"".join(full.streaming_content))
    assert "1986-09-23" in text
    with scopes_disabled():
        row = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
    assert "birth_date" in row.field.split(",")


# Finding 6: a relative outside the viewer's scope.


@pytest.mark.parametrize("role", ["station_manager", "town_admin"])
def test_relative_outside_scope_is_not_named_aged_or_removable(world, client_for, role):
    person, relative, relation = _resident(world)
    client = client_for(world.users[role])
    html = client.get(f"/people/{person.pk}/").content.decode()
    assert RELATIVE_NAME not in html
    assert "李**" in html
    assert f"({relative.age})" not in html
    assert f"/people/{relative.pk}/" not in html
    assert f"/people/{person.pk}/relations/{relation.pk}/remove/" not in html
    data = client.get(f"/api/people/{person.pk}").json()
    assert data["relations"] == [{"relation": "spouse", "direction": "of", "other_id": None, "other_name": "李**"}]
    assert RELATIVE_NAME not in json.dumps(data, ensure_ascii=False)


def test_audit_log_does_not_name_a_relative_outside_the_row_village(world, client_for):
    person, _relative, relation = _resident(world)
    client = client_for(world.users["town_admin"])
    for url in ("/audit/", "/api/audit/?limit=200"):
        response = client.get(url)
        assert response.status_code == 200
        assert RELATIVE_NAME not in _text(response), url
    with scopes_disabled():
        row = AuditLog.all_objects.get(target_type="people.relation", target_id=str(relation.pk))
    assert row.target_repr == f"{person.name} 配偶 李**"


def test_removing_a_relation_to_someone_outside_scope_is_refused(world, client_for):
    person, _relative, relation = _resident(world)
    manager = world.users["station_manager"]
    with scope_for(manager):
        relation_seen = Relation.objects.get(pk=relation.pk)
        with pytest.raises(PermissionDenied) as exc:
            services.relation_remove(relation=relation_seen, removed_by=manager)
    assert str(exc.value) == "这条关系的另一方不在您的辖区内：请由同时管辖双方的妇联管理员处理。"
    response = client_for(manager).post(f"/people/{person.pk}/relations/{relation.pk}/remove/", follow=True)
    assert "这条关系的另一方不在您的辖区内" in response.content.decode()
    with scopes_disabled():
        assert Relation.all_objects.filter(pk=relation.pk).exists()
    # The district admin, over both villages, may remove it.
    district = world.users["district_admin"]
    with scope_for(district):
        services.relation_remove(relation=Relation.objects.get(pk=relation.pk), removed_by=district)
    with scopes_disabled():
        assert not Relation.all_objects.filter(pk=relation.pk).exists()


def test_relative_in_scope_keeps_name_age_link_and_remove(world, client_for):
    person, _relative, _relation = _resident(world)
    district = world.users["district_admin"]
    with scope_for(district):
        daughter = services.person_create(
            created_by=district,
            region=world.regions["330109113001"],
            name="李小雨",
            gender="female",
            birth_date=date(2012, 5, 1),
        )
        relation = services.relation_add(created_by=district, person=person, relative=daughter, kind="parent")
    html = client_for(world.users["station_manager"]).get(f"/people/{person.pk}/").content.decode()
    assert f'href="/people/{daughter.pk}/">李小雨</a> ({daughter.age})' in html
    assert f"/people/{person.pk}/relations/{relation.pk}/remove/" in html
    with scopes_disabled():
        row = AuditLog.all_objects.get(target_type="people.relation", target_id=str(relation.pk))
    assert row.target_repr == f"{person.name} 父母（对方为子女） 李小雨"
