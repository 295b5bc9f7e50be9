"""Widgets of the project's UI kit.

``SearchableSelect`` and ``SearchableSelectMultiple`` render a native ``<select>`` marked ``data-searchable``;
``static/js/app.js`` turns it into a search box with tom-select (served from ``node_modules``, never a CDN). Without
JavaScript the native select still works, and what is posted is the same. The texts tom-select shows come from the
server in the user's language, as data attributes.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _


class _Searchable:
    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(name, value, attrs)  # type: ignore[misc]
        context["widget"]["attrs"].update(
            {
                "data-searchable": "",
                "data-no-results": _("Nothing matches. Try another part of the name."),
                "data-remove": _("Remove"),
                "data-placeholder": _("Type to search"),
            }
        )
        return context


class SearchableSelect(_Searchable, forms.Select):
    """One choice among many (a station among a district's, an account among a town's)."""


class SearchableSelectMultiple(_Searchable, forms.SelectMultiple):
    """Several choices among many, each shown with a button to remove it (no Ctrl-click)."""


class _Remote(_Searchable):
    """Renders only the chosen option(s) and ``data-source``, the URL of the endpoint tom-select loads the options
    from (``core/pickers.py``). ``source`` is a URL name, set by the field. Without JavaScript a text box under the
    select (``<noscript>``) takes a typed name or code, which the field looks up."""

    source = ""
    allow_multiple_selected: bool
    choices: Any

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-source": reverse(self.source) if self.source else "",
                "data-loading": _("Searching…"),
                "data-more": _("Loading more…"),
            }
        )
        context["widget"]["typed_label"] = _("Or type part of the name")
        return context

    def _chosen(self, values: list[str]) -> list[tuple[Any, str]]:
        """(value, label) of the chosen rows, read from the field's queryset (only those rows)."""
        field = getattr(self.choices, "field", None)
        if field is None:  # plain choices: keep the empty one and the chosen ones
            return [(v, str(label)) for v, label in self.choices if v == "" or str(v) in values]
        pairs: list[tuple[Any, str]] = []
        if field.empty_label is not None and not self.allow_multiple_selected:
            pairs.append(("", str(field.empty_label)))
        key = field.to_field_name or "pk"
        typed_values = [v for v in values if not v.isdigit()]  # a name typed without JavaScript
        if key == "pk":
            values = [v for v in values if v.isdigit() and int(v) <= 2**31 - 1]
        if (values or typed_values) and field.queryset is not None:
            try:
                rows = list(field.queryset.filter(**{f"{key}__in": values})) if values else []
            except (ValueError, TypeError, ValidationError):
                rows = []
            found = {str(field.prepare_value(row)) for row in rows}
            for typed in (v for v in typed_values if v not in found):
                try:
                    rows.append(field.to_python(typed))
                except ValidationError:
                    pass
            pairs += [(field.prepare_value(row), field.label_from_instance(row)) for row in rows if row is not None]
        return pairs

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> list[Any]:
        shown = [str(v) if v is not None else "" for v in value]  # as Django marks them ("" for nothing chosen)
        groups = []
        for index, (option_value, label) in enumerate(self._chosen([v for v in shown if v])):
            selected = str(option_value) in shown or option_value != ""  # only chosen rows are rendered
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)  # type: ignore[attr-defined]
            groups.append((None, [option], index))
        return groups


class RemoteSearchableSelect(_Remote, forms.Select):
    """One choice among more than a page can hold (a village of a province), searched on the server as you type."""

    template_name = "widgets/remote_select.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """The typed fallback (after the select, no JavaScript) wins when it holds something."""
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        typed = [v for v in values[1:] if v and str(v).strip()]
        return typed[-1] if typed else (values[0] if values else None)


class RemoteSearchableSelectMultiple(_Remote, forms.SelectMultiple):
    """Several choices among more than a page can hold, searched on the server; each shown with a remove button."""
