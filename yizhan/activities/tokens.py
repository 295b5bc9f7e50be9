"""Signed tokens in the check-in and feedback QR codes (``django.core.signing``, one salt per purpose).

A token names one activity and the activity's end as it was when the code was made; it is checked against the
activity as it is now. Nothing is stored: a forged token fails the signature, a token of another purpose fails its
salt, a code printed before the activity was moved is out of date. When a token is accepted is the services' rule
(check-in: from an hour before the start until the end; feedback: from the start until a week after the end).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from .models import Activity

CHECKIN_SALT = "yizhan.activities.checkin"
FEEDBACK_SALT = "yizhan.activities.feedback"
TOKEN_MAX = 200  # longer input is refused before any signature check


class TokenError(Exception):
    """A token that is not valid; ``message`` says why, translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TokenData:
    activity_id: int
    ends: int


def _make(activity: Activity, salt: str) -> str:
    return signing.dumps({"a": activity.pk, "e": int(activity.ends_at.timestamp())}, salt=salt, compress=False)


def checkin_token(activity: Activity) -> str:
    return _make(activity, CHECKIN_SALT)


def feedback_token(activity: Activity) -> str:
    return _make(activity, FEEDBACK_SALT)


def _read(token: str, salt: str) -> TokenData:
    if not token or len(token) > TOKEN_MAX:
        raise TokenError(_("This QR code is not valid."))
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature as exc:
        raise TokenError(_("This QR code is not valid.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("e"), int):
        raise TokenError(_("This QR code is not valid."))
    return TokenData(activity_id=data["a"], ends=data["e"])


def read_checkin(token: str) -> TokenData:
    return _read(token, CHECKIN_SALT)


def read_feedback(token: str) -> TokenData:
    return _read(token, FEEDBACK_SALT)


def matches(data: TokenData, activity: Activity) -> bool:
    """Whether the token was made for this activity as it is now (not before it was moved)."""
    return data.activity_id == activity.pk and data.ends == int(activity.ends_at.timestamp())
