"""Writes to the station network. Keyword-only, atomic, audited; permission checks against the active scope.

Split by subject; everything is importable from ``yizhan.stations.services``.
"""

from .catalogue import lookup_type_save  # noqa: F401
from .common import ADMIN_FIELDS, PROFILE_FIELDS, STATION_PROFILE_FIELDS  # noqa: F401
from .contacts import add_contact, remove_contact  # noqa: F401
from .stations import (  # noqa: F401
    ROOM_FIELDS,
    brand_item_create,
    brand_item_update,
    contact_create,
    contact_delete,
    hours_exception_delete,
    hours_exception_set,
    hours_set,
    photo_add,
    photo_delete,
    room_create,
    room_delete,
    room_update,
    station_create,
    station_manager_assign,
    station_update,
)
