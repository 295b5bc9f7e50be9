"""The visit calendar's filters (GET): the area to narrow to (a drill-down by level, so no page ships every village
of a province as options) and, for a day's list, the day and which visits."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form

from . import selectors


class CalendarAreaForm(Form):
    area = forms.CharField(
        label=_("Area"),
        required=False,
        max_length=12,
        widget=forms.HiddenInput,
        validators=[RegexValidator(r"^\d{2,12}$", _("Choose an area from the list."))],
    )

    def clean_area(self):
        code = self.cleaned_data["area"]
        if not code:
            return None
        region = selectors.calendar_area(code)
        if region is None:  # outside the reader's scope answers like a code that does not exist
            raise forms.ValidationError(_("Choose an area from the list."))
        return region

    def chosen_area(self):
        return self.cleaned_data.get("area") if self.is_bound and not self.errors else None


class CalendarDayForm(CalendarAreaForm):
    SHOW_CHOICES = (("due", _("Due")), ("done", _("Visited")))

    day = forms.DateField(label=_("Date"))
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)
