"""Pages of the activities app. Split by topic; ``urls`` imports the views from here."""

from .activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_detail,
    activity_edit,
    activity_list,
    activity_publish,
    registration_add,
    registration_cancel,
    station_feed,
)

__all__ = [
    "activity_list",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "activity_publish",
    "activity_complete",
    "activity_cancel",
    "registration_add",
    "registration_cancel",
    "station_feed",
]
