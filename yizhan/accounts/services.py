"""Account writes: creating users, granting roles, passwords, language, API tokens. Atomic and audited."""

import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index
from yizhan.core.scoping import require_scope
from yizhan.notifications.tasks import send_welcome_notification

from .backends import lockout_username
from .models import API_TOKEN_PREFIX, ApiToken, RoleMembership, User
from .permissions import can_grant, can_manage_user


def _check_mobile_free(mobile: str, exclude_pk=None):
    if not mobile:
        return
    clash = User.all_objects.filter(mobile_index=blind_index("mobile", mobile))
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"mobile": _("Another account already uses this mobile number.")})


def user_create(*, created_by, username, name, password, role, region, mobile="", email="") -> User:
    """An admin creates an account holding one role at one place. A welcome notification follows. The initial
    password is the admin's: the user must change it at the first login."""
    scope = require_scope()
    if not can_grant(scope, role, region):
        raise PermissionDenied
    user = User(
        username=(username or "").strip(),
        name=(name or "").strip(),
        mobile=(mobile or "").strip(),
        email=email,
        password_change_required=True,
    )
    user.full_clean(exclude=["password"])
    validate_password(password, user)  # the unsaved user still holds the plain mobile number to compare with
    _check_mobile_free(user.mobile)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            membership = RoleMembership.all_objects.create(user=user, role=role, region=region, created_by=created_by)
            user._memberships_cache = [membership]
            audit.log_create(created_by, user, region_code=region.code)
            audit.log_create(created_by, membership)
            transaction.on_commit(lambda: send_welcome_notification.enqueue(user_id=user.pk))
    except IntegrityError as exc:  # a concurrent create with the same username
        raise ValidationError({"username": _("A user with that username already exists.")}) from exc
    return user


def user_update(*, user: User, changed_by, name, mobile="", email="", is_active=True) -> User:
    scope = require_scope()
    if not can_manage_user(scope, user):
        raise PermissionDenied
    with transaction.atomic():
        before = audit.snapshot(user, fields=["name", "mobile", "email", "is_active"])
        user.name, user.mobile, user.email, user.is_active = (
            (name or "").strip(),
            (mobile or "").strip(),
            email,
            is_active,
        )
        user.full_clean(exclude=["password"])
        _check_mobile_free(user.mobile, exclude_pk=user.pk)
        user.save()
        audit.log_update(changed_by, user, before)
    return user


def membership_grant(*, user: User, role: str, region, granted_by) -> RoleMembership:
    scope = require_scope()
    if not can_grant(scope, role, region) or not (can_manage_user(scope, user) or scope.unrestricted):
        raise PermissionDenied
    with transaction.atomic():
        membership, created = RoleMembership.all_objects.get_or_create(
            user=user, role=role, region=region, defaults={"created_by": granted_by}
        )
        if not created and membership.is_active:
            raise ValidationError(_("The user already holds this role at this place."))
        if not created:
            before = audit.snapshot(membership, fields=["is_active"])
            membership.is_active = True
            membership.save(update_fields=["is_active"])
            audit.log_update(granted_by, membership, before)
        else:
            audit.log_create(granted_by, membership)
    return membership


def membership_revoke(*, membership: RoleMembership, revoked_by) -> RoleMembership:
    scope = require_scope()
    if not can_manage_user(scope, membership.user) or not can_grant(scope, membership.role, membership.region):
        raise PermissionDenied
    with transaction.atomic():
        active_left = RoleMembership.all_objects.filter(user=membership.user, is_active=True).exclude(pk=membership.pk)
        if not active_left.exists():
            raise ValidationError(_("A user needs at least one role. Deactivate the account instead."))
        before = audit.snapshot(membership, fields=["is_active"])
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit.log_update(revoked_by, membership, before)
    return membership


def password_set(*, user: User, password: str, changed_by) -> User:
    """Set a password (the user's own change, or an admin's reset). Validated against the policy, and never the
    current one again. After an admin's reset the user must change it at the next login; the user's own change
    clears that. An admin's reset also revokes the user's API tokens."""
    own = changed_by.pk == user.pk
    if not own and not can_manage_user(require_scope(), user):
        raise PermissionDenied
    validate_password(password, user)
    if user.check_password(password):
        raise ValidationError(_("The new password must differ from the current one."), code="password_unchanged")
    with transaction.atomic():
        before = audit.snapshot(user, fields=["password_change_required"])
        user.set_password(password)
        user.password_change_required = not own
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_change_required", "password_changed_at"])
        changes: dict[str, object] = {"password": ["******", "******"]}
        if before["password_change_required"] != user.password_change_required:
            changes["password_change_required"] = [before["password_change_required"], user.password_change_required]
        audit.record(actor=changed_by, action=audit.Action.UPDATE, target=user, changes=changes)
        if not own:  # an admin's reset: whoever knew the old password may have made tokens with it
            for token in ApiToken.all_objects.filter(user=user, revoked_at__isnull=True):
                before_token = audit.snapshot(token, fields=["revoked_at"])
                token.revoked_at = user.password_changed_at
                token.save(update_fields=["revoked_at"])
                audit.log_update(changed_by, token, before_token)
    return user


def language_set(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def login_recorded(*, user: User) -> None:
    audit.record(actor=user, action=audit.Action.LOGIN, target=user, region_code="")


def login_failed_recorded(*, login: str) -> None:
    audit.record(actor=None, action=audit.Action.LOGIN_FAILED, target_repr=lockout_username(None, {"username": login}))


def logout_recorded(*, user: User) -> None:
    audit.record(actor=user, action=audit.Action.LOGOUT, target=user, region_code="")


# --- API tokens (docs/CONVENTIONS.md, "API tokens") ----------------------------------------------------------------

API_TOKEN_LIVE_LIMIT = 20  # tokens one account may hold that are neither revoked nor expired
API_TOKEN_LAST_USED_PRECISION = timedelta(minutes=1)  # last_used_at is written at most once a minute per token


def api_token_create(*, user: User, name: str, access: str, days: int) -> tuple[ApiToken, str]:
    """A new token for the user's own non-browser client. Returns the token and its key: the key is shown to the user
    this once and never kept (only its SHA-256 and first characters are)."""
    now = timezone.now()
    live = ApiToken.all_objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if live.count() >= API_TOKEN_LIVE_LIMIT:
        raise ValidationError(
            _("You already have %(count)d tokens in use. Revoke one you no longer need first.")
            % {"count": API_TOKEN_LIVE_LIMIT}
        )
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        access=access,
        prefix=key[: len(API_TOKEN_PREFIX) + 8],
        digest=ApiToken.digest_of(key),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    token.full_clean(exclude=["user", "digest"])
    with transaction.atomic():
        token.save()
        audit.log_create(user, token)
    return token, key


def api_token_revoke(*, token: ApiToken, revoked_by: User) -> ApiToken:
    """The owner revokes a token: it stops working at once. Revoking a revoked token changes nothing."""
    if token.user_id != revoked_by.pk:
        raise PermissionDenied
    if token.is_revoked:
        return token
    with transaction.atomic():
        before = audit.snapshot(token, fields=["revoked_at"])
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.log_update(revoked_by, token, before)
    return token


def api_token_used(*, token: ApiToken) -> None:
    """Note that a token was just used (to the minute). Not audited: a side effect of using the API, like Django's
    ``last_login`` (the token's creation and revocation are)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_LAST_USED_PRECISION:
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
