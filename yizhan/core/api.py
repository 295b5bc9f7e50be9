"""Shared pieces of the API: guards and pagination that follow the same rules as the pages."""

from django.core.exceptions import PermissionDenied
from ninja import Schema

from .scoping import require_scope


def require_admin():
    scope = require_scope()
    if not (scope.unrestricted or scope.admin_regions):
        raise PermissionDenied
    return scope


class PageMeta(Schema):
    count: int
    offset: int
    limit: int


def page_of(queryset, offset: int, limit: int):
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    count = queryset.count()
    # An offset past the end is an empty page; it never reaches the database (a huge one would overflow there).
    items = list(queryset[offset : offset + limit]) if offset < count else []
    return {"count": count, "offset": offset, "limit": limit}, items
