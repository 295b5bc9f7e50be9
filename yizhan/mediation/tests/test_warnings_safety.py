"""Early-warning kinds from the safety data: a rising risk level (the latest screening higher than the one before)
and a protection order about to expire (within ``settings.MEDIATION_ORDER_EXPIRY_DAYS``); each one query, whatever
the number of cases; scoped like the other kinds; on the warnings page and in the API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation import selectors_insight as insight
from yizhan.mediation.models import Case, CaseParty, ProtectionOrder, RiskScreening
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.test_insight import add_case


@pytest.fixture
def net(world):
    return build_studio_network(world)


def screen(w, case, *levels, start_days_ago=30):
    """Screenings of ``case`` at ``levels``, oldest first, one day apart."""
    with scopes_disabled():
        for i, level in enumerate(levels):
            RiskScreening.all_objects.create(
                case=case,
                level=level,
                score=0,
                answers="[]",
                screened_by=w.users["mediator"],
                screened_at=timezone.now() - timedelta(days=start_days_ago - i),
            )


def order(w, case, *, expires_in, ruling=ProtectionOrder.Ruling.GRANTED):
    with scopes_disabled():
        party = CaseParty.all_objects.filter(case=case).first() or CaseParty.all_objects.create(
            case=case, role="applicant", name="李秀英"
        )
        return ProtectionOrder.all_objects.create(
            case=case,
            protected_party=party,
            applied_at=timezone.now() - timedelta(days=30),
            court="萧山区人民法院",
            ruling=ruling,
            ruling_on=timezone.localdate() - timedelta(days=29),
            expires_on=timezone.localdate() + timedelta(days=expires_in),
            recorded_by=w.users["mediator"],
        )


def _rows(user, kind):
    with scope_for(user):
        return {group.code: group.rows for group in insight.case_warnings(kinds=[kind])}[kind]


def test_rising_risk_compares_the_latest_screening_with_the_one_before(net, world):
    rose = add_case(world)
    screen(world, rose, "yellow", "red")
    fell = add_case(world)
    screen(world, fell, "red", "blue")
    same = add_case(world)
    screen(world, same, "orange", "orange")
    once = add_case(world)
    screen(world, once, "red")
    rose_then_fell = add_case(world)
    screen(world, rose_then_fell, "white", "red", "yellow")
    fell_then_rose = add_case(world)
    screen(world, fell_then_rose, "orange", "white", "blue")
    closed = add_case(world, status=Case.Status.WITHDRAWN, closed_on=timezone.localdate())
    screen(world, closed, "white", "red")
    rows = _rows(world.users["mediator"], "rising_risk")
    assert [(r.case.pk, r.detail, r.days) for r in rows] == [
        (rose.pk, "黄色（一般风险） → 红色（高风险）", 2),
        (fell_then_rose.pk, "白色（未发现风险） → 蓝色（低风险）", 1),
    ]
    assert [r.case.pk for r in _rows(world.users["town_admin"], "rising_risk")] == [rose.pk, fell_then_rose.pk]
    assert _rows(world.users["other_town_admin"], "rising_risk") == []


def test_orders_about_to_expire_within_the_configured_days(net, world, settings):
    settings.MEDIATION_ORDER_EXPIRY_DAYS = 10
    case = add_case(world)
    today_order = order(world, case, expires_in=0)
    soon = order(world, case, expires_in=10)
    order(world, case, expires_in=11)  # beyond the window
    order(world, case, expires_in=-1)  # expired yesterday
    order(world, case, expires_in=3, ruling=ProtectionOrder.Ruling.REFUSED)
    rows = _rows(world.users["mediator"], "order_expiring")
    assert [(r.case.pk, r.days, r.detail) for r in rows] == [
        (case.pk, 0, today_order.expires_on.isoformat()),
        (case.pk, 10, soon.expires_on.isoformat()),
    ]
    settings.MEDIATION_ORDER_EXPIRY_DAYS = 5
    assert [r.days for r in _rows(world.users["mediator"], "order_expiring")] == [0]
    assert _rows(world.users["other_town_admin"], "order_expiring") == []


def test_default_window_is_two_weeks(net, world):
    case = add_case(world)
    order(world, case, expires_in=14)
    order(world, case, expires_in=15)
    assert [r.days for r in _rows(world.users["mediator"], "order_expiring")] == [14]


def _queries(user, kind):
    with scope_for(user), CaptureQueriesContext(connection) as ctx:
        rows = _rows(user, kind)
    return len(ctx.captured_queries), rows


@pytest.mark.parametrize("kind", ["rising_risk", "order_expiring"])
def test_one_query_whatever_the_number_of_cases(net, world, kind):
    def add():
        case = add_case(world)
        screen(world, case, "blue", "orange")
        order(world, case, expires_in=2)

    add()
    small, rows = _queries(world.users["mediator"], kind)
    assert len(rows) == 1
    for _ in range(6):
        add()
    big, rows = _queries(world.users["mediator"], kind)
    assert len(rows) == 7
    assert small == big == 1


def test_page_and_api_show_the_new_kinds(net, world, client_for):
    case = add_case(world)
    screen(world, case, "yellow", "red")
    order(world, case, expires_in=3)
    client = client_for(world.users["town_admin"])
    html = client.get("/stations/studios/cases/warnings/").content.decode()
    assert 'data-testid="warning-rising_risk"' in html
    assert "风险等级上升" in html
    assert "风险上升：黄色（一般风险） → 红色（高风险）" in html
    assert "人身安全保护令即将到期" in html
    assert "还剩 3 天" in html
    groups = {g["code"]: g for g in client.get("/api/cases/overview/warnings").json()}
    assert [r["case"]["id"] for r in groups["rising_risk"]["rows"]] == [case.pk]
    assert groups["order_expiring"]["rows"][0]["days"] == 3
