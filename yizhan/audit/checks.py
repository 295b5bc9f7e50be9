"""The audit log's retention policy cannot be configured below its floor (等保 2.0 level 3: at least six months)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


@checks.register()
def check_audit_retention(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[checks.Error]:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", None)
    floor = settings.AUDIT_RETENTION_FLOOR_DAYS
    if isinstance(days, int) and days >= floor:
        return []
    return [
        checks.Error(
            f"AUDIT_RETENTION_DAYS is {days!r}; audit rows must be kept at least {floor} days.",
            hint=f"Set AUDIT_RETENTION_DAYS to {floor} or more (the default is 365).",
            id="yizhan.E006",
        )
    ]
