"""Who may change what in the station network, in the vocabulary of ``yizhan.core.permissions``.

Scope decides what is visible; these rules decide what may change.
"""

from yizhan.core.permissions import (
    Predicate,
    holds_place,
    holds_this_place,
    is_admin,
    is_admin_over,
    is_district_admin_or_above,
    predicate,
)


def _place_region(rule: Predicate, name: str) -> Predicate:
    return Predicate(lambda scope, place: rule(scope, place.region), name)


# Federation admins of the region (or above) create places there, move them and set their status.
can_admin_region = is_admin_over
can_admin_place = _place_region(is_admin_over, "can_admin_place")

# Admins above the station, and the station's own manager, edit its profile, rooms, hours, photos, X items.
can_edit_station = can_admin_place | holds_this_place("station")
# A studio's profile, contacts and team are the federation's.
can_edit_studio = can_admin_place

uses_station_pages = is_admin | holds_place("station")
uses_studio_pages = is_admin | holds_place("studio")
can_view_studio_team = can_admin_place | holds_this_place("studio")

# Room and position types are shared by every station: platform admins and district (or higher) admins.
can_manage_catalogue = is_district_admin_or_above


@predicate
def can_edit_place(scope, place) -> bool:
    """``can_edit_station`` or ``can_edit_studio``, by the kind of place the model's scope declares."""
    return (can_edit_station if place.scoped_by.kind == "station" else can_edit_studio)(scope, place)
