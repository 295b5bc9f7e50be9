"""Forms of check-in, the desk, the summary and the satisfaction answers."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.forms import Form
from yizhan.core.images import MAX_BYTES
from yizhan.core.text import SEARCH_MAX_LENGTH

from .models import COMMENT_MAX, MAX_COUNT, SCORE_MAX, SCORE_MIN, SUMMARY_MAX
from .services.checkin import NAME_MAX
from .services.summary import MAX_PHOTOS

MOBILE_INPUT_MAX = 20  # 11 digits, with room for spaces or hyphens typed by hand


class CheckInForm(Form):
    mobile_or_code = forms.CharField(
        label=_("The mobile number you registered with, or your registration code"),
        help_text=_("The registration code has 8 digits: you got it when you signed up."),
        max_length=MOBILE_INPUT_MAX,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class DeskSearchForm(Form):
    q = forms.CharField(
        label=_("Name, last four digits of the mobile number, or No."),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
    )


class WalkInForm(Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    mobile = forms.CharField(
        label=_("Mobile number (optional)"),
        max_length=MOBILE_INPUT_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); the services check each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"multiple": True, "accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class SummaryForm(Form):
    text = forms.CharField(
        label=pgettext_lazy("activity", "Summary"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    participants = forms.IntegerField(
        label=_("Participants (everyone who took part)"), min_value=0, max_value=MAX_COUNT
    )
    walk_ins = forms.IntegerField(label=_("Of whom walk-ins"), min_value=0, max_value=MAX_COUNT, initial=0)
    photos = MultipleFileField(
        label=_("Photos (JPEG, PNG or WebP, at most %(mb)d MB each, up to %(n)d)")
        % {"mb": MAX_BYTES // (1024 * 1024), "n": MAX_PHOTOS},
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("participants") is not None and data.get("walk_ins") is not None:
            if data["walk_ins"] > data["participants"]:
                self.add_error(
                    "walk_ins",
                    _("The walk-ins are part of the participants: at most %(n)s.") % {"n": data["participants"]},
                )
        if len(data.get("photos") or []) > MAX_PHOTOS:
            self.add_error("photos", _("An activity keeps at most %(n)s photos.") % {"n": MAX_PHOTOS})
        return data


SCORES = [(str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class FeedbackForm(Form):
    participation = forms.TypedChoiceField(
        label=_("Sense of participation (活动感)"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    safety = forms.TypedChoiceField(
        label=_("Sense of safety (安全感)"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    happiness = forms.TypedChoiceField(
        label=_("Sense of happiness (幸福感)"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything else you want to tell us (optional; do not write names)"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoverForm(Form):
    """The cover photo of an activity: one image, checked by the service (``core/images.py``)."""

    image = forms.FileField(
        label=_("Cover photo (JPEG, PNG or WebP, at most %(mb)d MB)") % {"mb": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
