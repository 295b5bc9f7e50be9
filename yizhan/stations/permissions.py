"""Who may change what in the station network, in the vocabulary of ``yizhan.core.permissions``.

Scope decides what is visible; these rules decide what may change. ``can_admin_region`` and ``can_admin_place``
hold for any kind of place (the mediation app builds its studio rules on them).
"""

from yizhan.core.permissions import (
    Predicate,
    holds_place,
    holds_this_place,
    is_admin,
    is_admin_over,
    is_district_admin_or_above,
)


def _place_region(rule: Predicate, name: str) -> Predicate:
    return Predicate(lambda scope, place: rule(scope, place.region), name)


# Federation admins of the region (or above) create places there, move them and set their status.
can_admin_region = is_admin_over
can_admin_place = _place_region(is_admin_over, "can_admin_place")

# Admins above the station, and the station's own manager, edit its profile, rooms, hours, photos, X items.
can_edit_station = can_admin_place | holds_this_place("station")

uses_station_pages = is_admin | holds_place("station")

# Room and position types are shared by every station: platform admins and district (or higher) admins.
can_manage_catalogue = is_district_admin_or_above
