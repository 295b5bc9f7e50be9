"""Who may change what in the station network. Scope decides what is visible; these rules decide what may change."""

from yizhan.core.scoping import Scope

from .models import Station, Studio


def is_admin(scope: Scope) -> bool:
    return scope.unrestricted or bool(scope.admin_regions)


def can_admin_region(scope: Scope, region) -> bool:
    """Federation admins of the region (or above) create places there, move them and set their status."""
    return scope.covers_region(region.code, admin_only=True)


def can_admin_place(scope: Scope, place) -> bool:
    return can_admin_region(scope, place.region)


def can_edit_place(scope: Scope, place) -> bool:
    """Admins above the place, and the station's own manager, edit its profile, rooms, hours, photos, X items."""
    if can_admin_place(scope, place):
        return True
    if isinstance(place, Station):
        return place.pk in scope.place_ids("station")
    return False


def can_use_station_pages(scope: Scope) -> bool:
    return is_admin(scope) or bool(scope.place_ids("station"))


def can_use_studio_pages(scope: Scope) -> bool:
    return is_admin(scope) or bool(scope.place_ids("studio"))


def can_view_studio_team(scope: Scope, studio: Studio) -> bool:
    return can_admin_place(scope, studio) or studio.pk in scope.place_ids("studio")


def can_manage_catalogue(scope: Scope) -> bool:
    """Room and position types are shared by every station: platform admins and district (or higher) admins."""
    return scope.unrestricted or any(len(code) <= 6 for code in scope.admin_regions)
