"""Reads for the public pages: they run under the anonymous scope whoever is signed in, so they show operating
places marked public, and only their public parts (contacts, photos, active brand items marked public)."""

from collections import Counter

from django.db.models import Prefetch
from django.utils import timezone

from yizhan.core.scoping import anonymous_scope
from yizhan.mediation import selectors as mediation_selectors
from yizhan.mediation.models import Studio, StudioMember
from yizhan.regions.models import Region
from yizhan.stations import selectors as stations_selectors
from yizhan.stations.models import BrandItem, Photo, Station


def public_towns() -> list[Region]:
    """Towns with an open station or studio, each with ``stations`` and ``studios`` (their numbers) and its district
    (``parent``), in three queries."""
    with anonymous_scope():
        stations = Counter(Station.objects.values_list("region__parent_id", flat=True))
        studios = Counter(Studio.objects.values_list("region__parent_id", flat=True))
    parents = {pk for pk in (*stations, *studios) if pk is not None}  # a village always has a town; typed optional
    # unscoped: town and district names of the public portal (place names are public)
    found = Region.all_objects.filter(pk__in=parents, level=Region.Level.TOWN)
    towns = list(found.select_related("parent").order_by("code"))
    for town in towns:
        setattr(town, "stations", stations[town.pk])  # noqa: B010  # an attribute for the page, not a field
        setattr(town, "studios", studios[town.pk])  # noqa: B010
    return towns


def public_town(code: str) -> Region:
    # unscoped: town names of the public portal (place names are public)
    return Region.all_objects.get(code=code, level=Region.Level.TOWN)


def public_places_in_town(town: Region) -> tuple[list, list]:
    """The open, public stations (each with ``open_now`` and ``open_text``) and studios of a town."""
    with anonymous_scope():
        stations = list(
            Station.objects.filter(region__parent=town)
            .select_related("region")
            .prefetch_related(
                Prefetch(
                    "brand_items",
                    # unscoped: brand items of stations the public scope already sees
                    queryset=BrandItem.all_objects.filter(is_active=True).order_by("sort_order"),
                    to_attr="public_items",
                )
            )
            .order_by("region__code", "name")
        )
        studios = list(Studio.objects.filter(region__parent=town).select_related("region").order_by("region__code"))
        states = stations_selectors.open_states(stations)
    today = timezone.localdate()
    for station in stations:
        setattr(station, "open_now", states[station.pk])  # noqa: B010  # attributes for the page, not fields
        setattr(station, "open_text", states[station.pk].describe(today))  # noqa: B010
    return stations, studios


def villages_of_town(town: Region, stations: list, studios: list) -> list[dict]:
    """Every village of the town, in code order, with its open stations and studios: the town page's grid."""
    # unscoped: village names of the public portal (place names are public)
    villages = Region.all_objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code")
    return [
        {
            "village": village,
            "stations": [s for s in stations if s.region_id == village.pk],
            "studios": [s for s in studios if s.region_id == village.pk],
        }
        for village in villages
    ]


def public_station(pk) -> stations_selectors.StationProfile:
    """The public profile of an operating, public station; Station.DoesNotExist otherwise."""
    with anonymous_scope():
        station = Station.objects.select_related("region", "region__parent").get(pk=pk)
        profile = stations_selectors.station_profile(station, public=True)
    if profile.open_now is not None:
        profile.open_text = profile.open_now.describe(timezone.localdate())
    return profile


def public_studio(pk) -> dict:
    with anonymous_scope():
        studio = Studio.objects.select_related("region", "region__parent").get(pk=pk)
        shared = Station.objects.filter(pk=studio.shared_station_id).first() if studio.shared_station_id else None
        team = list(StudioMember.objects.filter(studio=studio, is_active=True).order_by("kind", "pk"))
        return {
            "studio": studio,
            "shared_station": shared,
            "team": mediation_selectors.team_by_kind(team),
            "contacts": mediation_selectors.studio_contacts(studio),
        }


def public_photo(pk) -> Photo:
    with anonymous_scope():
        return Photo.objects.get(pk=pk)
