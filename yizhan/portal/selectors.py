"""Reads for the public pages: they run under the anonymous scope whoever is signed in, so they show operating
places marked public, and only their public parts (contacts, photos, active brand items marked public)."""

from collections import Counter

from django.db.models import Count, Prefetch
from django.db.models.functions import Substr
from django.utils import timezone

from yizhan.core.scoping import anonymous_scope
from yizhan.mediation import selectors as mediation_selectors
from yizhan.mediation.models import Studio, StudioMember
from yizhan.regions.models import Region
from yizhan.stations import selectors as stations_selectors
from yizhan.stations.models import BrandItem, Photo, Station

# A code's length at each level above the village: province, city, district, town.
_UNIT_LENGTHS = (2, 4, 6, 9)


def _public_counts_by_town(within: str) -> tuple[Counter[str], Counter[str]]:
    """Open public stations and studios under ``within`` (a code prefix, "" for all), counted per town code by the
    database (one row per town, never one per place): two queries."""
    counted: list[Counter[str]] = []
    with anonymous_scope():
        for model in (Station, Studio):
            rows = (
                model.objects.filter(region__code__startswith=within)
                .annotate(town=Substr("region__code", 1, 9))
                .values_list("town")
                .annotate(n=Count("id"))
                .order_by()
            )
            counted.append(Counter(dict(rows)))
    return counted[0], counted[1]


def public_areas(within: Region | None = None) -> list[Region]:
    """The areas the public portal lists under ``within`` (the whole portal for None): one level down — and further
    down while that level holds a single area, so a portal of one district lists its towns and a province's lists
    its cities. Each area (a Region, with its ``parent``) carries ``stations`` and ``studios``, the numbers of open
    public places in it. Three queries, whatever the size of the network: the places are counted per town by the
    database and summed per area here."""
    prefix = within.code if within else ""
    stations, studios = _public_counts_by_town(prefix)
    towns = set(stations) | set(studios)
    lengths = [n for n in _UNIT_LENGTHS if n > len(prefix)]
    length = lengths[0] if lengths else 9
    for length in lengths:
        if len({code[:length] for code in towns}) > 1:
            break
    per_area: dict[str, tuple[int, int]] = {}
    for code in towns:
        unit = code[:length]
        before = per_area.get(unit, (0, 0))
        per_area[unit] = (before[0] + stations[code], before[1] + studios[code])
    # unscoped: names of the places' towns, districts and cities (place names are public)
    areas = list(Region.all_objects.filter(code__in=per_area).select_related("parent").order_by("code"))
    for area in areas:
        setattr(area, "stations", per_area[area.code][0])  # noqa: B010  # attributes for the page, not fields
        setattr(area, "studios", per_area[area.code][1])  # noqa: B010
    return areas


def public_area(code: str) -> Region:
    """A city, district or province of the public portal (a town has its own page); Region.DoesNotExist otherwise."""
    # unscoped: place names of the public portal (place names are public)
    return Region.all_objects.select_related("parent").get(code=code, level__lt=Region.Level.TOWN)


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
