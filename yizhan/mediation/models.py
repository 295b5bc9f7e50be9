"""Family mediation studios (婚姻家庭纠纷调解工作室), their joint-mediation teams and contacts; cases to come.

A studio is a place like a station (``stations.models.PlaceBase``) and may share premises with the station of its
village. Scoping (yizhan/core/scoping.py): federation admins see the studios under their region; mediators and
advisors see their studio (``scope.place_ids("studio")``); the anonymous scope (public pages) sees operating
studios marked public, and only their public contacts.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.core.scoping import ScopedModel
from yizhan.stations.models import ContactBase, InPlace, PlaceBase, Station

from .permissions import can_edit_studio


class Studio(PlaceBase):
    """A marriage and family dispute mediation studio (婚姻家庭纠纷调解工作室)."""

    shared_station = models.ForeignKey(
        Station,
        verbose_name=_("shares premises with station"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studios",
    )

    scoped_by = InPlace("studio")

    class Meta:
        verbose_name = _("mediation studio")
        verbose_name_plural = _("mediation studios")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="studio_unique_name_per_village")]

    def get_absolute_url(self) -> str:
        return reverse("mediation:studio_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.shared_station_id and self.shared_station.region_id != self.region_id:
            raise ValidationError(
                {"shared_station": _("A studio can only share premises with a station of its village.")}
            )


class StudioMember(ScopedModel):
    """A member of a studio's team: a mediator (some may lead) or a partner advisor with their organisation."""

    class Kind(models.TextChoices):
        MEDIATOR = "mediator", _("Mediator")
        LAWYER = "lawyer", _("Lawyer")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        COUNSELLOR = "counsellor", _("Psychological counsellor")
        COURT_LIAISON = "court_liaison", _("Shared-court liaison")

    ORGANISATION_KINDS = {
        Kind.LAWYER: _("law firm"),
        Kind.SOCIAL_WORKER: _("social-work studio"),
        Kind.COUNSELLOR: _("counselling corner"),
        Kind.COURT_LIAISON: _("shared court"),
    }

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="studio_memberships"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    can_lead = models.BooleanField(_("can lead a mediation"), default=False)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    scoped_by = InPlace("studio", "studio")

    class Meta:
        verbose_name = _("studio team member")
        verbose_name_plural = _("studio team")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["studio", "user", "kind"], name="studio_member_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.user.name}"

    @property
    def is_advisor(self) -> bool:
        return self.kind != self.Kind.MEDIATOR

    def clean(self):
        if self.can_lead and self.kind != self.Kind.MEDIATOR:
            raise ValidationError({"can_lead": _("Only mediators can lead a mediation.")})
        if self.is_advisor and not (self.organisation or "").strip():
            raise ValidationError({"organisation": _("Give the advisor's organisation.")})


class StudioContact(ContactBase):
    """A person to contact at a studio."""

    studio = models.ForeignKey(Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="contacts")

    place_field = "studio"
    place_rule = can_edit_studio
    # The studio's; the public sees only the contacts marked public of public studios.
    scoped_by = InPlace("studio", "studio", public=ContactBase.PUBLIC)

    class Meta(ContactBase.Meta):
        verbose_name = _("studio contact")
        verbose_name_plural = _("studio contacts")
