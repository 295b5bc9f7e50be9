"""Writes of the activities app: keyword-only, atomic, audited. Split by topic; import from here."""

from .activities import (
    activity_cancel,
    activity_complete,
    activity_create,
    activity_publish,
    activity_update,
    registration_add,
    registration_cancel,
)

__all__ = [
    "activity_create",
    "activity_update",
    "activity_publish",
    "activity_complete",
    "activity_cancel",
    "registration_add",
    "registration_cancel",
]

# Check-in, attendance, the summary and satisfaction answers (services/checkin.py, summary.py, feedback.py).
from .checkin import desk_check_in, desk_undo, self_check_in, walk_in_add  # noqa: E402
from .feedback import feedback_submit  # noqa: E402
from .summary import photo_add, photo_delete, summary_save  # noqa: E402

__all__ += [
    "self_check_in",
    "desk_check_in",
    "desk_undo",
    "walk_in_add",
    "feedback_submit",
    "summary_save",
    "photo_add",
    "photo_delete",
]
from .signup import (  # noqa: E402 - the public sign-up, after the staff writes
    erase_public_signups,
    public_signup,
    registration_cancel_by_resident,
    registration_new_link,
)

__all__ += [
    "public_signup",
    "registration_cancel_by_resident",
    "registration_new_link",
    "erase_public_signups",
]
from .series import (  # noqa: E402 - the topics below were added after the first slice
    occurrence_update,
    series_cancel_from,
    series_create,
    series_update_future,
)
from .volunteers import (  # noqa: E402
    ensure_profile,
    hours_confirm,
    hours_correct,
    shift_check_in,
    shift_check_out,
    shift_create,
    shift_delete,
    shift_signup,
    shift_signup_cancel,
    shift_update,
    volunteer_profile_update,
)

__all__ += [
    "series_create",
    "occurrence_update",
    "series_update_future",
    "series_cancel_from",
    "ensure_profile",
    "volunteer_profile_update",
    "shift_create",
    "shift_update",
    "shift_delete",
    "shift_signup",
    "shift_signup_cancel",
    "shift_check_in",
    "shift_check_out",
    "hours_correct",
    "hours_confirm",
]
from .cover import cover_remove, cover_set  # noqa: E402 - the cover photo (services/cover.py)

__all__ += ["cover_set", "cover_remove"]
