"""Query pieces that keep a list's cost the page's (docs/issue-12-province-scale.md)."""

from typing import Any

from django.db.models import Count, IntegerField, Manager, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(rows: "Manager[Any] | QuerySet[Any]", fk: str, *, outer: str = "pk") -> Coalesce:
    """The number of ``rows`` whose ``fk`` is the outer row (0 when none), as a correlated subquery.

    ``Count("rooms")`` on a list joins every room to every row and groups them all before ``LIMIT``: with two such
    counts the join multiplies (stations × rooms × items). The subquery is run for the rows of the page only.
    ``rows`` is usually ``Model.all_objects`` (the outer rows are already scoped; say so with ``# unscoped:``),
    narrowed with ``.filter(...)`` for a conditional count.
    """
    qs = rows.all() if isinstance(rows, Manager) else rows
    counted = qs.filter(**{fk: OuterRef(outer)}).order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
