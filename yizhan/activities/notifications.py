"""Notification texts of this app, declared in ActivitiesConfig.notification_kinds (yizhan/core/registry.py).

Parameters carry ids, titles, times and counts only — never names or mobile numbers of residents.
"""

from django.utils.translation import gettext_lazy as _

ACTIVITY_KINDS = {
    "activity_cancelled": (
        _("An activity was cancelled"),
        _(
            "“%(title)s” (%(starts)s) was cancelled: %(reason)s. %(count)s registered person(s) need to be told; "
            "open the activity to see them."
        ),
    ),
}

ACTIVITY_KINDS["activity_low_score"] = (
    _("Low satisfaction scores for an activity"),
    _(
        "“%(title)s” (%(starts)s) received a satisfaction answer of 2 or less (%(count)s so far). Open the activity "
        "to read the answers."
    ),
)

ACTIVITY_KINDS["shift_reminder"] = (
    _("Your volunteer shift is tomorrow"),
    _(
        "“%(title)s”: %(role)s, %(starts)s–%(ends)s at %(place)s. Check in on “My volunteering” when you arrive; if "
        "you cannot come, cancel your sign-up there."
    ),
)
ACTIVITY_KINDS["shift_changed"] = (
    _("A volunteer shift you signed up for was changed"),
    _(
        "“%(title)s”: now %(role)s, %(starts)s–%(ends)s at %(place)s. If you cannot come at the new time, cancel "
        "your sign-up on “My volunteering” so that someone else can take the slot."
    ),
)
ACTIVITY_KINDS["shift_deleted"] = (
    _("A volunteer shift you signed up for was removed"),
    _(
        "“%(title)s”: the station removed the %(role)s shift (%(starts)s–%(ends)s). Your sign-up is void; see the "
        "open shifts for other ways to help. Thank you!"
    ),
)
