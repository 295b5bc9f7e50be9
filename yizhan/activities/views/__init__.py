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

# Check-in, the desk, the summary and satisfaction (views/checkin.py).
from .checkin import (  # noqa: E402
    checkin,
    checkin_poster,
    checkin_qr,
    desk,
    desk_check_in,
    desk_undo,
    feedback,
    feedback_qr,
    photo_delete,
    photo_file,
    satisfaction,
    summary,
    walk_in,
)

__all__ += [
    "checkin",
    "checkin_qr",
    "checkin_poster",
    "desk",
    "desk_check_in",
    "desk_undo",
    "walk_in",
    "summary",
    "photo_delete",
    "photo_file",
    "feedback",
    "feedback_qr",
    "satisfaction",
]
from .public import (  # noqa: E402 - the public pages, after the staff pages
    public_activity,
    public_find,
    public_registration,
    public_registration_cancel,
    public_signup,
    public_station_activities,
    public_town_activities,
    registration_new_link,
)

__all__ += [
    "public_station_activities",
    "public_town_activities",
    "public_activity",
    "public_signup",
    "public_find",
    "public_registration",
    "public_registration_cancel",
    "registration_new_link",
]
