from datetime import datetime

from ninja import Query, Router, Schema

from yizhan.core.api import PageMeta, PageQuery, page_of

from . import selectors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_title(obj):
        return str(obj.title)


class NotificationPage(Schema):
    meta: PageMeta
    items: list[NotificationOut]


@router.get("/", response=NotificationPage, summary="Your notifications")
def list_notifications(request, paging: Query[PageQuery]):
    meta, items = page_of(selectors.notification_list(), paging.offset, paging.limit)
    return {"meta": meta, "items": items}
