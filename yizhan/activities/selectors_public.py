"""Reads for the public activity pages and the public API: what the anonymous scope sees (published or completed
activities open to the public, of operating public stations), whoever asks. And a resident's own registration,
found by its private link or by the code with the mobile number — never anyone else's."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from yizhan.core.crypto import blind_index
from yizhan.core.scoping import anonymous_scope
from yizhan.regions.models import Region
from yizhan.stations.models import ServiceLine, Station

from .models import Activity, ActivityStatus, Registration, RegistrationStatus
from .private_links import clean_code, matches, secret_hash
from .selectors import _day_start


def _public() -> QuerySet[Activity]:
    with anonymous_scope() as scope:
        rule = Activity.scope_filter(scope)
    # unscoped: filtered by the anonymous scope's own rule just above, so the queryset can be paged lazily
    return Activity.all_objects.filter(rule)


def public_activities(
    *,
    station: Station | None = None,
    town: Region | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    service_line: str = "",
) -> QuerySet[Activity]:
    """Published activities open to the public that have not ended, the soonest first (fixed queries per page)."""
    qs = (
        _public()
        .filter(status=ActivityStatus.PUBLISHED, ends_at__gte=timezone.now())
        .select_related("station", "station__region", "room")
        .prefetch_related(Prefetch("service_lines", queryset=ServiceLine.objects.order_by("sort_order")))
    )
    if station is not None:
        qs = qs.filter(station=station)
    if town is not None:
        qs = qs.filter(station__region__parent=town)
    if date_from:
        qs = qs.filter(ends_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(starts_at__lt=_day_start(date_to + timedelta(days=1)))
    if service_line:
        qs = qs.filter(service_lines__code=service_line)
    return qs.order_by("starts_at", "id")


def public_activity(pk: int) -> Activity:
    """One activity as the public sees it (published or completed, open to the public); ``DoesNotExist`` else."""
    return (
        _public()
        .select_related("station", "station__region", "station__region__parent", "room")
        .prefetch_related("service_lines")
        .get(pk=pk)
    )


def public_station(pk: int) -> Station:
    with anonymous_scope():
        return Station.objects.select_related("region", "region__parent").get(pk=pk)


def public_town(code: str) -> Region:
    # unscoped: town names are public (as on the portal's town page)
    return Region.all_objects.get(code=code, level=Region.Level.TOWN)


def _own() -> QuerySet[Registration]:
    # unscoped: a resident's own registration, for the holder of its private link or code (checked by the callers)
    return Registration.all_objects.select_related("activity", "activity__station", "activity__room").exclude(
        access_hash=""
    )


def registration_by_link(token: str) -> Registration:
    """The registration whose private link carries ``token``; ``DoesNotExist`` for a wrong or revoked one."""
    if not token or len(token) > 64:
        raise Registration.DoesNotExist
    registration = _own().filter(access_hash=secret_hash("link", token)).first()
    if registration is None:
        raise Registration.DoesNotExist
    return registration


def registration_by_code(activity: Activity, mobile: str, code: str) -> Registration:
    """The registration of ``activity`` for ``mobile`` whose code is ``code`` (the newest, if the number signed up
    again after cancelling); ``DoesNotExist`` otherwise."""
    code = clean_code(code)
    if not code or not mobile:
        raise Registration.DoesNotExist
    for registration in _own().filter(activity=activity, mobile_index=blind_index("mobile", mobile)).order_by("-pk"):
        if matches(registration.code_hash, "code", code):
            return registration
    raise Registration.DoesNotExist


def waitlist_place(registration: Registration) -> int | None:
    """Where a waitlisted registration stands in the waitlist (1 = next to get a seat)."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    # unscoped: counts only, of the registration the caller holds the secret of
    ahead = Registration.all_objects.filter(
        activity_id=registration.activity_id,
        status=RegistrationStatus.WAITLISTED,
        position__lt=registration.position,
    ).count()
    return ahead + 1
