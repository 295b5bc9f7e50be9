"""Reads for the public pages: they run under the anonymous scope whoever is signed in, so they show operating
places marked public, and only their public parts (contacts, photos, active brand items marked public)."""

from django.db.models import Prefetch

from yizhan.core.scoping import anonymous_scope
from yizhan.mediation import selectors as mediation_selectors
from yizhan.mediation.models import Studio, StudioMember
from yizhan.regions.models import Region
from yizhan.stations import selectors as stations_selectors
from yizhan.stations.models import BrandItem, Photo, Station


def public_towns() -> list[Region]:
    with anonymous_scope():
        found = set(Station.objects.values_list("region__parent_id", flat=True))
        found |= set(Studio.objects.values_list("region__parent_id", flat=True))
    parents = {pk for pk in found if pk is not None}  # villages always have a town; the type allows None
    # unscoped: town names of the public portal (place names are public)
    return list(Region.all_objects.filter(pk__in=parents, level=Region.Level.TOWN).order_by("code"))


def public_town(code: str) -> Region:
    # unscoped: town names of the public portal (place names are public)
    return Region.all_objects.get(code=code, level=Region.Level.TOWN)


def public_places_in_town(town: Region) -> tuple[list, list]:
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
    return stations, studios


def public_station(pk) -> stations_selectors.StationProfile:
    """The public profile of an operating, public station; Station.DoesNotExist otherwise."""
    with anonymous_scope():
        station = Station.objects.select_related("region", "region__parent").get(pk=pk)
        return stations_selectors.station_profile(station, public=True)


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
