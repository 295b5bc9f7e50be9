"""Login lockout that protects accounts without locking offices (django-axes with this project's handler).

Three counters over the failed logins of the last ``AXES_COOLOFF_TIME`` (django-axes' ``AccessAttempt`` rows, one per
account, address and browser):

- **account and address together** (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``): after
  ``AXES_FAILURE_LIMIT`` (5) wrong passwords, this account cannot log in *from this address*. Colleagues behind the
  same village NAT or the same reverse proxy still log in, and so does the account's owner from elsewhere;
- **address alone**: ``LOGIN_ADDRESS_FAILURE_LIMIT`` (50) failures from one address, across any accounts, lock that
  address (someone there is guessing many accounts);
- **account alone**: ``LOGIN_CAPTCHA_AFTER`` (5) failures for one account, from any addresses, do not lock it (the
  attacker would control that lock) but make every login of that account solve an image CAPTCHA first
  (django-simple-captcha, drawn on this server).

Accounts are counted by ``backends.lockout_username`` (the username, whether the username or the mobile number was
typed); addresses by ``yizhan.core.http.client_ip`` (trusted-proxy aware).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from .backends import lockout_username


def _failures(**filters) -> int:
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(attempt_time__gte=since, **filters).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


def address_failures(ip_address: str) -> int:
    return _failures(ip_address=ip_address)


def account_failures(login: str) -> int:
    return _failures(username=lockout_username(None, {"username": login}))


def captcha_required(login: str) -> bool:
    """The account typed in the login form has had too many failures from anywhere: a CAPTCHA before the password."""
    return bool((login or "").strip()) and account_failures(login) >= settings.LOGIN_CAPTCHA_AFTER


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (which counts per account and address) plus the per-address limit."""

    @staticmethod
    def _address_locked(request) -> bool:
        return address_failures(request.axes_ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """django-axes locks when the failure just counted reaches the account-and-address limit; the same for the
        address limit (AxesMiddleware then answers with the lockout page)."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and self._address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
