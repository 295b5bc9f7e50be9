from datetime import timedelta

from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people import selectors
from yizhan.people.models import FollowUpAction, ScheduledVisit, TargetGroup, VisitPlan

from .helpers import longyuan_person


def _schedule(person, days):
    """A visit due ``days`` from today, under a plan of its own (one open due visit per plan and person)."""
    plan = VisitPlan.all_objects.create(
        name=f"计划{days}",
        group=TargetGroup.objects.first(),
        region=person.region,
        created_by=User.all_objects.filter(username="town_admin").first(),
    )
    return ScheduledVisit.all_objects.create(
        plan=plan, person=person, due_date=timezone.localdate() + timedelta(days=days)
    )


def test_home_figures_count_the_days_work_in_scope(world):
    person = longyuan_person(world)
    manager = world.users["station_manager"]
    with scopes_disabled():
        for days in (-10, -1, 0, 6, 7, 30):
            _schedule(person, days)
        visit = person.visits.first()
        FollowUpAction.all_objects.create(
            visit=visit, description="送米", owner=manager, due_date=timezone.localdate() - timedelta(days=1)
        )
        FollowUpAction.all_objects.create(
            visit=visit, description="回访", owner=manager, due_date=timezone.localdate() + timedelta(days=3)
        )
    with scope_for(manager):
        figures = selectors.home_figures(manager)
    assert figures == {"overdue": 2, "this_week": 2, "mine": 2, "mine_overdue": 1}
    with scope_for(world.users["other_station_manager"]):  # another village: none of these
        assert selectors.home_figures(world.users["other_station_manager"]) == {
            "overdue": 0,
            "this_week": 0,
            "mine": 0,
            "mine_overdue": 0,
        }


def test_home_page_shows_the_panels_a_role_uses(world, client_for):
    person = longyuan_person(world)
    with scopes_disabled():
        _schedule(person, -3)
    manager_home = client_for(world.users["station_manager"]).get("/accounts/home/")
    html = manager_home.content.decode()
    assert 'data-testid="residents-figures"' in html
    assert "/people/visits/overdue/" in html
    assert "/people/new/" in html
    assert 'data-testid="coverage-figures"' not in html  # coverage is the federation's
    admin_html = client_for(world.users["town_admin"]).get("/accounts/home/").content.decode()
    assert 'data-testid="coverage-figures"' in admin_html
    assert admin_html.index('data-testid="coverage-figures"') < admin_html.index('data-testid="residents-figures"')
    volunteer_html = client_for(world.users["volunteer"]).get("/accounts/home/").content.decode()
    assert 'data-testid="residents-figures"' not in volunteer_html
