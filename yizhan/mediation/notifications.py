"""Notification texts of the mediation app, declared in MediationConfig.notification_kinds
(yizhan/core/registry.py). Parameters carry case numbers, ids and dates only — never parties' details."""

from django.utils.translation import gettext_lazy as _

OUTCOME_KINDS = {
    "case_deadline_soon": (
        _("A case's time limit ends soon"),
        _(
            "The time limit of case %(case)s ends on %(deadline)s. Close it, or record an extension "
            "with the consent of every party."
        ),
    ),
    "case_overdue": (
        _("A mediation case is overdue"),
        _("Case %(case)s of %(studio)s passed its time limit on %(deadline)s without an outcome."),
    ),
    "case_confirmation_window": (
        _("Judicial confirmation: the window closes soon"),
        _(
            "The parties of case %(case)s may apply for judicial confirmation of their agreement until %(last_day)s "
            "(within %(days)s days of it taking effect)."
        ),
    ),
}

SAFETY_KINDS = {
    "protection_order_expiring": (
        _("A protection order expires soon"),
        _(
            "The personal safety protection order of case %(case)s expires on %(expires)s (in %(days)s days). "
            "Check with the protected party whether a new application is needed."
        ),
    ),
}

REQUEST_KINDS = {
    "online_request": (
        _("A request for mediation arrived online"),
        _("Someone asked %(studio)s for mediation on %(date)s through its public page. Call them back and take it in."),
    ),
}

MEDIATION_KINDS = {**OUTCOME_KINDS, **SAFETY_KINDS, **REQUEST_KINDS}
