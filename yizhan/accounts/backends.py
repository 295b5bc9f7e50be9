"""Log in by username or mobile number; lockout counts per account whichever of the two was typed."""

from django.contrib.auth.backends import ModelBackend

from yizhan.core.crypto import blind_index, normalize

from .models import MOBILE_RE, User


def _looks_like_mobile(login: str) -> bool:
    return bool(MOBILE_RE.match(normalize("mobile", login)))


def find_user(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    if _looks_like_mobile(login):
        user = User.all_objects.filter(mobile_index=blind_index("mobile", login)).first()
        if user is not None:
            return user
    return User.all_objects.filter(username=login).first()


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint that the account is missing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials) -> str:
    """What django-axes counts failures against: the account's username, never a plaintext mobile number."""
    login = ((credentials or {}).get("username") or "").strip()
    user = find_user(login)
    if user is not None:
        return user.username
    if _looks_like_mobile(login):
        return "mobile:" + blind_index("mobile", login)[:24]
    return login[:150]
