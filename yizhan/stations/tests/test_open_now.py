"""Open now, or when a station opens next: from the regular hours and the dated exceptions (holidays, special hours)."""

from datetime import date, datetime, time

import pytest
from django.utils import translation

from yizhan.stations.hours import OpenState, open_state
from yizhan.stations.models import HoursException, OpeningInterval

MONDAY = date(2026, 11, 30)


def interval(weekday, opens, closes):
    return OpeningInterval(weekday=weekday, opens=time(*opens), closes=time(*closes))


WEEK = [interval(0, (8, 30), (11, 30)), interval(0, (14, 0), (17, 0)), interval(2, (9, 0), (12, 0))]


@pytest.mark.parametrize(
    ("at", "state"),
    [
        ((9, 0), OpenState(is_open=True, closes=time(11, 30))),
        ((8, 0), OpenState(is_open=False, next_day=MONDAY, next_opens=time(8, 30))),
        ((12, 0), OpenState(is_open=False, next_day=MONDAY, next_opens=time(14, 0))),
        ((17, 0), OpenState(is_open=False, next_day=date(2026, 12, 2), next_opens=time(9, 0))),
    ],
)
def test_open_state_from_the_regular_week(at, state):
    assert open_state(WEEK, [], datetime.combine(MONDAY, time(*at))) == state


def test_a_closed_day_and_special_hours_replace_the_regular_ones():
    closed = HoursException(date=MONDAY, is_closed=True)
    at = datetime.combine(MONDAY, time(9, 0))
    assert open_state(WEEK, [closed], at) == OpenState(is_open=False, next_day=date(2026, 12, 2), next_opens=time(9))
    special = HoursException(date=MONDAY, is_closed=False, opens=time(10, 0), closes=time(12, 0))
    assert open_state(WEEK, [special], at) == OpenState(is_open=False, next_day=MONDAY, next_opens=time(10, 0))
    assert open_state([], [], at) == OpenState(is_open=False)


def test_what_a_resident_reads():
    with translation.override("zh-hans"):
        assert OpenState(is_open=True, closes=time(17)).describe(MONDAY) == "开放中，17:00 关门"
        assert OpenState(False, next_day=MONDAY, next_opens=time(14)).describe(MONDAY) == "已关门，今天 14:00 开门"
        tomorrow = date(2026, 12, 1)
        assert OpenState(False, next_day=tomorrow, next_opens=time(9)).describe(MONDAY) == "已关门，明天 09:00 开门"
        wednesday = date(2026, 12, 2)
        assert OpenState(False, next_day=wednesday, next_opens=time(9)).describe(MONDAY) == "已关门，星期三 09:00 开门"
        assert OpenState(is_open=False).describe(MONDAY) == ""
