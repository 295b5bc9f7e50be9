"""Forms of online requests for mediation: the resident's (public page) and the studio's answer."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form

from .models import DisputeType
from .services.requests import CONTACT_TIME_MAX, DESCRIPTION_MAX, NAME_MAX, REASON_MAX


class OnlineRequestForm(Form):
    """What a resident sends; the service checks it (the page shows its messages on the fields)."""

    name = forms.CharField(label=_("Your name"), max_length=NAME_MAX, required=False)
    mobile = forms.CharField(label=_("Your mobile number"), max_length=20, required=False)
    dispute_type = forms.ModelChoiceField(
        label=_("What kind of dispute (if you know)"),
        queryset=DisputeType.objects.none(),
        required=False,
        empty_label=_("Not sure"),
    )
    description = forms.CharField(
        label=_("What happened, in a few sentences"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    contact_time = forms.CharField(
        label=_("When can the mediator call you? (optional)"), max_length=CONTACT_TIME_MAX, required=False
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the studio keeps what I send (my name and number encrypted) to call me back about "
            "mediation, and uses it for nothing else."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["dispute_type"]).queryset = DisputeType.objects.filter(
            is_active=True
        ).order_by("sort_order", "code")


class DeclineRequestForm(Form):
    reason = forms.CharField(label=_("Why it is declined"), max_length=REASON_MAX, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TakeInRequestForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
