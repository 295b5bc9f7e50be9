"""Widgets of the project's UI kit.

``SearchableSelect`` and ``SearchableSelectMultiple`` render a native ``<select>`` marked ``data-searchable``;
``static/js/app.js`` turns it into a search box with tom-select (served from ``node_modules``, never a CDN). Without
JavaScript the native select still works, and what is posted is the same. The texts tom-select shows come from the
server in the user's language, as data attributes.
"""

from typing import Any

from django import forms
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
