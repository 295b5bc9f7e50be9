from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form
from yizhan.stations.forms import PlaceAdminFields, PlaceProfileForm
from yizhan.stations.models import Station

from .models import StudioMember


class StudioForm(PlaceProfileForm, PlaceAdminFields):
    shared_station = forms.ModelChoiceField(
        label=_("Shares premises with station"), queryset=Station.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shared_station"].queryset = Station.objects.select_related("region").order_by("region__code")
        self.fields["shared_station"].label_from_instance = lambda s: f"{s.region.name} · {s.display_name}"


class StudioMemberForm(Form):
    username = forms.CharField(label=_("Username of the person's account"), max_length=150)
    kind = forms.ChoiceField(label=_("Capacity"), choices=StudioMember.Kind.choices)
    can_lead = forms.BooleanField(label=_("Can lead a mediation"), required=False)
    organisation = forms.CharField(
        label=_("Organisation (law firm, social-work studio, counselling corner, shared court)"),
        max_length=100,
        required=False,
    )
