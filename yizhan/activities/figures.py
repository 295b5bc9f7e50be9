"""Reads of check-in, attendance and satisfaction, and a station's activity figures (what ratings will read).

Every function costs a fixed number of queries, whatever the number of activities, registrations or answers: the
counting is done by the database (aggregates), and breakdowns of one activity's attendees read their rows once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypedDict

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.crypto import blind_index
from yizhan.core.masking import age_on
from yizhan.people.models import Person, TargetGroupMembership
from yizhan.stations.models import Station

from .models import (
    Activity,
    ActivityPhoto,
    ActivityStatus,
    ActivitySummary,
    Feedback,
    Registration,
    RegistrationStatus,
)

ATTENDING = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
DESK_RESULTS = 30  # registrants shown for one search at the desk
FIGURES_DAYS = 365  # "in the last 12 months"
# Age bands of the attendance (the first is the age under which a guardian signs up).
AGE_BANDS = ((0, 13, "0–13"), (14, 17, "14–17"), (18, 34, "18–34"), (35, 59, "35–59"), (60, 200, "60+"))


@dataclass
class Attendance:
    registered: int = 0  # confirmed registrations made before the day (walk-ins not included)
    attended: int = 0  # everyone checked in, walk-ins included
    no_shows: int = 0  # confirmed registrations not checked in (counted once the activity has started)
    walk_ins: int = 0
    waitlisted: int = 0
    by_gender: list[tuple[str, int]] = field(default_factory=list)
    by_age: list[tuple[str, int]] = field(default_factory=list)
    by_group: list[tuple[str, int]] = field(default_factory=list)
    unknown: int = 0  # attendees not linked to the registry


def attendance(activity: Activity) -> Attendance:
    """Registered, attended, no-shows and walk-ins of an activity, and its attendees by gender, age band (on the
    day of the activity) and target group (3 queries). Attendees who are not in the registry are counted as unknown in
    each breakdown; a person may be in several target groups."""
    counts = Registration.objects.filter(activity=activity).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED, walk_in=False)),
        attended=Count("pk", filter=Q(status__in=ATTENDING, checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED, walk_in=True)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        no_shows=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED, walk_in=False, checked_in_at__isnull=True)),
    )
    started = activity.starts_at <= timezone.now()
    result = Attendance(
        registered=counts["registered"],
        attended=counts["attended"],
        walk_ins=counts["walk_ins"],
        waitlisted=counts["waitlisted"],
        no_shows=counts["no_shows"] if started else 0,
    )
    attendees = list(
        Registration.objects.filter(activity=activity, status__in=ATTENDING, checked_in_at__isnull=False).values_list(
            "person_id", "person__gender", "person__birth_date"
        )
    )
    day = timezone.localtime(activity.starts_at).date()
    linked = [row for row in attendees if row[0] is not None]
    result.unknown = len(attendees) - len(linked)
    genders = {value: 0 for value in Person.Gender.values}
    ages = {label: 0 for _low, _high, label in AGE_BANDS}
    no_age = result.unknown
    for _pk, gender, birth_date in linked:
        genders[gender or Person.Gender.UNKNOWN] = genders.get(gender or Person.Gender.UNKNOWN, 0) + 1
        age = age_on(birth_date, day) if birth_date else None
        band = next((label for low, high, label in AGE_BANDS if age is not None and low <= age <= high), None)
        if band is None:
            no_age += 1
        else:
            ages[band] += 1
    labels = dict(Person.Gender.choices)
    result.by_gender = [
        (str(labels[value]), count) for value, count in genders.items() if value != Person.Gender.UNKNOWN
    ]
    result.by_gender.append((_("Not stated or unknown"), genders.get(Person.Gender.UNKNOWN, 0) + result.unknown))
    result.by_age = [(label, count) for label, count in ages.items()]
    result.by_age.append((_("Unknown"), no_age))
    result.by_group = _groups_of([row[0] for row in linked], day, unknown=result.unknown)
    return result


def _groups_of(person_ids: list[int], day: date, *, unknown: int) -> list[tuple[str, int]]:
    # unscoped: counts only; an attendee from another village is counted in their groups too (no row is shown)
    rows = (
        TargetGroupMembership.all_objects.filter(person_id__in=person_ids, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values("group__name", "group__sort_order")
        .annotate(n=Count("person_id", distinct=True))
        .order_by("group__sort_order", "group__name")
    )
    groups = [(row["group__name"], row["n"]) for row in rows]
    in_groups = (
        TargetGroupMembership.all_objects.filter(person_id__in=person_ids, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values("person_id")
        .distinct()
        .count()
        if person_ids
        else 0
    )
    groups.append((_("In no target group"), len(person_ids) - in_groups))
    groups.append((_("Unknown (not in the registry)"), unknown))
    return groups


# --- desk -------------------------------------------------------------------------------------------------------


def desk_search(activity: Activity, search: str) -> list[Registration]:
    """Registrants of the activity (not cancelled) matching ``search``: a name or part of it, the last four digits
    of the mobile number, the full mobile number, or the registration number (No.) staff see on the list."""
    qs = Registration.objects.filter(activity=activity, status__in=ATTENDING)
    compact = search.replace(" ", "").replace("-", "")
    if compact.isdigit() and len(compact) == 11:
        qs = qs.filter(mobile_index=blind_index("mobile", compact))
    elif compact.isdigit() and len(compact) == 4:
        qs = qs.filter(Q(mobile_hint__endswith=compact) | Q(position=int(compact)))
    elif compact.isdigit() and len(compact) < 4:
        qs = qs.filter(position=int(compact))
    elif search:
        qs = qs.filter(name__icontains=search.strip())
    return list(qs.order_by("position", "pk")[:DESK_RESULTS])


def desk_recent(activity: Activity) -> list[Registration]:
    """The last people checked in, newest first (the desk shows them to undo a mistake)."""
    return list(
        Registration.objects.filter(activity=activity, status__in=ATTENDING, checked_in_at__isnull=False).order_by(
            "-checked_in_at", "-pk"
        )[:10]
    )


# --- satisfaction -------------------------------------------------------------------------------------------------


class Averages(TypedDict):
    answers: int
    participation: float | None
    safety: float | None
    happiness: float | None
    overall: float | None  # the mean of the three senses' averages
    low: int


def _round(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _averages(row: Mapping[str, Any]) -> Averages:
    senses = [row["participation"], row["safety"], row["happiness"]]
    overall = sum(senses) / 3 if row["answers"] else None
    return {
        "answers": row["answers"],
        "participation": _round(row["participation"]),
        "safety": _round(row["safety"]),
        "happiness": _round(row["happiness"]),
        "overall": _round(overall),
        "low": row["low"],
    }


AVERAGES = {
    "answers": Count("pk"),
    "participation": Avg("participation"),
    "safety": Avg("safety"),
    "happiness": Avg("happiness"),
    "low": Count("pk", filter=Q(is_low=True)),
}


def activity_feedback(activity: Activity) -> Averages:
    """The satisfaction averages of one activity (one query)."""
    return _averages(Feedback.objects.filter(activity=activity).aggregate(**AVERAGES))


def feedback_comments(activity: Activity, limit: int = 50) -> list[Feedback]:
    return list(Feedback.objects.filter(activity=activity).exclude(comment="").order_by("-created_at")[:limit])


class GroupAverages(Averages):
    key: str
    name: str


def feedback_by_station(*, town: str = "", station: int | None = None) -> list[GroupAverages]:
    """Averages per station in scope (optionally of one town or one station), one query."""
    qs = Feedback.objects.all()
    if town:
        qs = qs.filter(activity__station__region__parent__code=town)
    if station:
        qs = qs.filter(activity__station_id=station)
    rows = (
        qs.values("activity__station_id", "activity__station__name", "activity__station__brand_name")
        .annotate(**AVERAGES)
        .order_by("activity__station__region__code", "activity__station_id")
    )
    return [
        {
            **_averages(row),
            "key": str(row["activity__station_id"]),
            "name": row["activity__station__brand_name"] or row["activity__station__name"],
        }
        for row in rows
    ]


def feedback_by_town(*, town: str = "") -> list[GroupAverages]:
    """Averages per town in scope (the towns of the stations), one query."""
    qs = Feedback.objects.all()
    if town:
        qs = qs.filter(activity__station__region__parent__code=town)
    rows = (
        qs.values("activity__station__region__parent__code", "activity__station__region__parent__name")
        .annotate(**AVERAGES)
        .order_by("activity__station__region__parent__code")
    )
    return [
        {
            **_averages(row),
            "key": row["activity__station__region__parent__code"],
            "name": row["activity__station__region__parent__name"],
        }
        for row in rows
    ]


# --- a station's figures (ratings read these) ----------------------------------------------------------------------


class StationFigures(TypedDict):
    activities: int  # completed activities that started in the last 12 months
    participants: int  # their participants: the summary's count, else the check-ins
    answers: int
    satisfaction: float | None  # the mean of the three senses' averages over those activities' answers
    participation: float | None
    safety: float | None
    happiness: float | None


def station_activity_figures(station: Station | int, *, now=None) -> StationFigures:
    """ "N activities in the last 12 months", their participants and average satisfaction: exact figures, the same
    for every viewer (counts and averages only), in three aggregate queries at any number of activities. The caller
    has checked that the station is visible."""
    station_id = station if isinstance(station, int) else station.pk
    now = now or timezone.now()
    # unscoped: aggregates of the station's own activities, the same whoever asks (ratings read them)
    recent = Activity.all_objects.filter(
        station_id=station_id,
        status=ActivityStatus.COMPLETED,
        starts_at__gte=now - timedelta(days=FIGURES_DAYS),
        starts_at__lte=now,
    )
    totals = recent.aggregate(
        activities=Count("pk"),
        summarised=Sum("summary__participants"),
    )
    # unscoped: see above
    checked_in = Registration.all_objects.filter(
        activity__in=recent.filter(summary__isnull=True),
        status__in=ATTENDING,
        checked_in_at__isnull=False,
    ).count()
    # unscoped: see above
    answers = _averages(Feedback.all_objects.filter(activity__in=recent).aggregate(**AVERAGES))
    return {
        "activities": totals["activities"],
        "participants": (totals["summarised"] or 0) + checked_in,
        "answers": answers["answers"],
        "satisfaction": answers["overall"],
        "participation": answers["participation"],
        "safety": answers["safety"],
        "happiness": answers["happiness"],
    }


def activity_photos(activity: Activity) -> list[ActivityPhoto]:
    return list(ActivityPhoto.objects.filter(activity=activity).order_by("uploaded_at", "pk"))


def activity_summary(activity: Activity) -> ActivitySummary | None:
    return ActivitySummary.objects.filter(activity=activity).select_related("written_by").first()


def photo_get(pk: int) -> ActivityPhoto:
    return ActivityPhoto.objects.select_related("activity", "activity__station").get(pk=pk)


def after_context(activity: Activity) -> dict:
    """What the activity's page shows about check-in and after the activity (fixed queries)."""
    if activity.status not in (ActivityStatus.PUBLISHED, ActivityStatus.COMPLETED):
        return {}
    return {
        "attendance": attendance(activity),
        "summary": activity_summary(activity),
        "photos": activity_photos(activity),
        "satisfaction": activity_feedback(activity),
        "comments": feedback_comments(activity),
    }
