from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.core.pickers import RemoteModelChoiceField, region_search
from yizhan.stations.forms import DateInput


class CoveragePlanForm(Form):
    village = forms.CharField(widget=forms.HiddenInput, max_length=12)
    station_target = forms.DateField(label=_("Station target date"), required=False, widget=DateInput())
    studio_target = forms.DateField(label=_("Studio target date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


def region_label(region) -> str:
    return f"{region.name} · {region.get_level_display()}"


class CoverageRegionForm(Form):
    """The coverage page's region picker: a region above a village in scope (province, city, district or town),
    searched through ``insights:pick_regions`` (a province holds 1,400 towns)."""

    region = RemoteModelChoiceField(
        label=_("Region"),
        queryset=None,
        to_field_name="code",
        source="insights:pick_regions",
        search=region_search,
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label_from_instance = region_label
