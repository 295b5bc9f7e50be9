"""Pages of the activities app. Split by topic; ``urls`` imports the views from here."""

from .activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_detail,
    activity_edit,
    activity_list,
    activity_publish,
    pick_brand_items,
    pick_rooms,
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
    "pick_rooms",
    "pick_brand_items",
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
from .calendar import calendar_day, calendar_list, calendar_month, calendar_week  # noqa: E402 - topics added after the first slice
from .series import series_cancel, series_create, series_edit  # noqa: E402
from .volunteers import (  # noqa: E402
    activity_shifts,
    hours_confirm,
    hours_correct,
    hours_export,
    hours_list,
    my_certificate,
    my_hours,
    my_profile,
    my_shifts,
    shift_delete,
    shift_edit,
    shift_signup,
    signup_cancel,
    signup_check_in,
    signup_check_out,
    volunteer_list,
)

__all__ += [
    "calendar_month",
    "calendar_week",
    "calendar_list",
    "calendar_day",
    "series_create",
    "series_edit",
    "series_cancel",
    "activity_shifts",
    "shift_signup",
    "shift_edit",
    "shift_delete",
    "signup_cancel",
    "signup_check_in",
    "signup_check_out",
    "hours_confirm",
    "hours_correct",
    "hours_list",
    "hours_export",
    "volunteer_list",
    "my_shifts",
    "my_profile",
    "my_hours",
    "my_certificate",
]

# The cover photo (views/cover.py).
from .cover import cover_file, cover_remove, cover_set, public_cover_file  # noqa: E402

__all__ += ["cover_set", "cover_remove", "cover_file", "public_cover_file"]
