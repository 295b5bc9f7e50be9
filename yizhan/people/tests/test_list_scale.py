"""The residents list costs its page (issue 12): the count stops at the cap and says so, the order is village then
pinyin name, and the village code the scope and the order read (``Person.region_code``) follows the person."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people import selectors, services
from yizhan.people.models import Person, ScheduledVisit, TargetGroup, Visit, VisitPlan
from yizhan.tests.factories import PersonFactory

from .helpers import bulk_people
from .test_views import PERSON_LIST_QUERIES


@override_settings(PAGE_COUNT_CAP=20)
@pytest.mark.parametrize("count", [10, 60])
def test_the_list_costs_the_same_below_and_above_the_cap(world, client_for, django_assert_num_queries, count):
    bulk_people(world, count)
    client = client_for(world.users["town_admin"])
    client.get("/people/")
    with django_assert_num_queries(PERSON_LIST_QUERIES):
        response = client.get("/people/")
    html = response.content.decode()
    if count < 20:
        assert "10 位居民" in html
        assert "超过" not in html
    else:
        assert "超过 20 位居民（不再计数）" in html
        assert "超过 20 条（不再计数）" in html


@override_settings(PAGE_COUNT_CAP=20)
def test_above_the_cap_next_pages_work_and_no_last_page_is_offered(world, client_for, settings):
    settings.PAGE_SIZE = 10
    bulk_people(world, 45)
    client = client_for(world.users["town_admin"])
    first = client.get("/people/").content.decode()
    assert re.findall(r">(\d+)</a></li>", first) == ["1", "2"]  # the current page and the next; no last page (5)
    assert 'href="?page=2" rel="next"' in first
    last = client.get("/people/?page=5")
    assert len(last.context["page"].object_list) == 5
    assert 'rel="next"' not in last.content.decode()
    assert last.context["page"].paginator.exact is False


def test_the_list_is_ordered_by_village_then_pinyin_name(world):
    with scopes_disabled():
        for name, code in [("张丽", "330109113002"), ("王芳", "330109113001"), ("安琪", "330109113002")]:
            PersonFactory(name=name, region=world.regions[code])
        PersonFactory(name="陈静", region=world.regions["330109113001"])
    with scope_for(world.users["town_admin"]):
        names = [p.name for p in selectors.person_list()]
    assert names == ["陈静", "王芳", "安琪", "张丽"]


def test_the_village_code_follows_a_person_who_moves(world):
    with scopes_disabled():
        person = PersonFactory(name="王芳", region=world.regions["330109113001"])
    assert Person.all_objects.get(pk=person.pk).region_code == "330109113001"
    admin = world.users["town_admin"]
    with scope_for(admin):
        loaded = Person.objects.get(pk=person.pk)
        services.person_update(person=loaded, changed_by=admin, version=1, region=world.regions["330109113002"])
        assert [p.pk for p in selectors.person_list(village="330109113002")] == [person.pk]
        assert list(selectors.person_list(village="330109113001")) == []
    assert Person.all_objects.get(pk=person.pk).region_code == "330109113002"
    # The station manager of the old village no longer sees her; the one of the new village would.
    with scope_for(world.users["station_manager"]):
        assert not Person.objects.filter(pk=person.pk).exists()


def test_bulk_creation_fills_the_village_code(world):
    with scopes_disabled():
        made = Person.all_objects.bulk_create(
            [
                Person(name="甲", region=world.regions["330109113001"]),
                Person(name="乙", region_id=world.regions["330109113002"].pk),
            ]
        )
        assert [Person.all_objects.get(pk=p.pk).region_code for p in made] == ["330109113001", "330109113002"]


@override_settings(PAGE_COUNT_CAP=20)
@pytest.mark.parametrize("count", [10, 60])
def test_overdue_visits_cost_the_same_below_and_above_the_cap(world, client_for, django_assert_num_queries, count):
    bulk_people(world, count)
    today = timezone.localdate()
    with scopes_disabled():
        plan = VisitPlan.all_objects.create(
            name="每月走访", group=TargetGroup.objects.get(code="single_mothers"), region=world.regions["330109113001"]
        )
        ScheduledVisit.all_objects.bulk_create(
            ScheduledVisit(plan=plan, person=p, due_date=today - timedelta(days=1 + n % 30))
            for n, p in enumerate(Person.all_objects.filter(region_code="330109113001"))
        )
    client = client_for(world.users["town_admin"])
    client.get("/people/visits/overdue/")
    with django_assert_num_queries(OVERDUE_QUERIES):
        response = client.get("/people/visits/overdue/")
    page = response.context["visits"]
    assert len(page.object_list) == min(count, 50)
    assert page.paginator.exact is (count <= 20)
    due = [v.due_date for v in page.object_list]
    assert due == sorted(due)


OVERDUE_QUERIES = 9  # no village options since the remote picker


@pytest.mark.parametrize("plans", [3, 60])
def test_the_visit_plans_page_is_a_page_of_plans_at_any_number(world, client_for, settings, plans):
    settings.PAGE_SIZE = 20
    with scopes_disabled():
        group = TargetGroup.all_objects.first()
        VisitPlan.all_objects.bulk_create(
            [VisitPlan(name=f"计划{n:02d}", group=group, region=world.regions["330109113"]) for n in range(plans)]
        )
    client = client_for(world.users["town_admin"])
    client.get("/people/visits/plans/")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/people/visits/plans/").content.decode()
    assert html.count('data-testid="plan"') == min(plans, 20)
    assert len(ctx.captured_queries) == 10  # the same at both numbers of plans
    assert ("?page=2" in html) is (plans > 20)


def test_her_visits_keep_her_village_code_and_move_with_her(world):
    today = timezone.localdate()
    with scopes_disabled():
        person = PersonFactory(name="李红", region=world.regions["330109113001"])
        plan = VisitPlan.all_objects.create(
            name="每月走访", group=TargetGroup.objects.get(code="single_mothers"), region=world.regions["330109113"]
        )
        due = ScheduledVisit.all_objects.create(plan=plan, person_id=person.pk, due_date=today)  # by id: looked up
        done = Visit.all_objects.create(person=person, visit_date=today)
        other = VisitPlan.all_objects.create(
            name="季度走访", group=TargetGroup.objects.get(code="single_mothers"), region=world.regions["330109113"]
        )
        bulk = ScheduledVisit.all_objects.bulk_create([ScheduledVisit(plan=other, person_id=person.pk, due_date=today)])
        rows = [ScheduledVisit.all_objects.get(pk=due.pk), Visit.all_objects.get(pk=done.pk)]
        rows.append(ScheduledVisit.all_objects.get(pk=bulk[0].pk))
        assert [r.region_code for r in rows] == ["330109113001"] * 3
    admin = world.users["town_admin"]
    with scope_for(admin):
        services.person_update(
            person=Person.objects.get(pk=person.pk), changed_by=admin, version=1, region=world.regions["330109113002"]
        )
    with scopes_disabled():
        assert set(ScheduledVisit.all_objects.filter(person=person).values_list("region_code", flat=True)) == {
            "330109113002"
        }
        assert Visit.all_objects.get(pk=done.pk).region_code == "330109113002"
    # the old village's station manager no longer sees them; the new village's does
    with scope_for(world.users["station_manager"]):
        assert not ScheduledVisit.objects.filter(person=person).exists()
        assert not Visit.objects.filter(pk=done.pk).exists()
    with scope_for(admin):
        assert ScheduledVisit.objects.filter(person=person).count() == 2
