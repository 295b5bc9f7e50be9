"""Notification texts of the mediation app, declared in MediationConfig.notification_kinds.

Parameters carry case numbers, ids, dates and counts only — never names or mobile numbers of parties.
"""

from django.utils.translation import gettext_lazy as _

MEDIATION_KINDS = {
    "protection_order_expiring": (
        _("A protection order expires soon"),
        _(
            "The personal safety protection order of case %(case)s expires on %(expires)s (in %(days)s days). "
            "Check with the protected party whether a new application is needed."
        ),
    ),
}
