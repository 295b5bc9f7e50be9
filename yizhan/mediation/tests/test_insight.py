"""The overview of mediation cases (selectors_insight, views/insight, services/lookup): the work queue on the home
page, the early-warning list (each kind), the statistics (each breakdown with known data) and their Excel download,
the registry picker of intake (scope, audit, rate limit, bad input), the API; query counts pinned."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation import selectors_insight as insight
from yizhan.mediation.models import Case, CaseMember, CaseNumberCounter, CaseParty, DisputeType, Studio, StudioMember
from yizhan.mediation.tests.network import build_studio_network
from yizhan.people.models import Household
from yizhan.regions.models import Region
from yizhan.stations.tests.network import count_queries
from yizhan.tests.factories import PersonFactory, make_studio

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def net(world):
    return build_studio_network(world)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) time on ``day``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def add_case(
    w,
    *,
    studio=None,
    status=Case.Status.ACCEPTED,
    received_on=None,
    accepted_on=None,
    accepted_hour=10,
    closed_on=None,
    source=Case.Source.WALK_IN,
    dispute="child_support",
    limit=30,
    lead=None,
    advisor=False,
    parties=(),
):
    """A case made directly (scopes disabled): dates as given, ``parties`` as (name, mobile, person) tuples."""
    with scopes_disabled():
        studio = studio or build_studio_network(w).studio
        received_on = received_on or timezone.localdate()
        counter, _ = CaseNumberCounter.all_objects.get_or_create(studio=studio, year=received_on.year)
        counter.last += 1
        counter.save()
        if accepted_on is None and status != Case.Status.INTAKE and status != Case.Status.NOT_ACCEPTED:
            accepted_on = received_on
        case = Case.all_objects.create(
            studio=studio,
            number=studio.case_number_format.format(year=received_on.year, seq=counter.last),
            year=received_on.year,
            sequence=counter.last,
            source=source,
            dispute_type=DisputeType.objects.get(code=dispute),
            narrative="案情",
            status=status,
            received_on=received_on,
            accepted_at=at(accepted_on, accepted_hour) if accepted_on else None,
            closed_at=at(closed_on, 16) if closed_on else None,
            time_limit_days=limit,
            created_by=w.users["mediator"],
            lead=lead,
        )
        for role, (name, mobile, person) in zip(("applicant", "respondent", "other"), parties, strict=False):
            CaseParty.all_objects.create(case=case, role=role, name=name, mobile=mobile, person=person)
        if lead is not None:
            member = StudioMember.all_objects.get(studio=studio, user=lead)
            CaseMember.all_objects.create(case=case, member=member, role=CaseMember.Role.LEAD)
        if advisor:
            lawyer = StudioMember.all_objects.get(studio=studio, user=w.users["advisor"])
            CaseMember.all_objects.create(case=case, member=lawyer, role=CaseMember.Role.ADVISOR)
    return case


def _today():
    return timezone.localdate()


# --- deadlines in SQL ----------------------------------------------------------------------------------------------


def test_deadline_in_sql_matches_case_deadline_late_at_night_too(net, world):
    today = _today()
    cases = [
        add_case(world, received_on=today - timedelta(days=40), accepted_on=today - timedelta(days=35)),
        add_case(world, received_on=today - timedelta(days=3), accepted_on=today - timedelta(days=3), limit=7),
        # accepted at 23:30 local time (15:30 UTC): the local date counts
        add_case(
            world, received_on=today - timedelta(days=10), accepted_on=today - timedelta(days=10), accepted_hour=23
        ),
        add_case(world, accepted_on=today - timedelta(days=1), accepted_hour=0, limit=1),
    ]
    with scopes_disabled():
        rows = {c.pk: c for c in insight.with_deadlines(Case.all_objects.all(), today)}
    for case in cases:
        with scopes_disabled():
            stored = Case.all_objects.get(pk=case.pk)
        assert rows[case.pk].days_left == (stored.deadline - today).days
    assert rows[cases[0].pk].days_left == -5
    assert rows[cases[1].pk].days_left == 4
    assert rows[cases[2].pk].days_left == 20
    assert rows[cases[3].pk].days_left == 0


# --- early warning ----------------------------------------------------------------------------------------------------


def _kinds(user, **kwargs):
    with scope_for(user):
        return {group.code: group.rows for group in insight.case_warnings(**kwargs)}


def test_overdue_and_near_deadline_warnings(net, world):
    today = _today()
    late = add_case(world, accepted_on=today - timedelta(days=33))  # 3 days overdue
    due_today = add_case(world, accepted_on=today - timedelta(days=30))  # 0 days left
    soon = add_case(world, accepted_on=today - timedelta(days=25))  # 5 days left
    add_case(world, accepted_on=today - timedelta(days=24))  # 6 days left: no warning
    add_case(world, status=Case.Status.AGREEMENT, accepted_on=today - timedelta(days=60), closed_on=today)  # closed
    kinds = _kinds(world.users["mediator"])
    assert [(r.case.pk, r.days) for r in kinds["overdue"]] == [(late.pk, 3)]
    assert [(r.case.pk, r.days) for r in kinds["near_deadline"]] == [(due_today.pk, 0), (soon.pk, 5)]
    town = _kinds(world.users["town_admin"])
    assert [r.case.pk for r in town["overdue"]] == [late.pk]
    assert _kinds(world.users["other_town_admin"])["overdue"] == []


def test_repeat_disputes_by_mobile_person_and_household(net, world):
    today = _today()
    with scopes_disabled():
        village = Region.all_objects.get(code="330109113003")
        household = Household.all_objects.create(region=village)
        mother = PersonFactory(region=village, household=household, name="王秀兰")
        son = PersonFactory(region=village, household=household, name="陈刚")
        person = PersonFactory(region=village, name="赵丽")
    # by mobile (blind index): an earlier case 100 days before
    first = add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=today - timedelta(days=100),
        closed_on=today - timedelta(days=80),
        parties=[("李秀英", "13912345678", None)],
    )
    by_mobile = add_case(world, status=Case.Status.INTAKE, parties=[("李秀英", "13912345678", None)])
    # by registry person
    before_person = add_case(
        world,
        status=Case.Status.WITHDRAWN,
        received_on=today - timedelta(days=200),
        closed_on=today - timedelta(days=190),
        parties=[("赵丽", "", person)],
    )
    by_person = add_case(world, parties=[("赵丽", "", person)])
    # by household: the son's case, then the mother's
    before_household = add_case(
        world,
        status=Case.Status.NO_AGREEMENT,
        received_on=today - timedelta(days=30),
        closed_on=today - timedelta(days=5),
        parties=[("陈刚", "", son)],
    )
    by_household = add_case(world, status=Case.Status.INTAKE, parties=[("王秀兰", "", mother)])
    # outside the window (400 days > 365): no warning
    add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=today - timedelta(days=400),
        closed_on=today - timedelta(days=390),
        parties=[("孙梅", "13700001111", None)],
    )
    add_case(world, status=Case.Status.INTAKE, parties=[("孙梅", "13700001111", None)])
    # two parties without a mobile number are not "the same" (empty blind index)
    add_case(world, status=Case.Status.INTAKE, parties=[("甲", "", None)])
    add_case(world, status=Case.Status.INTAKE, parties=[("乙", "", None)])
    rows = _kinds(world.users["mediator"])["repeat"]
    assert {r.case.pk: r.detail for r in rows} == {
        by_mobile.pk: first.number,
        by_person.pk: before_person.number,
        by_household.pk: before_household.number,
    }
    # a shorter window at the studio drops the 200-day and 100-day repeats
    with scopes_disabled():
        Studio.all_objects.filter(pk=net.studio.pk).update(repeat_window_days=60)
    assert {r.case.pk for r in _kinds(world.users["mediator"])["repeat"]} == {by_household.pk}
    assert _kinds(world.users["other_town_admin"])["repeat"] == []


def test_repeat_disputes_name_the_earlier_case(net, world):
    today = _today()
    earlier = add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=today - timedelta(days=10),
        closed_on=today - timedelta(days=2),
        parties=[("李秀英", "13912345678", None)],
    )
    later = add_case(world, status=Case.Status.INTAKE, parties=[("李秀英", "139 1234 5678", None)])
    rows = _kinds(world.users["town_admin"], kinds=["repeat"])["repeat"]
    assert [(r.case.pk, r.detail) for r in rows] == [(later.pk, earlier.number)]


def test_warnings_page_and_query_count_do_not_grow(net, world, client_for):
    today = _today()
    client = client_for(world.users["mediator"])
    add_case(world, accepted_on=today - timedelta(days=40), parties=[("李秀英", "13912345678", None)])
    add_case(world, status=Case.Status.INTAKE, parties=[("李秀英", "13912345678", None)])
    small = count_queries(client, "/stations/studios/cases/warnings/")
    for n in range(15):
        add_case(world, accepted_on=today - timedelta(days=31 + n), parties=[("李秀英", "13912345678", None)])
    assert count_queries(client, "/stations/studios/cases/warnings/") == small
    html = client.get("/stations/studios/cases/warnings/").content.decode()
    assert html.count('data-testid="warning-row"') == 16 + 16  # 16 overdue; 16 repeats (all but the first)
    assert "逾期" in html


# --- the work queue ---------------------------------------------------------------------------------------------------


def _queue(user):
    with scope_for(user):
        return insight.my_queue(user)


def test_queue_of_the_mediator_advisor_and_admins(net, world):
    today = _today()
    mediator, advisor = world.users["mediator"], world.users["advisor"]
    waiting_old = add_case(world, status=Case.Status.INTAKE, received_on=today - timedelta(days=3))
    waiting_new = add_case(world, status=Case.Status.INTAKE)
    relaxed = add_case(world, accepted_on=today - timedelta(days=2), lead=mediator)
    overdue = add_case(world, accepted_on=today - timedelta(days=40), lead=mediator, advisor=True)
    near = add_case(world, accepted_on=today - timedelta(days=27), lead=mediator)
    not_mine = add_case(world, accepted_on=today - timedelta(days=29))  # nobody leads it yet
    add_case(
        world, status=Case.Status.AGREEMENT, accepted_on=today - timedelta(days=50), closed_on=today, lead=mediator
    )

    q = _queue(mediator)
    assert q.is_mediator
    assert not q.is_admin
    assert [c.pk for c in q.awaiting_intake] == [waiting_old.pk, waiting_new.pk]
    assert [(c.pk, c.days_left) for c in q.mine] == [(overdue.pk, -10), (near.pk, 3), (relaxed.pk, 28)]
    assert q.mine[0].overdue_days == 10

    q = _queue(advisor)
    assert not q.is_mediator
    assert q.awaiting_intake == []
    assert [c.pk for c in q.mine] == [overdue.pk]  # only the case she is on

    q = _queue(world.users["town_admin"])
    assert q.is_admin
    assert (q.region_overdue, q.region_near) == (1, 2)
    assert [c.pk for c in q.region_cases] == [overdue.pk, not_mine.pk, near.pk]
    q = _queue(world.users["other_town_admin"])
    assert (q.region_overdue, q.region_near, q.region_cases) == (0, 0, [])


def test_home_shows_the_queue_with_a_fixed_query_count(net, world, client_for):
    today = _today()
    mediator = world.users["mediator"]
    client = client_for(mediator)
    add_case(world, status=Case.Status.INTAKE)
    add_case(world, accepted_on=today - timedelta(days=40), lead=mediator)
    small = count_queries(client, "/accounts/home/")
    for n in range(12):
        add_case(world, status=Case.Status.INTAKE)
        add_case(world, accepted_on=today - timedelta(days=n), lead=mediator)
    assert count_queries(client, "/accounts/home/") == small
    html = client.get("/accounts/home/").content.decode()
    assert "我的案件" in html
    assert html.count('data-testid="queue-case"') == 13
    assert 'data-testid="overdue"' in html
    advisor_html = client_for(world.users["advisor"]).get("/accounts/home/").content.decode()
    assert "我的案件" in advisor_html
    assert 'data-testid="queue-case"' not in advisor_html
    admin_html = client_for(world.users["town_admin"]).get("/accounts/home/").content.decode()
    assert 'data-testid="queue-region-counts"' in admin_html
    assert "我的案件" not in client_for(world.users["volunteer"]).get("/accounts/home/").content.decode()


# --- statistics -------------------------------------------------------------------------------------------------------

YEAR = 2025


def _known_cases(world):
    """Eight cases of 2025 at 东灵 and one at another studio of the town, one of 2024."""
    d = date
    add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=d(YEAR, 1, 5),
        accepted_on=d(YEAR, 1, 6),
        closed_on=d(YEAR, 1, 16),
        dispute="divorce",
    )  # 10 days
    add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=d(YEAR, 1, 20),
        accepted_on=d(YEAR, 1, 20),
        closed_on=d(YEAR, 3, 1),
        dispute="divorce",
        source=Case.Source.COURT,
    )  # 40 days: overdue
    add_case(
        world,
        status=Case.Status.NO_AGREEMENT,
        received_on=d(YEAR, 3, 2),
        accepted_on=d(YEAR, 3, 2),
        closed_on=d(YEAR, 3, 22),
        source=Case.Source.HOTLINE,
    )  # 20 days
    add_case(
        world,
        status=Case.Status.WITHDRAWN,
        received_on=d(YEAR, 3, 9),
        accepted_on=d(YEAR, 3, 10),
        closed_on=d(YEAR, 3, 10),
        dispute="elder_support",
        source=Case.Source.HOTLINE,
    )  # 0 days
    add_case(world, status=Case.Status.NOT_ACCEPTED, received_on=d(YEAR, 6, 1), closed_on=d(YEAR, 6, 2))
    add_case(world, status=Case.Status.ACCEPTED, received_on=d(YEAR, 11, 1), accepted_on=d(YEAR, 11, 1))  # overdue
    add_case(world, status=Case.Status.INTAKE, received_on=d(YEAR, 12, 30), source=Case.Source.POLICE)
    add_case(
        world,
        status=Case.Status.AGREEMENT,
        received_on=d(YEAR - 1, 12, 1),
        accepted_on=d(YEAR - 1, 12, 1),
        closed_on=d(YEAR - 1, 12, 11),
    )
    with scopes_disabled():
        other = make_studio(Region.all_objects.get(code="330109113001"), brand_name="隆园调解")
    add_case(
        world,
        studio=other,
        status=Case.Status.AGREEMENT,
        received_on=d(YEAR, 5, 5),
        accepted_on=d(YEAR, 5, 5),
        closed_on=d(YEAR, 5, 7),
        dispute="divorce",
    )  # 2 days
    return other


def _stats(user, **kwargs):
    with scope_for(user):
        return insight.case_statistics(**kwargs)


def test_statistics_of_the_studio_with_known_figures(net, world):
    _known_cases(world)
    s = _stats(world.users["mediator"], year=YEAR)
    assert s.total == 7
    assert (s.closed, s.agreements) == (4, 2)
    assert s.success_rate == 0.5
    assert s.average_days == 17.5  # (10 + 40 + 20 + 0) / 4
    assert s.overdue == 2
    assert [r["count"] for r in s.by_month] == [2, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1, 1]
    assert [(r["code"], r["count"]) for r in s.by_type] == [("child_support", 4), ("divorce", 2), ("elder_support", 1)]
    sources = {r["code"]: r["count"] for r in s.by_source}
    assert (sources["walk_in"], sources["court"], sources["hotline_12338"], sources["police"]) == (3, 1, 2, 1)
    assert sum(sources.values()) == 7
    outcomes = {r["code"]: r["count"] for r in s.by_outcome}
    assert outcomes == {
        "intake": 1,
        "accepted": 1,
        "agreement": 2,
        "no_agreement": 1,
        "withdrawn": 1,
        "not_accepted": 1,
    }
    assert [(r["count"], r["agreements"], r["closed"]) for r in s.by_studio] == [(7, 2, 4)]
    # all years: by year
    s = _stats(world.users["mediator"])
    assert s.total == 8
    assert [(r["month"], r["count"]) for r in s.by_month] == [(YEAR - 1, 1), (YEAR, 7)]


def test_statistics_of_the_town_and_by_studio(net, world):
    other = _known_cases(world)
    s = _stats(world.users["town_admin"], year=YEAR)
    assert s.total == 8
    assert (s.closed, s.agreements) == (5, 3)
    assert s.average_days == 14.4  # (10 + 40 + 20 + 0 + 2) / 5
    assert {r["name"]: r["count"] for r in s.by_studio} == {net.studio.name: 7, other.name: 1}
    with scopes_disabled():
        studio = Studio.all_objects.get(pk=other.pk)
    s = _stats(world.users["district_admin"], year=YEAR, studio=studio)
    assert (s.total, s.agreements, s.closed) == (1, 1, 1)
    assert _stats(world.users["other_town_admin"], year=YEAR).total == 0


def test_statistics_page_export_and_query_count(net, world, client_for):
    client = client_for(world.users["town_admin"])
    url = f"/stations/studios/cases/statistics/?year={YEAR}"
    add_case(world, status=Case.Status.AGREEMENT, received_on=date(YEAR, 2, 1), closed_on=date(YEAR, 2, 3))
    small = count_queries(client, url)
    _known_cases(world)
    assert count_queries(client, url) == small
    html = client.get(url).content.decode()
    assert 'data-testid="stat-total">9<' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "mediation/insight_statistics.js" in html
    assert 'data-testid="table-month"' in html
    assert 'data-testid="table-studio"' in html
    response = client.get(f"/stations/studios/cases/statistics.xlsx?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(response)))
    summary = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(values_only=True)}
    assert summary["案件数"] == 9
    assert summary["调解成功率"] == round(4 / 6, 4)
    assert summary["逾期"] == 2
    by_type = wb.worksheets[2]
    assert {r[0]: r[1] for r in by_type.iter_rows(min_row=2, values_only=True)}["离婚"] == 3
    with scopes_disabled():
        assert AuditLog.all_objects.filter(action=AuditLog.Action.EXPORT, actor=world.users["town_admin"]).count() == 1


def test_statistics_bad_filters_and_who_may_see_them(net, world, client_for):
    client = client_for(world.users["mediator"])
    assert client.get("/stations/studios/cases/statistics/?year=abc").status_code == 400
    assert client.get("/stations/studios/cases/statistics/?studio=999999").status_code == 400
    assert client.get("/stations/studios/cases/statistics.xlsx?year=1").status_code == 400
    assert client_for(world.users["advisor"]).get("/stations/studios/cases/statistics/").status_code == 403
    assert client_for(world.users["advisor"]).get("/stations/studios/cases/warnings/").status_code == 403
    assert client_for(world.users["volunteer"]).get("/api/cases/overview/statistics").status_code == 403


# --- API --------------------------------------------------------------------------------------------------------------


def test_api_queue_warnings_and_statistics(net, world, client_for):
    today = _today()
    mediator = world.users["mediator"]
    late = add_case(world, accepted_on=today - timedelta(days=31), lead=mediator, advisor=True)
    add_case(world, status=Case.Status.INTAKE)
    client = client_for(mediator)
    queue = client.get("/api/cases/overview/queue").json()
    assert [c["id"] for c in queue["mine"]] == [late.pk]
    assert queue["mine"][0]["days_left"] == -1
    assert len(queue["awaiting_intake"]) == 1
    assert queue["is_mediator"] is True
    warnings = {g["code"]: g for g in client.get("/api/cases/overview/warnings").json()}
    assert [r["case"]["id"] for r in warnings["overdue"]["rows"]] == [late.pk]
    assert warnings["overdue"]["rows"][0]["days"] == 1
    stats = client.get(f"/api/cases/overview/statistics?year={today.year}").json()
    assert stats["total"] == 2
    assert stats["overdue"] == 1
    assert stats["year"] == today.year
    assert len(stats["by_month"]) == 12
    assert client.get("/api/cases/overview/statistics?year=99").status_code == 422
    assert client.get("/api/cases/overview/statistics?studio=999999").status_code == 400
    advisor = client_for(world.users["advisor"])
    assert [c["id"] for c in advisor.get("/api/cases/overview/queue").json()["mine"]] == [late.pk]
    assert advisor.get("/api/cases/overview/warnings").status_code == 403


def test_queue_and_statistics_api_query_counts_do_not_grow(net, world, client_for):
    mediator = world.users["mediator"]
    client = client_for(mediator)
    today = _today()
    add_case(world, accepted_on=today - timedelta(days=3), lead=mediator)
    counts = [
        count_queries(client, "/api/cases/overview/queue"),
        count_queries(client, "/api/cases/overview/statistics"),
    ]
    for n in range(10):
        add_case(world, accepted_on=today - timedelta(days=n), lead=mediator, dispute="divorce")
    assert [
        count_queries(client, "/api/cases/overview/queue"),
        count_queries(client, "/api/cases/overview/statistics"),
    ] == counts


# --- the registry picker at intake ----------------------------------------------------------------------------------


@pytest.fixture
def residents(net):
    with scopes_disabled():
        village = Region.all_objects.get(code="330109113003")
        elsewhere = Region.all_objects.get(code="330109113001")
        here = PersonFactory(region=village, name="李秀英", mobile="13912345678", birth_date=date(1990, 5, 1))
        there = PersonFactory(region=elsewhere, name="周敏", mobile="13612345678")
        gone = PersonFactory(region=village, name="吴芳", mobile="13512345678")
        gone.anonymised_at = timezone.now()
        gone.save()
    return here, there, gone


def _lookup(client, studio, number, party="applicant", **extra):
    return client.post(
        f"/stations/studios/{studio.pk}/cases/new/",
        {"lookup": party, f"{party}_lookup_number": number, "narrative": "婆媳矛盾", "applicant_name": "李", **extra},
    )


def _lookups():
    with scopes_disabled():
        return list(AuditLog.all_objects.filter(field="registry_lookup").order_by("pk"))


def test_lookup_by_full_mobile_or_id_shows_masked_card_and_is_audited(net, world, client_for, residents):
    here, _there, _gone = residents
    client = client_for(world.users["mediator"])
    response = _lookup(client, net.studio, "139 1234 5678")
    assert response.status_code == 200
    html = response.content.decode()
    assert "李**" in html
    assert "东灵社区" in html
    assert f"{here.age}" in html
    assert "13912345678" not in html  # the number is not echoed back
    assert "婆媳矛盾" in html  # what was typed is kept
    [row] = _lookups()
    assert (row.actor, row.action, row.target_type, row.target_id) == (
        world.users["mediator"],
        AuditLog.Action.REVEAL,
        "people.person",
        str(here.pk),
    )
    assert row.changes["by"] == "mobile"
    assert row.changes["studio"] == net.studio.pk
    assert net.studio.display_name in row.reason
    with scopes_disabled():
        id_number = here.id_number
    html = _lookup(client, net.studio, id_number.lower(), party="respondent").content.decode()
    assert 'data-testid="lookup-match"' in html
    assert _lookups()[-1].changes["by"] == "id_number"


@pytest.mark.parametrize("number", ["1391234", "5678", "139****5678", "abc", "13912345678901", "3301091990"])
def test_partial_or_malformed_numbers_are_refused_without_a_lookup(net, world, client_for, residents, number):
    response = _lookup(client_for(world.users["mediator"]), net.studio, number)
    assert response.status_code == 400
    assert "完整" in response.content.decode()
    assert _lookups() == []


def test_residents_elsewhere_and_anonymised_people_are_not_found_alike(net, world, client_for, residents):
    client = client_for(world.users["mediator"])
    answers = []
    for number in ("13612345678", "13512345678", "13012345678"):  # another village, anonymised, nobody
        response = _lookup(client, net.studio, number)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="lookup-none"' in html
        assert "周*" not in html
        assert "吴*" not in html
        answers.append(html.split('data-testid="lookup-none"')[1][:200])
    assert len(set(answers)) == 1
    rows = _lookups()
    assert len(rows) == 3
    assert all(r.target_type == "mediation.studio" and r.changes["found"] == 0 for r in rows)


def test_only_the_studio_mediator_may_look_up(net, world, client_for, residents):
    assert _lookup(client_for(world.users["advisor"]), net.studio, "13912345678").status_code == 403
    assert _lookup(client_for(world.users["town_admin"]), net.studio, "13912345678").status_code == 403
    api = client_for(world.users["advisor"]).post(
        "/api/cases/overview/registry-lookup",
        {"studio": net.studio.pk, "number": "13912345678"},
        content_type="application/json",
    )
    assert api.status_code == 403
    assert _lookups() == []


def test_lookups_are_rate_limited_per_user(net, world, client_for, residents, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "registry_lookup": "3/hour"}
    client = client_for(world.users["mediator"])
    assert [_lookup(client, net.studio, "13912345678").status_code for _ in range(3)] == [200, 200, 200]
    response = _lookup(client, net.studio, "13912345678")
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    api = client.post(
        "/api/cases/overview/registry-lookup",
        {"studio": net.studio.pk, "number": "13912345678"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert "Retry-After" in api
    assert len(_lookups()) == 3


def test_the_lookup_links_the_party_at_intake(net, world, client_for, residents):
    here = residents[0]
    client = client_for(world.users["mediator"])
    html = _lookup(client, net.studio, "13912345678").content.decode()
    token = html.split('name="applicant_person" value="')[1].split('"')[0]
    with scopes_disabled():
        divorce = DisputeType.objects.get(code="divorce").pk
    form = {
        "source": "walk_in",
        "dispute_type": divorce,
        "narrative": "婆媳矛盾",
        "applicant_name": "李秀英",
        "applicant_person": token,
    }
    response = client.post(f"/stations/studios/{net.studio.pk}/cases/new/", form)
    assert response.status_code == 302
    with scopes_disabled():
        party = CaseParty.all_objects.get(role="applicant")
    assert party.person_id == here.pk
    assert party.mobile == "13912345678"
    # a token of another user, or forged, is refused and nothing is saved
    other = client_for(world.users["district_admin"])
    assert other.post(f"/stations/studios/{net.studio.pk}/cases/new/", form).status_code == 403
    forged = {**form, "applicant_person": token[:-3] + "abc"}
    response = client.post(f"/stations/studios/{net.studio.pk}/cases/new/", forged)
    assert response.status_code == 400
    assert "重新查找" in response.content.decode()
    with scopes_disabled():
        assert Case.all_objects.count() == 1


def test_api_lookup_and_intake_with_the_token(net, world, client_for, residents):
    here = residents[0]
    client = client_for(world.users["mediator"])
    answer = client.post(
        "/api/cases/overview/registry-lookup",
        {"studio": net.studio.pk, "number": "13912345678"},
        content_type="application/json",
    ).json()
    assert answer["found"] is True
    assert answer["matches"][0]["masked_name"] == "李**"
    assert answer["matches"][0]["village"] == "东灵社区"
    assert answer["matches"][0]["age"] == here.age
    assert "13912345678" not in str(answer)
    token = answer["matches"][0]["token"]
    response = client.post(
        "/api/cases/",
        {
            "studio": net.studio.pk,
            "source": "walk_in",
            "dispute_type": "divorce",
            "narrative": "离婚纠纷",
            "parties": [{"role": "applicant", "name": "李秀英", "person_token": token}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["parties"][0]["person"] == here.pk
    for number, status in (("1391234", 400), ("x" * 31, 422), ("13612345678", 200)):
        response = client.post(
            "/api/cases/overview/registry-lookup",
            {"studio": net.studio.pk, "number": number},
            content_type="application/json",
        )
        assert response.status_code == status
    assert response.json() == {"found": False, "matches": []}


def test_admins_set_the_repeat_window_of_a_studio(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.patch(
        f"/api/studios/{net.studio.pk}", {"version": 1, "repeat_window_days": 90}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["repeat_window_days"] == 90
    bad = client.patch(
        f"/api/studios/{net.studio.pk}", {"version": 2, "repeat_window_days": 0}, content_type="application/json"
    )
    assert bad.status_code == 422
    html = client.get(f"/stations/studios/{net.studio.pk}/edit/").content.decode()
    assert 'name="repeat_window_days"' in html
    assert 'value="90"' in html
