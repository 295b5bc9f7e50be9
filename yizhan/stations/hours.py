"""Opening hours rules: intervals per weekday that never overlap, and the week as people read it."""

from datetime import time

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
