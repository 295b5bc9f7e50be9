from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

_T = TypeVar("_T")


def paginate(request: HttpRequest, queryset: QuerySet[Any, _T] | Sequence[_T], per_page: int | None = None) -> Page[_T]:
    """A page of the queryset; a bad or too-large page number shows the nearest page instead of an error."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
