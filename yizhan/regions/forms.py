from django import forms
from django.utils.translation import gettext_lazy as _


class VillageForm(forms.Form):
    code = forms.CharField(label=_("Code (12 digits)"), max_length=12, min_length=12)
    name = forms.CharField(label=_("Name"), max_length=100)
