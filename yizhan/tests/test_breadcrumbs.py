"""Every signed-in page has one way up (templates/_breadcrumbs.html by default, or the page's own longer trail), with
parents as links; the home page has none."""

import re

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import PersonFactory


def crumbs(client, url) -> list[str]:
    html = client.get(url).content.decode()
    navs = re.findall(r'<nav class="breadcrumb".*?</nav>', html, re.S)
    assert len(navs) == 1, (url, len(navs))
    return re.findall(r"<li>(.*?)</li>", navs[0], re.S)


def test_one_breadcrumb_per_page_with_parents_as_links(world, client_for):
    n = build_network(world)
    with scopes_disabled():
        person = PersonFactory(name="周晓梅")
        row = AuditLog.all_objects.create(action=AuditLog.Action.UPDATE, region_code="330109113", target_repr="x")
    admin = client_for(world.users["town_admin"])
    home = '<a href="/accounts/home/">首页</a>'
    assert crumbs(admin, f"/people/{person.pk}/") == [home, '<a href="/people/">居民</a>']
    assert crumbs(admin, "/people/") == [home]
    hours = crumbs(admin, f"/stations/{n.station.pk}/hours/")
    assert hours[0] == '<a href="/stations/">驿站</a>'
    assert hours[-1] == "开放时间"
    assert crumbs(admin, f"/audit/{row.pk}/")[0].startswith('<a href="/audit/">')
    assert 'class="breadcrumb"' not in admin.get("/accounts/home/").content.decode()
    assert crumbs(client_for(None), f"/public/stations/{n.station.pk}/")[0].startswith('<a href="/public/">')
