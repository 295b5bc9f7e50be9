"""TOTP two-factor authentication (RFC 6238) for staff accounts: setup, verification, disabling.

Secrets live in the foundation's encrypted field; a code is accepted once (replay protection); wrong codes count
toward the same login lockout as wrong passwords.
"""

import base64
import io
import time

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit

from .models import TwoFactorDevice, User

ISSUER = "Yizhan 驿站"
VALID_WINDOW = 1  # accept the previous and next 30-second step too (clock drift)


def device_of(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.all_objects.filter(user=user).first()


def is_enabled(user: User) -> bool:
    device = device_of(user)
    return device is not None and device.is_confirmed


def is_required(user: User) -> bool:
    """Whether policy forces this account to use two-factor (settings.TWO_FACTOR_REQUIRED_ROLES)."""
    required = set(settings.TWO_FACTOR_REQUIRED_ROLES)
    if not required:
        return False
    return user.is_superuser or any(m.role in required for m in user.active_memberships())


def begin_setup(*, user: User) -> TwoFactorDevice:
    """A new, unconfirmed secret (replacing an unconfirmed one). Confirmed devices must be disabled first."""
    device = device_of(user)
    if device is not None and device.is_confirmed:
        raise ValidationError(_("Two-factor authentication is already on."))
    with transaction.atomic():
        if device is None:
            device = TwoFactorDevice(user=user)
        device.secret = pyotp.random_base32()
        device.last_used_step = 0
        device.save()
        audit.record(
            actor=user, action=audit.Action.UPDATE, target=user, changes={"two_factor_setup": [None, "new secret"]}
        )
    return device


def provisioning_uri(device: TwoFactorDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=ISSUER)


def qr_svg_data_uri(device: TwoFactorDevice) -> str:
    image = qrcode.make(provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _accept(device: TwoFactorDevice, code: str) -> bool:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = int(now // totp.interval) + offset
        if step > device.last_used_step and totp.at(step * totp.interval) == code:
            # Record the step atomically: two requests with the same code cannot both pass.
            updated = TwoFactorDevice.all_objects.filter(pk=device.pk, last_used_step__lt=step).update(
                last_used_step=step
            )
            if updated:
                device.last_used_step = step
                return True
    return False


def confirm_setup(*, user: User, code: str) -> TwoFactorDevice:
    device = device_of(user)
    if device is None or device.is_confirmed:
        raise ValidationError(_("Start the set-up again."))
    if not _accept(device, code):
        raise ValidationError({"code": _("The code is wrong or has expired. Enter the 6 digits your app shows now.")})
    with transaction.atomic():
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        audit.record(actor=user, action=audit.Action.UPDATE, target=user, changes={"two_factor": [False, True]})
    return device


def verify(*, user: User, code: str) -> bool:
    device = device_of(user)
    return device is not None and device.is_confirmed and _accept(device, code)


def disable(*, user: User, password: str, code: str, actor: User | None = None) -> None:
    """The user turns it off with password and a current code; an admin resets it for a user who lost the phone."""
    actor = actor or user
    device = device_of(user)
    if device is None:
        return
    if actor.pk == user.pk:
        if not user.check_password(password or ""):
            raise ValidationError({"password": _("The password is wrong.")})
        if device.is_confirmed and not _accept(device, code):
            raise ValidationError(
                {"code": _("The code is wrong or has expired. Enter the 6 digits your app shows now.")}
            )
    with transaction.atomic():
        device.delete()
        audit.record(actor=actor, action=audit.Action.UPDATE, target=user, changes={"two_factor": [True, False]})


# Session keys: the password step passed (waiting for the code), and the code step passed.
SESSION_PENDING = "two_factor_pending"
SESSION_VERIFIED = "two_factor_verified"
PENDING_SECONDS = 300
MAX_TRIES = 5
