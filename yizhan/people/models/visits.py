"""Care and safety visits (关爱走访 / 平安走访): plans, due visits, records, needs and follow-up actions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.accounts.models import Role
from yizhan.core.fields import EncryptedField, SensitiveFieldsMixin
from yizhan.core.scoping import OwnedBy, Scope, ScopedManager, ScopedModel, ScopeRule
from yizhan.regions.models import Region

from ..permissions import may_reveal_in
from .people import InResidentVillage, KeepsVillageCode, Person, TargetGroup


class VisitKind(models.TextChoices):
    CARE = "care", _("Care visit")
    SAFETY = "safety", _("Safety visit")


class PlansOfVillage(ScopeRule):
    """Visit plans: admins see the plans in their regions; station managers the plans of their village or of any
    area above it (a town-wide plan reaches their village too)."""

    region_path = "region__code"

    def q(self, scope: Scope) -> Q:
        q = scope.region_q("region__code", include_member=False)
        codes = set()
        for village in scope.regions_for(Role.STATION_MANAGER):
            codes.add(village)
            codes.update(Region(code=village).ancestor_codes())
        if codes:
            q |= Q(region__code__in=sorted(codes))
        return q


class VisitPlan(ScopedModel):
    """Visit every current member of a target group living under ``region`` every ``interval_days``."""

    class Interval(models.IntegerChoices):
        WEEKLY = 7, _("Weekly")
        FORTNIGHTLY = 14, _("Every two weeks")
        MONTHLY = 30, _("Monthly")
        BIMONTHLY = 61, _("Every two months")
        QUARTERLY = 91, _("Quarterly")
        HALF_YEARLY = 182, _("Every six months")
        YEARLY = 365, _("Yearly")

    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)
    group = models.ForeignKey(
        TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of visit"), max_length=10, choices=VisitKind.choices, default=VisitKind.CARE)
    interval_days = models.PositiveSmallIntegerField(_("how often"), choices=Interval.choices, default=Interval.MONTHLY)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scoped_by = PlansOfVillage()

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["region__code", "name"]

    def __str__(self):
        return self.name


class PersonVillageManager(KeepsVillageCode, models.Manager):
    code_source = ("person", "region_code")


class ScopedPersonVillageManager(KeepsVillageCode, ScopedManager):
    code_source = ("person", "region_code")


class FiledUnderPersonVillage(ScopedModel):
    """A row of a person's care visits that keeps her village's code itself (``region_code``, as ``Person`` does), so
    its scope, counts and calendars read the row alone, not through the 200,000 people of a province (issue 12). The
    code is taken from the person when the row is saved; ``Person.save()`` carries a move to her rows."""

    region_code = models.CharField(_("village code"), max_length=12, editable=False, db_index=True, default="")

    scoped_by = InResidentVillage(code_field="region_code")

    objects = ScopedPersonVillageManager()
    all_objects = PersonVillageManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        field = self._meta.get_field("person")
        if field.is_cached(self):
            self.region_code = self.person.region_code  # type: ignore[attr-defined]  # every subclass has a person
        elif not self.region_code:
            # unscoped: the village code of the person this row belongs to
            found = Person.all_objects.filter(pk=self.person_id).values_list("region_code", flat=True)  # type: ignore[attr-defined]
            self.region_code = found.first() or ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("person" in update_fields or "person_id" in update_fields):
            kwargs["update_fields"] = {*update_fields, "region_code"}
        super().save(*args, **kwargs)


class Visit(FiledUnderPersonVillage, SensitiveFieldsMixin):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="visits")
    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("visit plan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    kind = models.CharField(_("kind of visit"), max_length=10, choices=VisitKind.choices, default=VisitKind.CARE)
    visit_date = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("visitors"), blank=True, related_name="+"
    )
    other_visitors = models.CharField(_("other visitors"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    findings = EncryptedField(_("findings"), kind="text", blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visit_date", "-id"]

    def __str__(self):
        return f"{self.person} · {self.visit_date:%Y-%m-%d}"

    def clean(self):
        if self.visit_date and self.visit_date > timezone.localdate():
            raise ValidationError(
                {"visit_date": _("A visit is recorded after it happened: the date cannot be in the future.")}
            )

    def can_reveal(self, user, field_name: str) -> bool:
        return may_reveal_in(user, self.person.region.code)

    def shown_in_full_to(self, user) -> bool:
        """The findings are shown without a reveal to the person who wrote them: she knows them already, so showing
        them tells her nothing new and a reason would be a formality. Everyone else sees the masked text and reveals
        it with a reason (``core.masking``: free text is stars outside an audited reveal)."""
        return self.created_by_id is not None and self.created_by_id == user.pk


class ScheduledVisit(FiledUnderPersonVillage):
    """A visit due for a person under a plan; done when a visit is recorded on or after it is opened."""

    plan = models.ForeignKey(
        VisitPlan, verbose_name=_("visit plan"), on_delete=models.CASCADE, related_name="scheduled"
    )
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="due_visits")
    due_date = models.DateField(_("due"), db_index=True)
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="scheduled"
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("due visit")
        verbose_name_plural = _("due visits")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person"],
                condition=Q(visit__isnull=True, cancelled=False),
                name="scheduled_visit_one_open",
            ),
        ]
        indexes = [
            # The overdue list: open visits in due order, without walking past the done and cancelled ones.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(visit__isnull=True, cancelled=False),
                name="scheduled_visit_open_due",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.due_date:%Y-%m-%d}"

    @property
    def is_overdue(self) -> bool:
        return self.visit_id is None and not self.cancelled and self.due_date < timezone.localdate()


def visit_photo_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"people/visits/{instance.visit_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class VisitPhoto(ScopedModel):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=visit_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    scoped_by = InResidentVillage(code_field="visit__region_code")
    audit_via = ("visit",)  # photos are logged with their visit

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")

    def __str__(self):
        return f"{self.visit_id}/{self.pk}"


class Need(ScopedModel, SensitiveFieldsMixin):
    """A need identified for a person (structured: category + free text) for the needs analysis."""

    class Category(models.TextChoices):
        LEGAL = "legal", _("Legal advice")
        COUNSELLING = "counselling", _("Psychological counselling")
        FAMILY_EDUCATION = "family_education", _("Family-education guidance")
        ENTREPRENEURSHIP = "entrepreneurship", _("Employment and entrepreneurship")
        CHILDCARE = "childcare", _("Childcare and schooling")
        HEALTH = "health", _("Health and disability")
        FINANCIAL = "financial", _("Financial hardship")
        SAFETY = "safety", _("Safety and domestic violence")
        DAILY_LIFE = "daily_life", _("Daily life and care")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REFERRED = "referred", _("Referred")
        MET = "met", _("Met")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="needs")
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), null=True, blank=True, on_delete=models.CASCADE, related_name="needs"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    detail = EncryptedField(_("detail"), kind="text", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scoped_by = InResidentVillage(code_field="person__region_code")

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.person} · {self.get_category_display()}"

    def can_reveal(self, user, field_name: str) -> bool:
        return may_reveal_in(user, self.person.region.code)

    def shown_in_full_to(self, user) -> bool:
        """The detail is shown without a reveal to the person who recorded it (see ``Visit.shown_in_full_to``)."""
        return self.recorded_by_id is not None and self.recorded_by_id == user.pk


class FollowUpAction(ScopedModel):
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(pgettext_lazy("follow-up", "action"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="followup_actions"
    )
    due_date = models.DateField(_("due"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # The visit's village, and the action's owner wherever they work.
    scoped_by = InResidentVillage(code_field="visit__region_code") | OwnedBy("owner")

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_date < timezone.localdate()
