import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizhan.core import registry
from yizhan.core.forms import add_errors
from yizhan.core.pagination import paginate
from yizhan.core.permissions import is_admin, is_signed_in, requires
from yizhan.core.pickers import picker_response, region_search
from yizhan.core.scoping import require_scope
from yizhan.notifications.selectors import notification_list
from yizhan.regions.models import Region

from . import lockout, selectors, services, twofactor
from .forms import (
    ApiTokenForm,
    LoginForm,
    MembershipForm,
    PasswordChangeForm,
    PasswordResetForm,
    TwoFactorCodeForm,
    TwoFactorDisableForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    place_label,
)
from .middleware import SESSION_ENDED, SESSION_LOGIN_AT, password_change_reason
from .models import ApiToken, RoleMembership, User
from .permissions import can_manage_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.is_enabled(user):
            # Password is right; the session starts only after the one-time code.
            self.request.session[twofactor.SESSION_PENDING] = {
                "user_id": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
                "tries": 0,
            }
            return redirect("accounts:login_verify")
        return _complete_login(self.request, user, self.get_success_url(), verified=False)

    def form_invalid(self, form):
        login = form.data.get("username", "")
        if form.captcha_failed:  # the password was not checked; a locked account and address is told so first
            if not AxesProxyHandler.is_allowed(self.request, {"username": login}):
                services.login_failed_recorded(login=login)
                return locked_out(self.request)
        else:  # the password was checked (and django-axes counted the failure)
            services.login_failed_recorded(login=login)
        if lockout.captcha_required(login):
            form.require_captcha()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.session.pop(SESSION_ENDED, None):
            context.update(session_ended=True, session_hours=settings.SESSION_ABSOLUTE_LIFETIME // 3600)
        return context


def _complete_login(request, user, next_url, *, verified: bool):
    auth_login(request, user, backend=getattr(user, "backend", None))
    request.session[SESSION_LOGIN_AT] = time.time()
    request.session[twofactor.SESSION_VERIFIED] = verified
    services.login_recorded(user=user)
    response = HttpResponseRedirect(next_url)
    if user.language:
        response.set_cookie("django_language", user.language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def login_verify(request):
    """Second login step for accounts with two-factor on: the 6-digit code from the authenticator app."""
    pending = request.session.get(twofactor.SESSION_PENDING)
    if not pending or time.time() - pending["at"] > twofactor.PENDING_SECONDS:
        request.session.pop(twofactor.SESSION_PENDING, None)
        messages.error(request, _("Log in again: the code step timed out."))
        return redirect("accounts:login")
    # unscoped: the code step runs before login, when no scope exists yet
    user = User.all_objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.username}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(twofactor.SESSION_PENDING, None)
            return locked_out(request)
        user.backend = pending["backend"]
        if twofactor.verify(user=user, code=form.cleaned_data["code"]):
            request.session.pop(twofactor.SESSION_PENDING, None)
            return _complete_login(request, user, pending["next"], verified=True)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        services.login_failed_recorded(login=user.username)
        pending["tries"] += 1
        if pending["tries"] >= twofactor.MAX_TRIES:
            request.session.pop(twofactor.SESSION_PENDING, None)
            messages.error(request, _("Too many wrong codes. Log in again."))
            return redirect("accounts:login")
        request.session[twofactor.SESSION_PENDING] = pending
        form.add_error("code", _("The code is wrong or has expired. Enter the 6 digits your app shows now."))
    return render(request, "accounts/login_verify.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def two_factor(request):
    """Turn two-factor on (scan, confirm with a code) or off (password + code)."""
    user = request.user
    device = twofactor.device_of(user)
    enabled = device is not None and device.is_confirmed
    code_form, disable_form = TwoFactorCodeForm(), TwoFactorDisableForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start" and not enabled:
                device = twofactor.begin_setup(user=user)
            elif action == "confirm" and not enabled:
                code_form = TwoFactorCodeForm(request.POST)
                if code_form.is_valid():
                    twofactor.confirm_setup(user=user, code=code_form.cleaned_data["code"])
                    request.session[twofactor.SESSION_VERIFIED] = True
                    messages.success(request, _("Two-factor authentication is on."))
                    return redirect("accounts:two_factor")
            elif action == "disable" and enabled:
                disable_form = TwoFactorDisableForm(request.POST)
                if disable_form.is_valid():
                    twofactor.disable(user=user, **disable_form.cleaned_data)
                    request.session[twofactor.SESSION_VERIFIED] = False
                    messages.success(request, _("Two-factor authentication is off."))
                    return redirect("accounts:two_factor")
        except ValidationError as exc:
            add_errors(disable_form if action == "disable" else code_form, exc)
    pending_setup = device is not None and not device.is_confirmed
    context = {
        "enabled": enabled,
        "required": twofactor.is_required(user),
        "pending_setup": pending_setup,
        "qr": twofactor.qr_svg_data_uri(device) if pending_setup else "",
        "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)) if pending_setup else "",
        "code_form": code_form,
        "disable_form": disable_form,
    }
    has_errors = code_form.errors or disable_form.errors
    return render(request, "accounts/two_factor.html", context, status=400 if has_errors else 200)


@requires(is_admin)
@require_POST
def two_factor_reset(request, pk):
    """An admin turns off two-factor for a user who lost their phone (the user sets it up again)."""
    user = _get_user_or_404(pk)
    if not can_manage_user(require_scope(), user):
        raise PermissionDenied
    twofactor.disable(user=user, password="", code="", actor=request.user)
    messages.success(request, _("Two-factor authentication reset. The user sets it up again at next login."))
    return redirect("accounts:user_detail", pk=user.pk)


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes calls this when an account or an address is locked."""
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "locked": True}, status=429)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_recorded(user=request.user)
    return auth_views.LogoutView.as_view()(request)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        try:
            services.password_set(
                user=self.request.user, password=form.cleaned_data["new_password1"], changed_by=self.request.user
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(change_reason=password_change_reason(self.request.user), **kwargs)


@require_POST
def set_language(request):
    """Switch the interface language; remembered in a cookie and, when signed in, on the account."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.user.is_authenticated:
        services.language_set(user=request.user, language=language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@requires(is_signed_in)
def api_tokens(request):
    """The user's own API tokens: make one (its key is shown on this answer only), see them, revoke them."""
    form = ApiTokenForm(request.POST or None)
    new_token, new_key = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = services.api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "page": paginate(request, selectors.api_tokens(request.user)),
        "new_token": new_token,
        "new_key": new_key,
        "now": timezone.now(),
    }
    return render(request, "accounts/api_tokens.html", context, status=400 if form.errors else 200)


@requires(is_signed_in)
@require_POST
def api_token_revoke(request, pk):
    try:
        token = selectors.api_token_get(pk)  # scoped: the user's own tokens only, others are 404
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    services.api_token_revoke(token=token, revoked_by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@login_required
def home(request):
    return render(
        request,
        "accounts/home.html",
        {
            "panels": registry.home_panels(request),
            "memberships": selectors.memberships_with_places(request.user.active_memberships()),
            "notifications": list(notification_list().filter(read_at__isnull=True)[:5]),
        },
    )


def _grantable_regions(scope):
    """Places an admin can pick: their own region(s) and everything below (villages, towns…)."""
    return Region.objects.order_by("code")


@requires(is_admin)
def pick_places(request):
    """A page of the regions an admin can give a role at (``core/pickers.py``)."""
    return picker_response(
        request, _grantable_regions(require_scope()), search=region_search, label=place_label, value=lambda r: r.code
    )


def _search_redirect(data):
    """Searches are posted and answered with a redirect whose URL carries a blind-index token instead of a full
    mobile number, so numbers never reach URLs, browser history or access logs."""
    params = QueryDict(mutable=True)
    q, role = (data.get("q") or "").strip(), data.get("role") or ""
    key = selectors.search_key(q)
    if key:
        params["key"] = key
    elif q:
        params["q"] = q
    if role:
        params["role"] = role
    return redirect(f"{reverse('accounts:user_list')}?{params.urlencode()}")


@requires(is_admin)
def user_list(request):
    if request.method == "POST" or selectors.search_key(request.GET.get("q", "")):
        return _search_redirect(request.POST if request.method == "POST" else request.GET)
    form = UserFilterForm(request.GET or None)
    if form.errors:
        users = User.objects.none()
    elif form.is_bound:
        data = form.cleaned_data
        users = selectors.user_list(search=data["q"], role=data["role"], key=data["key"])
    else:
        users = selectors.user_list()
    return render(
        request,
        "accounts/user_list.html",
        {"page": paginate(request, users), "form": form},
        status=400 if form.errors else 200,
    )


@requires(is_admin)
def user_create(request):
    scope = require_scope()
    form = UserCreateForm(request.POST or None, regions=_grantable_regions(scope))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(created_by=request.user, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("region", _("You cannot give this role at this place."))
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200)


def _get_user_or_404(pk):
    try:
        return selectors.user_get(pk)
    except (selectors.User.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@requires(is_admin)
def user_detail(request, pk):
    user = _get_user_or_404(pk)
    scope = require_scope()
    manageable = can_manage_user(scope, user)
    regions = _grantable_regions(scope)
    edit_form = UserEditForm(
        request.POST if request.method == "POST" else None,
        initial={"name": user.name, "mobile": "", "email": user.email, "is_active": user.is_active},
    )
    if request.method == "POST":
        if not manageable:
            raise PermissionDenied
        if edit_form.is_valid():
            data = edit_form.cleaned_data
            mobile = data["mobile"] or ("" if request.POST.get("clear_mobile") else user.mobile)
            try:
                services.user_update(
                    user=user,
                    changed_by=request.user,
                    name=data["name"],
                    mobile=mobile,
                    email=data["email"],
                    is_active=data["is_active"],
                )
            except ValidationError as exc:
                add_errors(edit_form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("accounts:user_detail", pk=user.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "manageable": manageable,
            "edit_form": edit_form,
            "memberships": selectors.user_memberships(user),
            "membership_form": MembershipForm(regions=regions),
            "password_form": PasswordResetForm(),
            "two_factor_enabled": twofactor.is_enabled(user),
        },
        status=400 if edit_form.errors else 200,
    )


@requires(is_admin)
@require_POST
def membership_add(request, pk):
    user = _get_user_or_404(pk)
    form = MembershipForm(request.POST, regions=_grantable_regions(require_scope()))
    if form.is_valid():
        try:
            services.membership_grant(user=user, granted_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("You cannot give this role at this place."))
        else:
            messages.success(request, _("Role added."))
    else:
        messages.error(request, _("Choose a role and a place."))
    return redirect("accounts:user_detail", pk=user.pk)


@requires(is_admin)
@require_POST
def membership_revoke(request, pk, membership_pk):
    user = _get_user_or_404(pk)
    # unscoped: a role of a user in scope; can_grant decides before revoking
    membership = RoleMembership.all_objects.filter(user=user, pk=membership_pk).select_related("region").first()
    if membership is None:
        raise Http404
    try:
        services.membership_revoke(membership=membership, revoked_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:user_detail", pk=user.pk)


@requires(is_admin)
@require_POST
def password_reset(request, pk):
    user = _get_user_or_404(pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.password_set(user=user, password=form.cleaned_data["password"], changed_by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Password reset. Tell the user their new password in person."))
    else:
        messages.error(request, _("Enter a new password."))
    return redirect("accounts:user_detail", pk=user.pk)


def root(request):
    return redirect(reverse("accounts:home") if request.user.is_authenticated else reverse("accounts:login"))
