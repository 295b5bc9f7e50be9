from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from yizhan.core.api import PageMeta, page_of
from yizhan.core.permissions import is_admin, requires

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


@router.get("/", response=AuditPage, summary="Audit log of your scope")
@requires(is_admin)
def list_audit(
    request: HttpRequest,
    action: str = "",
    target_type: str = "",
    actor: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, object]:
    meta, items = page_of(
        selectors.audit_list(action=action, target_type=target_type, actor=actor, date_from=date_from, date_to=date_to),
        offset,
        limit,
    )
    return {"meta": meta, "items": items}
