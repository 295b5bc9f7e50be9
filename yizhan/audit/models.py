from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.scoping import InRegion, OwnedBy, ScopedManager, ScopedModel


class AuditImmutableError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit rows cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditImmutableError("Audit rows cannot be deleted.")


# A name of its own, so that django-stubs' plugin can type the class from_queryset makes.
_ScopedAuditManagerBase = ScopedManager.from_queryset(AuditQuerySet)


class ScopedAuditManager(_ScopedAuditManagerBase["AuditLog"]):
    pass


class AuditLog(ScopedModel):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        REVEAL = "reveal", _("Revealed a sensitive value")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        IMPORT = "import", pgettext_lazy("audit action", "Imported")
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    field = models.CharField(_("field"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    # Admins see what happened in their regions; everyone sees what they did themselves.
    scoped_by = InRegion("region_code") | OwnedBy("actor")

    objects: ClassVar[ScopedAuditManager] = ScopedAuditManager()
    all_objects: ClassVar[models.Manager["AuditLog"]] = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutableError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("Audit rows cannot be deleted.")
