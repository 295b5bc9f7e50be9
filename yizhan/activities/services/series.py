"""Repeating activities (每周六上午 学英语): a series makes its occurrences as ordinary activities through
``activity_create`` — with all its checks — in one transaction: if any date is refused (a room booked then, …) the
whole series is refused with the dates named, and nothing is created. Occurrences are then edited one at a time
(``occurrence_update``) or this-and-all-future (``series_update_future``, version-checked on the series);
registrations stay with their occurrence. ``series_cancel_from`` cancels the rest of a series.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version
from yizhan.people.models import TargetGroup
from yizhan.stations.models import BrandItem, Room, ServiceLine, Station

from ..models import MAX_OCCURRENCES, REASON_MAX, TITLE_MAX, Activity, ActivitySeries, ActivityStatus, Audience, Repeat
from ..permissions import can_manage_activity, can_plan_at
from .activities import activity_cancel, activity_create, activity_update

if TYPE_CHECKING:
    from yizhan.core.types import User

# What "this and all future" may change: the fields of every occurrence, and the times of day.
FUTURE_FIELDS = {"title", "description", "audience", "room", "seats", "children_need_guardian", "brand_item"}
FUTURE_TIMES = {"start_time", "end_time"}


def _day(value: date) -> str:
    return formats.date_format(value, "Y-m-d")


def occurrence_dates(*, repeat: str, first: date, until: date | None, count: int | None) -> list[date]:
    """The dates of a series: weekly, every two weeks, or monthly on the same weekday of the month (the 2nd
    Saturday …; a month without that weekday is skipped). Stops at ``until`` or after ``count``; refuses none and
    more than ``MAX_OCCURRENCES``."""
    if repeat not in Repeat.values:
        raise ValidationError({"repeat": _("Choose how the activity repeats.")})
    if until is None and not count:
        raise ValidationError({"until": _("Give an end date or a number of occurrences.")})
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise ValidationError(
            {"count": _("A series has between 1 and %(max)s occurrences.") % {"max": MAX_OCCURRENCES}}
        )
    if until is not None and until < first:
        raise ValidationError({"until": _("The series must end on or after its first date.")})
    limit = count or MAX_OCCURRENCES + 1
    dates: list[date] = []
    if repeat == Repeat.MONTHLY:
        nth = (first.day - 1) // 7  # 0 = the first such weekday of the month
        year, month = first.year, first.month
        while len(dates) < limit:
            start = date(year, month, 1)
            offset = (first.weekday() - start.weekday()) % 7 + nth * 7
            candidate = start + timedelta(days=offset)
            if until is not None and candidate > until:
                break
            if candidate.month == month:
                dates.append(candidate)
            month += 1
            if month > 12:
                year, month = year + 1, 1
            if year > first.year + 10:
                break
    else:
        step = timedelta(days=7 if repeat == Repeat.WEEKLY else 14)
        candidate = first
        while len(dates) < limit and (until is None or candidate <= until):
            dates.append(candidate)
            candidate += step
    if len(dates) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "until": _("A series has at most %(max)s occurrences: choose an earlier end date.")
                % {"max": MAX_OCCURRENCES}
            }
        )
    return dates


def _at(day: date, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def series_create(
    *,
    created_by: User,
    station: Station,
    title: str,
    repeat: str,
    starts_at: datetime,
    ends_at: datetime,
    seats: int,
    until: date | None = None,
    count: int | None = None,
    description: str = "",
    audience: str = Audience.PUBLIC,
    room: Room | None = None,
    brand_item: BrandItem | None = None,
    service_lines: Iterable[ServiceLine] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    children_need_guardian: bool = False,
) -> tuple[ActivitySeries, list[Activity]]:
    """A series and its occurrences (drafts), each through ``activity_create``. Any refused date refuses the whole
    series, naming the dates; nothing is created then."""
    require(can_plan_at, station)
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise ValidationError({"title": _("Enter a title of at most %(max)s characters.") % {"max": TITLE_MAX}})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError({"ends_at": _("An occurrence of a series lasts at most a day.")})
    local_start = timezone.localtime(starts_at)
    if not 2000 <= local_start.year <= 2099:
        raise ValidationError({"starts_at": _("Choose a date between 2000 and 2100.")})
    duration = ends_at - starts_at
    dates = occurrence_dates(repeat=repeat, first=local_start.date(), until=until, count=count)
    service_lines = list(service_lines or [])
    target_groups = list(target_groups or [])
    with transaction.atomic():
        series = ActivitySeries(
            station=station,
            title=title,
            repeat=repeat,
            first_starts_at=starts_at,
            until=until,
            count=count,
            created_by=created_by,
        )
        series.save()
        audit.log_create(created_by, series)
        activities: list[Activity] = []
        refused: list[str] = []
        for day in dates:
            start = _at(day, local_start.time())
            try:
                activity = activity_create(
                    created_by=created_by,
                    station=station,
                    title=title,
                    starts_at=start,
                    ends_at=start + duration,
                    seats=seats,
                    description=description,
                    audience=audience,
                    room=room,
                    brand_item=brand_item,
                    service_lines=service_lines,
                    target_groups=target_groups,
                    children_need_guardian=children_need_guardian,
                )
            except ValidationError as exc:
                refused.append(f"{_day(day)}: {' '.join(exc.messages)}")
                continue
            activities.append(activity)
        if refused:
            transaction.set_rollback(True)
            raise ValidationError(
                _("Nothing was created: %(count)s date(s) cannot be planned — %(dates)s")
                % {"count": len(refused), "dates": "; ".join(refused)}
            )
        Activity.all_objects.filter(pk__in=[a.pk for a in activities]).update(series=series)
        for activity in activities:
            activity.series = series
    return series, activities


def _not_past(activity: Activity) -> None:
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This occurrence has started: past occurrences can no longer be changed."))


def occurrence_update(*, activity: Activity, updated_by: User, version: int | str | None, **changes: Any) -> Activity:
    """Change one occurrence of a series (version-checked); a past one is refused."""
    require(can_manage_activity, activity)
    _not_past(activity)
    return activity_update(activity=activity, updated_by=updated_by, version=version, **changes)


def series_update_future(
    *,
    series: ActivitySeries,
    from_activity: Activity,
    updated_by: User,
    version: int | str | None,
    **changes: Any,
) -> list[Activity]:
    """Change this occurrence and all later ones of the series that are still open (drafts and published):
    ``FUTURE_FIELDS`` and the times of day (``start_time``, ``end_time``). Version-checked on the series; one refused
    occurrence refuses all, naming the dates. Registrations stay with their occurrence."""
    require(can_manage_activity, from_activity)
    if from_activity.series_id != series.pk:
        raise ValidationError(_("This activity is not part of the series."))
    _not_past(from_activity)
    unknown = set(changes) - FUTURE_FIELDS - FUTURE_TIMES
    if unknown:
        raise ValidationError(_("Unknown field(s): %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    start_time: time | None = changes.pop("start_time", None)
    end_time: time | None = changes.pop("end_time", None)
    if "title" in changes:
        title = (changes["title"] or "").strip()
        if not title or len(title) > TITLE_MAX:
            raise ValidationError({"title": _("Enter a title of at most %(max)s characters.") % {"max": TITLE_MAX}})
        changes["title"] = title
    occurrences = list(
        Activity.objects.filter(series=series, starts_at__gte=from_activity.starts_at)
        .filter(status__in=[ActivityStatus.DRAFT, ActivityStatus.PUBLISHED])
        .select_related("station", "station__region", "room")
        .order_by("starts_at")
    )
    updated: list[Activity] = []
    refused: list[str] = []
    with transaction.atomic():
        bump_version(series, version)
        if changes.get("title") and changes["title"] != series.title:
            before = audit.snapshot(series, fields=["title"])
            series.title = changes["title"]
            series.save(update_fields=["title"])
            audit.log_update(updated_by, series, before)
        for occurrence in occurrences:
            local_start = timezone.localtime(occurrence.starts_at)
            local_end = timezone.localtime(occurrence.ends_at)
            these = dict(changes)
            if start_time is not None or end_time is not None:
                these["starts_at"] = _at(local_start.date(), start_time or local_start.time())
                these["ends_at"] = _at(local_end.date(), end_time or local_end.time())
            try:
                with transaction.atomic():
                    activity_update(activity=occurrence, updated_by=updated_by, version=occurrence.version, **these)
            except ValidationError as exc:
                refused.append(f"{_day(local_start.date())}: {' '.join(exc.messages)}")
                continue
            updated.append(occurrence)
        if refused:
            transaction.set_rollback(True)
            raise ValidationError(
                _("Nothing was changed: %(count)s date(s) cannot take the change — %(dates)s")
                % {"count": len(refused), "dates": "; ".join(refused)}
            )
    return updated


def series_cancel_from(
    *, series: ActivitySeries, from_activity: Activity, cancelled_by: User, reason: str
) -> list[Activity]:
    """Cancel this occurrence and the rest of the series (drafts and published ones), with a reason."""
    require(can_manage_activity, from_activity)
    if from_activity.series_id != series.pk:
        raise ValidationError(_("This activity is not part of the series."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Use at most %(max)s characters.") % {"max": REASON_MAX}})
    occurrences = list(
        Activity.objects.filter(series=series, starts_at__gte=from_activity.starts_at)
        .filter(status__in=[ActivityStatus.DRAFT, ActivityStatus.PUBLISHED])
        .select_related("station", "station__region")
        .order_by("starts_at")
    )
    if not occurrences:
        raise ValidationError(_("No open occurrence is left to cancel."))
    with transaction.atomic():
        before = audit.snapshot(series, fields=["cancel_reason"])
        series.cancel_reason = reason
        series.version += 1
        series.save(update_fields=["cancel_reason", "version"])
        audit.log_update(cancelled_by, series, before)
        for occurrence in occurrences:
            activity_cancel(activity=occurrence, cancelled_by=cancelled_by, reason=reason)
    return occurrences
