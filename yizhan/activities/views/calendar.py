"""Calendar pages for staff: month and week grids and a phone-friendly list, per station and town in the user's scope,
filtered by service line. The public calendar is in the portal (``yizhan.portal.calendar``) and uses the same
layout helpers."""

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from yizhan.core.pagination import paginate
from yizhan.core.permissions import requires

from .. import selectors_calendar as cal
from ..forms_volunteers import CalendarForm
from ..models import Activity
from ..permissions import uses_calendar

LIST_DAYS = 14


def month_context(form: CalendarForm, *, public: bool = False, **fixed) -> dict:
    """The month grid of the form's day (shared with the portal's public calendar)."""
    values = {**form.values(), **fixed} if not form.errors else {**fixed}
    day: date = values.pop("day", None) or timezone.localdate()
    first, last = cal.month_range(day.year, day.month)
    previous = day.replace(day=1) - timedelta(days=1)
    following = day.replace(day=28) + timedelta(days=4)
    counted = not public and not form.errors and cal.is_wide(station=values.get("station"), town=values.get("town", ""))
    if counted:  # above one town: each day's number of activities, opening the day's list (issue 12)
        weeks = cal.counted_month_grid(day.year, day.month, cal.counts_per_day(start=first, end=last, **values))
    else:
        fetch = cal.public_calendar_activities if public else cal.calendar_activities
        activities = fetch(start=first, end=last, **values) if not form.errors else []
        weeks = cal.month_grid(day.year, day.month, activities)
    return {
        "form": form,
        "day": day,
        "counted": counted,
        "weeks": weeks,
        "weekday_names": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous": previous.replace(day=1),
        "next": following.replace(day=1),
    }


def week_context(form: CalendarForm, *, public: bool = False, **fixed) -> dict:
    values = {**form.values(), **fixed} if not form.errors else {**fixed}
    day: date = values.pop("day", None) or timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    counted = not public and not form.errors and cal.is_wide(station=values.get("station"), town=values.get("town", ""))
    if counted:  # above one town: each day's number, as in the month
        counts = cal.counts_per_day(start=monday, end=monday + timedelta(days=6), **values)
        days = cal.counted_days(monday, 7, counts)
    else:
        fetch = cal.public_calendar_activities if public else cal.calendar_activities
        activities = fetch(start=monday, end=monday + timedelta(days=6), **values) if not form.errors else []
        days = cal.week_days(monday, activities)
    return {
        "form": form,
        "day": day,
        "counted": counted,
        "days": days,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
    }


def day_context(request, form: CalendarForm) -> dict:
    """A counted month's day: its activities a page at a time."""
    values = form.values() if not form.errors else {}
    day: date = values.pop("day", None) or timezone.localdate()
    activities = cal.day_activities(day=day, **values) if not form.errors else Activity.objects.none()
    return {
        "form": form,
        "day": day,
        "page": paginate(request, activities),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
    }


def list_context(form: CalendarForm, *, public: bool = False, **fixed) -> dict:
    values = {**form.values(), **fixed} if not form.errors else {**fixed}
    day: date = values.pop("day", None) or timezone.localdate()
    counted = not public and not form.errors and cal.is_wide(station=values.get("station"), town=values.get("town", ""))
    if counted:  # above one town: the days that have activities, with their number
        counts = cal.counts_per_day(start=day, end=day + timedelta(days=LIST_DAYS - 1), **values)
        days = [d for d in cal.counted_days(day, LIST_DAYS, counts) if d.count]
    else:
        fetch = cal.public_calendar_activities if public else cal.calendar_activities
        activities = fetch(start=day, end=day + timedelta(days=LIST_DAYS - 1), **values) if not form.errors else []
        days = cal.week_days(day, activities) + cal.week_days(day + timedelta(days=7), activities)
        days = [d for d in days if d.activities]
    return {
        "form": form,
        "day": day,
        "counted": counted,
        "days": days,
        "previous": day - timedelta(days=LIST_DAYS),
        "next": day + timedelta(days=LIST_DAYS),
    }


def _form(request) -> CalendarForm:
    return CalendarForm(request.GET or None, towns=cal.towns_in_scope())


@requires(uses_calendar)
def calendar_month(request):
    form = _form(request)
    context = {**month_context(form), "view": "month"}
    return render(request, "activities/calendar.html", context, status=400 if form.errors else 200)


@requires(uses_calendar)
def calendar_week(request):
    form = _form(request)
    context = {**week_context(form), "view": "week"}
    return render(request, "activities/calendar.html", context, status=400 if form.errors else 200)


@requires(uses_calendar)
def calendar_list(request):
    form = _form(request)
    context = {**list_context(form), "view": "list"}
    return render(request, "activities/calendar.html", context, status=400 if form.errors else 200)


@requires(uses_calendar)
def calendar_day(request):
    form = _form(request)
    context = {**day_context(request, form), "view": "day"}
    return render(request, "activities/calendar.html", context, status=400 if form.errors else 200)
