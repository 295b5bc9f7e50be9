"""Opening hours rules: intervals per weekday that never overlap, and the week as people read it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import OpeningInterval


def normalize_intervals(intervals) -> list[tuple[int, time, time]]:
    """Check (weekday, opens, closes) triples: known weekday, opens before closes, no overlap on a day.

    Returns them sorted; raises one ValidationError listing every problem.
    """
    errors = []
    cleaned = []
    for weekday, opens, closes in intervals:
        if weekday not in OpeningInterval.Weekday.values:
            errors.append(_("Unknown weekday %(day)s.") % {"day": weekday})
            continue
        day = OpeningInterval.Weekday(weekday).label
        if opens is None or closes is None:
            errors.append(_("%(day)s: give both the opening and the closing time.") % {"day": day})
            continue
        if opens >= closes:
            errors.append(
                _("%(day)s: the closing time %(closes)s must be after the opening time %(opens)s.")
                % {"day": day, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
            )
            continue
        cleaned.append((weekday, opens, closes))
    cleaned.sort()
    for (day_a, opens_a, closes_a), (day_b, opens_b, closes_b) in zip(cleaned, cleaned[1:], strict=False):
        if day_a == day_b and opens_b < closes_a:
            errors.append(
                _("%(day)s: %(first)s and %(second)s overlap.")
                % {
                    "day": OpeningInterval.Weekday(day_a).label,
                    "first": f"{opens_a:%H:%M}–{closes_a:%H:%M}",
                    "second": f"{opens_b:%H:%M}–{closes_b:%H:%M}",
                }
            )
    if errors:
        raise ValidationError({"hours": errors})
    return cleaned


def week_table(intervals) -> list[dict]:
    """Seven rows, Monday first: {"weekday", "label", "intervals": [(opens, closes)…]} for display."""
    by_day = {day: [] for day in OpeningInterval.Weekday.values}
    for interval in intervals:
        by_day[interval.weekday].append((interval.opens, interval.closes))
    return [
        {"weekday": day, "label": OpeningInterval.Weekday(day).label, "intervals": sorted(by_day[day])}
        for day in OpeningInterval.Weekday.values
    ]


@dataclass(frozen=True)
class OpenState:
    """Whether a place is open at a moment: open until ``closes``, or closed and opening next on ``next_day`` at
    ``next_opens`` (within a week; both None when no hours are known)."""

    is_open: bool
    closes: time | None = None
    next_day: date | None = None
    next_opens: time | None = None

    def describe(self, today: date) -> str:
        """What a resident reads: "开放中，17:00 关门" / "已关门，明天 09:00 开门" / "" when no hours are known."""
        if self.is_open and self.closes:
            return _("Open now, closes at %(time)s") % {"time": f"{self.closes:%H:%M}"}
        if self.next_day is None or self.next_opens is None:
            return ""
        if self.next_day == today:
            day = _("today")
        elif self.next_day == today + timedelta(days=1):
            day = _("tomorrow")
        else:
            day = str(OpeningInterval.Weekday(self.next_day.weekday()).label)
        return _("Closed now, opens %(day)s at %(time)s") % {"day": day, "time": f"{self.next_opens:%H:%M}"}


def open_state(intervals, exceptions, at: datetime) -> OpenState:
    """The state at ``at`` (local time) from the regular intervals and the dated exceptions (a closed day, or special
    hours that replace the day's regular ones)."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for interval in intervals:
        by_day.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
    special = {exception.date: exception for exception in exceptions}

    def hours_on(day: date) -> list[tuple[time, time]]:
        exception = special.get(day)
        if exception is None:
            return sorted(by_day.get(day.weekday(), []))
        if exception.is_closed or exception.opens is None or exception.closes is None:
            return []
        return [(exception.opens, exception.closes)]

    today, now = at.date(), at.time()
    for opens, closes in hours_on(today):
        if opens <= now < closes:
            return OpenState(is_open=True, closes=closes)
    for offset in range(8):
        day = today + timedelta(days=offset)
        for opens, _closes in hours_on(day):
            if offset or opens > now:
                return OpenState(is_open=False, next_day=day, next_opens=opens)
    return OpenState(is_open=False)
