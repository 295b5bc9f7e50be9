from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.forms import Form
from yizhan.core.text import SEARCH_MAX_LENGTH


class VillageForm(Form):
    code = forms.CharField(label=_("Code (12 digits)"), max_length=12, min_length=12)
    name = forms.CharField(label=pgettext_lazy("place", "Name"), max_length=100)


class RegionSearchForm(Form):
    """The search box of the region list (GET)."""

    q = forms.CharField(label=_("Search by name or code"), required=False, max_length=SEARCH_MAX_LENGTH)
