"""Reads of studios and their teams, always through the scoped managers. Query counts do not grow with the data."""

from django.db.models import Count, Q

from yizhan.stations.selectors import filter_places, with_place

from .models import Studio, StudioContact, StudioMember


def studio_list(*, region_code: str = "", status: str = "", search: str = ""):
    """Studios in scope with their village and the size of their team (a fixed number of queries per page)."""
    qs = Studio.objects.select_related("region", "region__parent", "shared_station").annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    )
    return filter_places(qs, region_code=region_code, status=status, search=search)


def studio_get(pk) -> Studio:
    return Studio.objects.select_related("region", "region__parent", "shared_station").get(pk=pk)


def studio_team(studio, *, active_only=True):
    qs = StudioMember.objects.filter(studio=studio).select_related("user")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("kind", "-can_lead", "pk"))


def studio_contacts(studio):
    return with_place(StudioContact.objects.filter(studio=studio).order_by("sort_order", "pk"), studio=studio)


def team_by_kind(members) -> list[dict]:
    rows = []
    for kind, label in StudioMember.Kind.choices:
        kind_members = [m for m in members if m.kind == kind]
        if kind_members:
            rows.append({"kind": kind, "label": label, "members": kind_members})
    return rows
