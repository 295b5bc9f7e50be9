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
