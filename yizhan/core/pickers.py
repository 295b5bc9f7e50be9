"""Pickers that do not ship the province: fields whose options are searched on the server, a page at a time.

A picker is one form field and one JSON endpoint over the same scoped queryset:

- the field, ``RemoteModelChoiceField`` (or ``RemoteModelMultipleChoiceField``), renders only the chosen option(s)
  and the endpoint's URL (``RemoteSearchableSelect`` in ``core/widgets.py``); ``static/js/app.js`` has tom-select
  load the options from that URL as the user types (the first page when the box gets the focus, more on scrolling).
  It validates against its scoped queryset, so a forged value outside the scope is refused with the field's own
  translated message.
- the endpoint, a thin view in the app that owns the data, answers ``?q=&page=`` with ``picker_response``: at most
  ``PAGE_SIZE`` ``{value, text}`` rows. A bad page number gives the first page, one past the end the last.

Without JavaScript the page shows the chosen value and, under it, a text box (``<noscript>``): a name (or part of
one) or a code typed there is looked up in the same scoped queryset with the same search, and taken when exactly one
row matches (else the field says to type more).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

from .forms import Form
from .text import SEARCH_MAX_LENGTH
from .widgets import RemoteSearchableSelect, RemoteSearchableSelectMultiple

PAGE_SIZE = 20
MAX_ID = 2**31 - 1
MAX_PAGE = 10_000  # deeper than anyone scrolls a drop-down; a larger number is read as the last page

Search = Callable[[QuerySet[Any], str], QuerySet[Any]]

if TYPE_CHECKING:  # generic for django-stubs only
    _ModelChoiceField = forms.ModelChoiceField[Any]
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField[Any]
else:
    _ModelChoiceField = forms.ModelChoiceField
    _ModelMultipleChoiceField = forms.ModelMultipleChoiceField


def region_search(queryset: QuerySet[Any], q: str, *, prefix: str = "") -> QuerySet[Any]:
    """Regions whose name holds ``q``, or (digits) whose code starts with it. ``prefix``: the path to the region."""
    q = q.strip()
    if not q:
        return queryset
    match = Q(**{f"{prefix}name__icontains": q})
    if q.isdigit():
        match |= Q(**{f"{prefix}code__startswith": q})
    return queryset.filter(match)


def name_search(*fields: str) -> Search:
    """A search for ``q`` as a substring of any of ``fields`` (``"name"``, ``"region__name"`` …)."""

    def search(queryset: QuerySet[Any], q: str) -> QuerySet[Any]:
        q = q.strip()
        if not q:
            return queryset
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": q})
        return queryset.filter(match)

    return search


class PickerQuery(Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH)
    page = forms.CharField(required=False, max_length=12)


def _page_number(text: str) -> int:
    text = (text or "").strip()
    return min(int(text), MAX_PAGE) if text.isdigit() and int(text) >= 1 else 1


def picker_response(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    search: Search,
    label: Callable[[Any], str],
    value: Callable[[Any], Any] = lambda obj: obj.pk,
) -> JsonResponse:
    """One page of ``queryset`` (scoped and ordered by the caller) searched for ``?q=``, as
    ``{"results": [{"value", "text"}], "page": n, "more": bool}``. A query that is too long or holds control
    characters is answered 400 with the reason."""
    form = PickerQuery(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(str(m) for ms in form.errors.values() for m in ms)}, status=400)
    found = search(queryset, form.cleaned_data["q"])
    page = _page_number(form.cleaned_data["page"])
    rows = list(found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    if not rows and page > 1:  # past the end: the last page
        page = max(1, -(-found.count() // PAGE_SIZE))
        rows = list(found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    results = [{"value": str(value(obj)), "text": label(obj)} for obj in rows[:PAGE_SIZE]]
    return JsonResponse({"results": results, "page": page, "more": len(rows) > PAGE_SIZE})


class _RemoteChoice:
    """What both remote fields share: the endpoint (a URL name) and the search a typed fallback value goes through."""

    queryset: Any  # the field's scoped queryset (ModelChoiceField's property)
    widget: Any  # a RemoteSearchableSelect(Multiple)

    def __init__(self, *args: Any, source: str, search: Search, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.search = search
        self.widget.source = source

    def find_typed(self, text: str) -> Model:
        """The one row the typed text finds (no JavaScript), else the field's error saying what to do."""
        rows: list[Model] = list(self.search(self.queryset, text)[:2])
        if len(rows) == 1:
            return rows[0]
        raise ValidationError(
            _("Several match “%(text)s”: type more of the name.") if rows else _("Nothing matches “%(text)s”."),
            code="invalid_choice",
            params={"text": text},
        )


class RemoteModelChoiceField(_RemoteChoice, _ModelChoiceField):
    """A choice among a scoped queryset too large to list, searched through ``source`` (a URL name)."""

    widget = RemoteSearchableSelect

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if self.to_field_name is None and text.isdigit() and int(text) > MAX_ID:  # SQLite would overflow
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        try:
            return super().to_python(value)
        except ValidationError:
            if text and not text.isdigit() and len(text) <= SEARCH_MAX_LENGTH:
                return self.find_typed(text)
            raise


class RemoteModelMultipleChoiceField(_RemoteChoice, _ModelMultipleChoiceField):
    """Several choices among a scoped queryset too large to list (JavaScript only: no typed fallback)."""

    widget = RemoteSearchableSelectMultiple
