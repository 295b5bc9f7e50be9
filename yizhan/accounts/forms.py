from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from yizhan.core.forms import Form, TextInputMixin
from yizhan.core.pickers import RemoteModelChoiceField, region_search
from yizhan.core.text import SEARCH_MAX_LENGTH
from yizhan.regions.models import Region

from . import lockout
from .models import API_TOKEN_MAX_DAYS, ApiToken, Role, validate_mobile


class LoginForm(TextInputMixin, auth_forms.AuthenticationForm):
    """Username (or mobile number) and password; plus an image CAPTCHA while the account is under attack
    (``lockout.captcha_required``). A missing or wrong CAPTCHA stops the login before the password is checked."""

    username = forms.CharField(label=_("Username or mobile number"), max_length=150)

    error_messages = {
        "invalid_login": _(
            "The username/mobile number or password is wrong. After 5 failed tries the account is locked "
            "for 15 minutes on this computer."
        ),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if self.is_bound and lockout.captcha_required(self.data.get("username", "")):
            self.require_captcha()

    def require_captcha(self) -> None:
        if "captcha" not in self.fields:
            self.fields["captcha"] = CaptchaField(
                label=_("Characters in the picture"),
                help_text=_("This account had many failed logins. Type the characters shown in the picture."),
                error_messages={
                    "invalid": _("The characters do not match the picture. Type the ones in the new picture."),
                    "required": _("Type the characters shown in the picture."),
                },
            )

    @property
    def captcha_failed(self) -> bool:
        return "captcha" in self.errors

    def clean(self):
        if self.captcha_failed:
            return self.cleaned_data  # no password check without the CAPTCHA
        return super().clean()


def place_label(region) -> str:
    return f"{region.name} · {region.get_level_display()}"


class PlaceChoiceField(RemoteModelChoiceField):
    """A region an admin can give a role at (a province's 22,000), searched by name or code through
    ``accounts:pick_places``."""

    def __init__(self, **kwargs):
        super().__init__(source="accounts:pick_places", search=region_search, **kwargs)

    def label_from_instance(self, obj):
        return place_label(obj)


def _region_field(label):
    return PlaceChoiceField(label=label, queryset=Region.objects.none(), to_field_name="code")


class UserFilterForm(Form):
    """The filter bar of the user list (GET). ``key`` is the blind-index token a search by mobile number leaves."""

    q = forms.CharField(
        label=_("Search (username, name or full mobile number)"), required=False, max_length=SEARCH_MAX_LENGTH
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *Role.choices])
    key = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)


class UserCreateForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False, validators=[validate_mobile])
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = _region_field(_("Place"))
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class UserEditForm(Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    mobile = forms.CharField(label=_("Mobile number"), max_length=20, required=False, validators=[validate_mobile])
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class MembershipForm(Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region = _region_field(_("Place"))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class PasswordResetForm(Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)


class TwoFactorCodeForm(Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class TwoFactorDisableForm(Form):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    code = forms.CharField(label=_("6-digit code from your authenticator app"), max_length=10)


class PasswordChangeForm(TextInputMixin, auth_forms.PasswordChangeForm):
    """Django's password change, with the project's rule on text."""


class ApiTokenForm(Form):
    """A new API token for one of the user's own clients: what it is for, what it may do, how long it lives."""

    LIFETIMES = (30, 90, 180, API_TOKEN_MAX_DAYS)

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        widget=forms.TextInput(attrs={"aria-describedby": "id_name-help"}),
        help_text=_("What the token is for, so that you can tell your tokens apart, e.g. “WeChat mini-program”."),
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Access.choices,
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
        help_text=_("Read only: the client can look data up but change nothing. Give write access only if needed."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=90,
        choices=[(days, _("%(days)d days") % {"days": days}) for days in LIFETIMES],
    )
