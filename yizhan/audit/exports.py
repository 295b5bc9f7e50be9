"""The audit log as an Excel file for an auditor: the rows of the admin's scope that match the list's filters.

The file is streamed (``core.documents.streamed_xlsx_response``): rows are read ``BATCH`` at a time by id, oldest
first, while the response is sent, so memory stays flat however long the log is. Which rows leave is fixed when the
export starts (ids up to the newest one then), and the export itself is logged (action EXPORT, with its filters and
row count) before the first row is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.core.documents import ExportTooLargeError, streamed_xlsx_response

from . import services as audit
from .models import AuditLog, AuditQuerySet

if TYPE_CHECKING:
    from yizhan.core.types import AnyUser

BATCH = 1000


def _header() -> list[str]:
    return [
        _("Time"),
        _("By"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Region code"),
        _("Field"),
        _("Reason"),
        _("Changes"),
    ]


def _row(row: AuditLog, actions: Mapping[str, str]) -> list[object]:
    return [
        timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
        row.actor_label,
        actions.get(row.action, row.action),
        row.target_type,
        row.target_id,
        row.target_repr,
        row.region_code,
        row.field,
        row.reason,
        json.dumps(row.changes, ensure_ascii=False, sort_keys=True, default=str) if row.changes else "",
    ]


def _rows(rows: AuditQuerySet, newest_id: int) -> Iterator[list[object]]:
    actions = {value: str(label) for value, label in AuditLog.Action.choices}
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last, pk__lte=newest_id).order_by("pk")[:BATCH])
        if not batch:
            return
        for row in batch:
            yield _row(row, actions)
        last = batch[-1].pk


def _plain_filters(filters: Mapping[str, object]) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, date) else str(value) for name, value in filters.items() if value
    }


def audit_export(*, rows: AuditQuerySet, actor: AnyUser, filters: Mapping[str, object]) -> StreamingHttpResponse:
    """The streamed Excel download of ``rows`` (the scoped, filtered audit list). Logs the export first; raises
    ExportTooLargeError, having logged nothing, when more rows match than ``AUDIT_EXPORT_LIMIT``."""
    rows = rows.order_by()
    newest_id = rows.order_by("-pk").values_list("pk", flat=True).first() or 0
    count = rows.filter(pk__lte=newest_id).count()
    limit: int = settings.AUDIT_EXPORT_LIMIT
    if count > limit:
        raise ExportTooLargeError(count, limit)
    region = filters.get("region")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=audit.Action.EXPORT,
            target_repr=_("Audit log (%(count)s)") % {"count": count},
            region_code=region if isinstance(region, str) else "",
            field="audit_log",
            changes={"filters": [None, _plain_filters(filters)], "rows": [None, count]},
        )
    return streamed_xlsx_response(
        f"audit-log-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Audit log"),
        header=_header(),
        rows=_rows(rows, newest_id),
    )
