"""Two editors correct the same person from the same version: one wins; the other is told on the form's version
field (page) or gets 409 (API), and nothing of theirs is saved. Two registrations of the same ID number at the same
moment: the second is told the person is registered, no 500."""

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from yizhan.core.scoping import scopes_disabled
from yizhan.core.versioning import STALE_MESSAGE
from yizhan.people.models import Person
from yizhan.tests.factories import build_world

from .helpers import longyuan_person


def _form(version, notes):
    return {
        "name": "王小红",
        "gender": "female",
        "id_type": "resident_id",
        "region": "330109113001",
        "residency": "resident",
        "notes": notes,
        "version": version,
    }


def _patch(client, person, version, notes):
    return client.patch(
        f"/api/people/{person.pk}", json.dumps({"version": version, "notes": notes}), content_type="application/json"
    )


def _stored(person) -> Person:
    with scopes_disabled():
        return Person.all_objects.get(pk=person.pk)


def test_second_page_edit_from_the_same_version_gets_the_version_error(world, client_for):
    person = longyuan_person(world)
    manager, admin = client_for(world.users["station_manager"]), client_for(world.users["town_admin"])
    url = f"/people/{person.pk}/edit/"
    for client in (manager, admin):  # both open the form at version 1
        assert 'name="version" value="1"' in client.get(url).content.decode()
    assert manager.post(url, _form(1, "站长的备注")).status_code == 302
    response = admin.post(url, _form(1, "镇里的备注"))
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == [str(STALE_MESSAGE)]
    assert 'data-testid="form-error"' in response.content.decode()
    stored = _stored(person)
    assert stored.notes == "站长的备注"
    assert stored.version == 2


def test_second_api_edit_from_the_same_version_gets_409(world, client_for):
    person = longyuan_person(world)
    manager, admin = client_for(world.users["station_manager"]), client_for(world.users["town_admin"])
    assert manager.get(f"/api/people/{person.pk}").json()["version"] == 1
    first = _patch(manager, person, 1, "站长的备注")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = _patch(admin, person, 1, "镇里的备注")
    assert second.status_code == 409
    assert second.json() == {"detail": str(STALE_MESSAGE), "errors": {"version": [str(STALE_MESSAGE)]}}
    stored = _stored(person)
    assert stored.notes == "站长的备注"
    assert stored.version == 2


def test_api_edit_then_stale_page_edit(world, client_for):
    person = longyuan_person(world)
    page, api = client_for(world.users["station_manager"]), client_for(world.users["town_admin"])
    assert _patch(api, person, 1, "接口的备注").status_code == 200
    response = page.post(f"/people/{person.pk}/edit/", _form(1, "页面的备注"))
    assert response.status_code == 400
    assert "version" in response.context["form"].errors
    assert _stored(person).notes == "接口的备注"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs a server database with concurrent connections")
def test_concurrent_page_and_api_edits_one_wins():
    with scopes_disabled():
        world = build_world()
    person = longyuan_person(world)
    page, api = Client(), Client()
    page.force_login(world.users["station_manager"])
    api.force_login(world.users["town_admin"])
    barrier, results = threading.Barrier(2), {}

    def run(name, send):
        try:
            barrier.wait()
            results[name] = send()
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=run, args=("page", lambda: page.post(f"/people/{person.pk}/edit/", _form(1, "页面的备注")))
        ),
        threading.Thread(target=run, args=("api", lambda: _patch(api, person, 1, "接口的备注"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page_won = results["page"].status_code == 302
    api_won = results["api"].status_code == 200
    assert page_won != api_won, (results["page"].status_code, results["api"].status_code)
    if page_won:
        assert results["api"].status_code == 409
    else:
        assert results["page"].status_code == 400
        assert results["page"].context["form"].errors["version"] == [str(STALE_MESSAGE)]
    stored = _stored(person)
    assert stored.version == 2
    assert stored.notes == ("页面的备注" if page_won else "接口的备注")


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
    assert response.status_code == 400
    assert response.context["form"].errors == {"__all__": ["此人已登记。"]}
    assert f"/people/{person.pk}/" in response.content.decode()
    assert len(calls) == 2  # the check before the insert, and the one after the insert collided
    with scopes_disabled():
        assert Person.all_objects.count() == 1
    calls.clear()  # the API registration races too
    api = client.post(
        "/api/people/",
        json.dumps({"name": "同时登记", "village_code": "330109113001", "id_number": person.id_number}),
        content_type="application/json",
    )
    assert (api.status_code, api.json()) == (400, {"detail": "数据无效。", "errors": {"__all__": ["此人已登记。"]}})
    assert len(calls) == 2
    with scopes_disabled():
        assert Person.all_objects.count() == 1
