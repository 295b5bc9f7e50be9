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
