"""The one pagination of lists, pages and API alike: its cost is the page, not the scope.

Counting every row of a province-wide scope to print "200,000 residents" and "page 1 of 4,000" costs what the
province holds (a ``COUNT(*)`` over the scope). So a list counts **at most** ``settings.PAGE_COUNT_CAP`` + 1 rows of
its unordered query (``capped_count``). Below the cap the count is exact and the bar shows every page, as before.
Above it the count is a lower bound, said so ("more than 10,000 results", ``paginator.exact`` false): the bar numbers
the pages up to the current one and the next, never a last page, and "Next" follows as long as rows do (each page
reads one row more than it shows to know). ``paginate`` (pages, ``templates/pagination.html`` with
``{% page_numbers %}``) and ``core.api.page_of`` (API lists, ``meta.count_exact``) both use it.
"""

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

_T = TypeVar("_T")

# No page or offset beyond this is read: a larger OFFSET would overflow in the database (and nobody pages that far).
MAX_OFFSET = 10**9


def capped_count(rows: QuerySet[Any, Any] | Sequence[Any], cap: int) -> tuple[int, bool]:
    """``(count, exact)``: the number of rows when it is at most ``cap``; else ``(cap, False)`` — more than ``cap``.

    A queryset is counted as ``SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)``: without its ordering, and reading
    only the primary key (annotations it does not filter on are left out), so at most ``cap + 1`` rows are touched.
    """
    if not isinstance(rows, QuerySet):
        n = len(rows)
        return (n, True) if n <= cap else (cap, False)
    query = rows.query
    counted = rows.order_by()
    if not (query.group_by or query.values_select or query.distinct or query.combinator):
        counted = counted.values("pk")
    n = counted[: cap + 1].count()
    return (n, True) if n <= cap else (cap, False)


class CappedPage(Page):  # type: ignore[type-arg]  # django-stubs' Page is generic, the runtime class is not
    """A page of a ``CappedPaginator``; beyond the counted rows it knows whether a next page exists."""

    def __init__(self, object_list: Any, number: int, paginator: "CappedPaginator", *, has_more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._has_more = has_more

    def has_next(self) -> bool:
        if self._has_more is None:
            return bool(super().has_next())
        return self._has_more

    def end_index(self) -> int:
        if self._has_more is None:
            return int(super().end_index())
        return int(self.start_index()) + len(self.object_list) - 1


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # as CappedPage
    """Django's paginator with ``count`` capped at ``cap`` (``exact`` false above it: ``count`` is then a lower bound
    and ``num_pages`` the pages the count reaches; pages beyond are served while rows last)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = settings.PAGE_COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        rows = cast("QuerySet[Any, Any] | Sequence[Any]", self.object_list)  # what ``paginate`` passes
        return capped_count(rows, self.cap)

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number: Any) -> int:
        if self.exact:
            return int(super().validate_number(number))
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if wanted < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (wanted - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return wanted

    def page(self, number: Any) -> CappedPage:
        number = self.validate_number(number)
        if self.exact:
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return CappedPage(self.object_list[bottom:top], number, self)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, has_more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> CappedPage:
        """The page asked for; a bad number shows the first page, one past the rows the last counted page."""
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages
        try:
            return self.page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page_numbers(self, page: Page, *, on_each_side: int = 1, on_ends: int = 1) -> Iterator[Any]:  # type: ignore[type-arg]
        """The numbers a bar shows: as Django's elided range when the count is exact; else the first pages, the
        ones around the current page up to the next one (when there is one) and "…" after: no last page."""
        if self.exact:
            yield from self.get_elided_page_range(page.number, on_each_side=on_each_side, on_ends=on_ends)
            return
        # Pages up to the counted ones exist; past them only the next one is known to.
        last = min(page.number + on_each_side, max(self.num_pages, page.number + 1)) if page.has_next() else page.number
        shown = sorted({*range(1, on_ends + 1), *range(max(1, page.number - on_each_side), last + 1)})
        previous = 0
        for n in shown:
            if n > previous + 1:
                yield self.ELLIPSIS
            yield n
            previous = n
        if page.has_next():
            yield self.ELLIPSIS


def paginate(request: HttpRequest, queryset: QuerySet[Any, _T] | Sequence[_T], per_page: int | None = None) -> Page[_T]:
    """A page of the queryset; a bad or too-large page number shows the nearest page instead of an error. The count
    stops at ``settings.PAGE_COUNT_CAP`` (see the module's docstring)."""
    paginator = CappedPaginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
