"""An uploaded resident list between preview and confirmation, kept encrypted (never plaintext ID numbers)."""

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.fields import EncryptedField
from yizhan.core.scoping import OwnedBy, ScopedModel


class ImportBatch(ScopedModel):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Checked, waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=200)
    file_hash = models.CharField(_("file fingerprint"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    # The parsed rows with their check results, as encrypted JSON.
    payload = EncryptedField(_("rows"), kind="text", blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    existing_rows = models.PositiveIntegerField(_("already registered"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # Only the person who uploaded it sees an import before it is confirmed.
    scoped_by = OwnedBy("created_by")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def rows(self) -> list[dict]:
        return json.loads(self.payload) if self.payload else []
