from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.stations.forms import DateInput


class CoveragePlanForm(Form):
    village = forms.CharField(widget=forms.HiddenInput, max_length=12)
    station_target = forms.DateField(label=_("Station target date"), required=False, widget=DateInput())
    studio_target = forms.DateField(label=_("Studio target date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
