from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yizhan.core.api import PageMeta, PageQuery, page_of
from yizhan.core.permissions import is_admin, requires
from yizhan.core.text import CODE_MAX_LENGTH

from . import selectors

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: datetime
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    region_code: str
    changes: dict[str, Any]
    field: str
    reason: str


class AuditPage(Schema):
    meta: PageMeta
    items: list[AuditOut]


class AuditFilters(PageQuery):
    action: str = Field("", max_length=CODE_MAX_LENGTH)
    target_type: str = Field("", max_length=100)
    actor: str = Field("", max_length=150)
    region: str = Field("", max_length=12)
    date_from: date | None = None
    date_to: date | None = None


@router.get("/", response=AuditPage, summary="Audit log of your scope")
@requires(is_admin)
def list_audit(request: HttpRequest, filters: Query[AuditFilters]) -> dict[str, object]:
    rows = selectors.audit_list(
        action=filters.action,
        target_type=filters.target_type,
        actor=filters.actor,
        region=filters.region,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    meta, items = page_of(rows, filters.offset, filters.limit)
    return {"meta": meta, "items": items}
