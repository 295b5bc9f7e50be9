"""Hostile values posted to every page and endpoint of the people app: never a 500."""

import pytest

from yizhan.core.scoping import scopes_disabled

from .helpers import longyuan_person, longyuan_visit

pytestmark = pytest.mark.django_db
BAD = ["abc", "", "9" * 30, "\x00", "-1", "2999-13-45", "<script>", "１２３", "1e9", "None"]


def test_bad_values_to_every_page_never_give_500(world, client_for):
    person = longyuan_person(world)
    visit = longyuan_visit(world)
    from yizhan.people.models import Consent

    with scopes_disabled():
        consent = Consent.all_objects.filter(person=person).first()
    client = client_for(world.users["town_admin"])
    client.raise_request_exception = False
    p = person.pk
    urls = {
        "/people/": ["q", "village", "group", "age_band", "key", "page"],
        "/people/new/": ["name", "gender", "birth_date", "id_type", "id_number", "mobile", "region", "residency"],
        f"/people/{p}/edit/": [
            "name",
            "birth_date",
            "id_type",
            "id_number",
            "mobile",
            "region",
            "version",
            "clear_mobile",
        ],
        f"/people/{p}/relations/": ["direction", "kind", "other"],
        f"/people/{p}/relations/999/remove/": [],
        f"/people/{p}/groups/": ["group", "start_date"],
        f"/people/{p}/groups/999/end/": [],
        f"/people/{p}/consents/": ["purpose", "given_on", "given_by", "guardian", "separate", "data_scope"],
        f"/people/{p}/consents/{consent.pk}/withdraw/": ["note"],
        f"/people/{p}/household/": ["household", "leave", "name"],
        f"/people/{p}/visits/new/": [
            "kind",
            "visit_date",
            "visitors",
            "need_category",
            "action_owner",
            "action_due",
            "action_description",
            "photos",
        ],
        f"/people/visits/{visit.pk}/actions/": ["description", "owner", "due_date"],
        "/people/visits/actions/999/done/": [],
        "/people/visits/needs/999/status/": ["status"],
        "/people/groups/": ["name", "toggle", "sort_order"],
        "/people/visits/plans/": ["name", "group", "region", "interval_days", "toggle", "kind"],
        "/people/export/": ["full", "reason"],
        f"/people/{p}/erase/": ["reason", "confirm"],
        "/people/import/": ["file"],
    }
    gets = [
        "/people/visits/calendar/?month=abc",
        "/people/visits/calendar/?year=99999&month=13",
        "/people/visits/calendar/?month=2026-13",
        "/people/?page=abc",
        "/people/?page=-1",
        "/people/?age_band=zzz",
        "/people/visits/overdue/?page=99999",
        "/api/people/?offset=-5&limit=100000",
        "/api/people/visits/calendar?start=2026-01-01&end=2025-01-01",
        "/api/people/visits/calendar?start=abc&end=2025-01-01",
        "/api/people/visits/overdue?limit=-1",
        "/people/import/abc/",
        "/people/import/999/check.xlsx",
        "/api/people/households/abc",
        "/api/people/99999999999999999999",
    ]
    fails = []
    for url in gets:
        r = client.get(url)
        if r.status_code >= 500:
            fails.append(("GET", url, r.status_code))
    for url, fields in urls.items():
        for bad in BAD:
            data = {f: bad for f in fields}
            r = client.post(url, data)
            if r.status_code >= 500:
                fails.append((url, bad, r.status_code))

    for body in ["{", "[]", '{"name": 5, "village_code": []}', '{"q": null}', '"x"']:
        for url in ("/api/people/", "/api/people/search"):
            r = client.post(url, body, content_type="application/json")
            if r.status_code >= 500:
                fails.append((url, body, r.status_code))
    assert not fails, fails
