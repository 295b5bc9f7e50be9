"""Notification texts of this app, declared in PeopleConfig.notification_kinds (yizhan/core/registry.py).

Parameters carry ids, dates and names of staff only — never ID or mobile numbers of residents.
"""

from django.utils.translation import gettext_lazy as _

PEOPLE_KINDS = {
    "followup_overdue": (
        _("A follow-up action is overdue"),
        _("The follow-up action “%(action)s” from the visit of %(visit_date)s was due on %(due)s."),
    ),
    "visits_overdue": (
        _("Care visits are overdue"),
        _("%(count)s care visit(s) in %(place)s are overdue."),
    ),
}
