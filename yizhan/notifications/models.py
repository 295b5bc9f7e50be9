from collections import defaultdict

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.scoping import OwnedBy, ScopedModel

# What each kind of notification of this app says (other apps declare theirs in their AppConfig).
# Texts are rendered in the reader's language when shown,
# from the parameters stored with the notification (never personal data such as ID or mobile numbers).
KINDS = {
    "welcome": (
        _("Welcome to Yizhan"),
        _("Hello %(name)s, your account %(username)s is ready. Your roles and places are on your home page."),
    ),
}


class Notification(ScopedModel):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=50)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.IN_APP)
    params = models.JSONField(default=dict, blank=True)
    # Makes delivery idempotent: a task that runs twice finds the notification it already made.
    dedup_key = models.CharField(max_length=100, unique=True)
    # Where the notification leads: a URL name and its arguments, reversed when shown (no URL is stored, so a moved
    # page still resolves). Empty for a notification about nothing in particular.
    link_name = models.CharField(_("leads to"), max_length=100, blank=True)
    link_args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    # Everyone sees their own notifications, nobody else's.
    scoped_by = OwnedBy("user")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return str(self.title)

    @property
    def url(self) -> str:
        """The page of what the notification is about, or "" when it has none (or the page no longer exists)."""
        if not self.link_name:
            return ""
        try:
            return reverse(self.link_name, args=self.link_args or [])
        except NoReverseMatch:
            return ""

    @property
    def title(self):
        return registry.notification_kinds().get(self.kind, (self.kind, ""))[0]

    @property
    def body(self):
        template = registry.notification_kinds().get(self.kind, ("", ""))[1]
        try:  # a parameter an older notification lacks reads as empty rather than showing the raw template
            return str(template) % defaultdict(str, self.params or {})
        except (TypeError, ValueError):
            return str(template)
