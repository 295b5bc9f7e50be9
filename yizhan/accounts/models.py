import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core import registry
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.scoping import InRegion, OwnedBy, ScopedManager, ScopedModel, ScopeRule, require_scope

from .permissions import can_manage_user
from .roles import Role

__all__ = ["ApiToken", "Role", "RoleMembership", "TwoFactorDevice", "User"]

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str):
    if value and not MOBILE_RE.match(value):
        raise ValidationError(_("Enter a mainland China mobile number of 11 digits, e.g. 13800138000."), code="mobile")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **extra):
        if not username:
            raise ValueError("username is required")
        user = self.model(username=username, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **extra)


class ScopedUserManager(ScopedManager, UserManager):
    use_in_migrations = False


class UsersInScope(ScopeRule):
    """Users holding a role under one of the user's admin regions, and the user themselves. Their audit rows go to
    the region of their first role."""

    def q(self, scope):
        if scope.user_id is None and not scope.admin_regions:
            return models.Q(pk__in=[])
        in_scope = RoleMembership.all_objects.filter(scope.region_q("region__code", include_member=False))
        return models.Q(pk=scope.user_id) | models.Q(pk__in=in_scope.values("user_id"))

    def region_code(self, obj) -> str:
        memberships = obj.active_memberships() if obj.pk else []
        return memberships[0].region_code if memberships else ""


class User(ScopedModel, SensitiveFieldsMixin, AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when an admin sets or resets the password: the user must choose their own before doing anything else.
    password_change_required = models.BooleanField(_("must change password"), default=False)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    scoped_by = UsersInScope()

    objects = ScopedUserManager()
    all_objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        default_manager_name = "all_objects"

    def __str__(self):
        return f"{self.name} ({self.username})" if self.name else self.username

    def active_memberships(self) -> list["RoleMembership"]:
        cached = getattr(self, "_memberships_cache", None)
        if cached is None:
            cached = list(
                RoleMembership.all_objects.filter(user=self, is_active=True)
                .select_related("region")
                .order_by("region__code", "role")
            )
            self._memberships_cache = cached
        return cached

    def has_role(self, *roles) -> bool:
        return self.is_superuser or any(m.role in roles for m in self.active_memberships())

    @property
    def is_federation_admin(self) -> bool:
        return self.has_role(Role.FEDERATION_ADMIN)

    def can_reveal(self, actor, field_name: str) -> bool:
        return actor.pk == self.pk or can_manage_user(require_scope(), self)

    def password_expired(self) -> bool:
        """Older than ``PASSWORD_MAX_AGE_DAYS`` (never when that is 0). An unknown age counts from the account's
        creation."""
        if not settings.PASSWORD_MAX_AGE_DAYS:
            return False
        changed = self.password_changed_at or self.date_joined
        return timezone.now() - changed > timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class RoleMembership(ScopedModel):
    """A user holds a role at a place: a region, and for some roles a place in it (a station, a studio …).

    The place is named generically, ``(place_kind, place_id)``, by the kinds the apps declare
    (``YizhanAppConfig.scope_places``), so a new kind of place needs no new column here and accounts does not point
    up at the apps that own the places."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("place"), on_delete=models.PROTECT, related_name="memberships"
    )
    place_kind = models.CharField(_("kind of place"), max_length=30, blank=True, default="")
    place_id = models.PositiveBigIntegerField(_("place"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Admins see the roles held under their regions; everyone sees their own.
    scoped_by = InRegion("region__code") | OwnedBy("user")

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="membership_unique_role_place"),
            models.CheckConstraint(
                condition=Q(place_kind="", place_id__isnull=True) | (~Q(place_kind="") & Q(place_id__isnull=False)),
                name="membership_place_kind_and_id_together",
            ),
        ]
        indexes = [models.Index(fields=["place_kind", "place_id"], name="membership_place")]

    def __str__(self):
        return f"{self.region} · {self.get_role_display()}"

    @property
    def region_code(self) -> str:
        return self.region.code

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.FEDERATION_ADMIN

    def place_ids(self) -> list[tuple[str, int]]:
        """(kind, id) pairs of places more precise than the region: the station or studio of this role."""
        return [(self.place_kind, self.place_id)] if self.place_kind and self.place_id is not None else []

    def set_place(self, place: models.Model | None) -> None:
        self.place_kind, self.place_id = (registry.place_kind_of(place), place.pk) if place is not None else ("", None)

    @staticmethod
    def at(place: models.Model) -> Q:
        """Memberships held at this place (a station, a studio …)."""
        return Q(place_kind=registry.place_kind_of(place), place_id=place.pk)


class TwoFactorDevice(ScopedModel):
    """A time-based one-time-password (TOTP) authenticator app bound to an account. The secret is encrypted."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = EncryptedField(_("secret"), kind="text")
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The last accepted time step: a code is never accepted twice (replay protection).
    last_used_step = models.BigIntegerField(default=0)

    # Only the account's own device; the sign-in flow (before any scope exists) and the admin reset use all_objects.
    scoped_by = OwnedBy("user")
    audit_via = ("user",)  # turning two-factor on or off is logged on the account

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self):
        return f"TOTP {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


API_TOKEN_PREFIX = "yzt_"  # noqa: S105 (not a secret: every key starts with it, so a leaked key is easy to spot)
API_TOKEN_MAX_DAYS = 365


class ApiToken(ScopedModel):
    """A key for a non-browser client (a WeChat mini-program, another federation's platform) that acts as its owner
    on the API: ``Authorization: Bearer yzt_…``.

    Only the SHA-256 of the key is kept, with its first characters to tell keys apart; the key itself is shown once,
    when it is made. A token reads only, or reads and writes; it expires (at most ``API_TOKEN_MAX_DAYS`` days) and can
    be revoked; it stops working as soon as its owner's account is deactivated. ``last_used_at`` is kept to the
    minute, without an audit row per request."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.READ)
    prefix = models.CharField(_("key starts with"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)  # SHA-256 of the key, hex
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    # Only the owner's own tokens; the authentication (before any scope exists) looks keys up with all_objects.
    scoped_by = OwnedBy("user")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def audit_region_code(self) -> str:
        """Filed under the owner's region, so the admins who manage the account see its tokens come and go."""
        return self.user.audit_region_code()

    def clean(self):
        if self.expires_at and self.created_at:
            if self.expires_at <= self.created_at:
                raise ValidationError({"expires_at": _("The expiry must be after the creation.")})
            if self.expires_at - self.created_at > timedelta(days=API_TOKEN_MAX_DAYS):
                raise ValidationError(
                    {"expires_at": _("A token lives at most %(days)d days.") % {"days": API_TOKEN_MAX_DAYS}}
                )

    @staticmethod
    def digest_of(key: str) -> str:
        """The stored form of a key. Keys are 256 random bits, so a fast unsalted hash is enough: nothing can be
        guessed from it, and a key is found by one indexed lookup."""
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now) and self.user.is_active

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE
