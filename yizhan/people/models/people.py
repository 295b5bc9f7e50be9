"""Residents, households, relations, target groups and consents (DESIGN.md §3.3, PIPL)."""

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.accounts.models import Role
from yizhan.core.fields import BlindIndexField, EncryptedField, SensitiveFieldsMixin
from yizhan.core.masking import age_on, mask
from yizhan.core.scoping import Scope, ScopedManager, ScopedModel, ScopeRule

from ..permissions import may_reveal_in
from ..validators import validate_mobile, validate_resident_id

CHILD_CONSENT_AGE = 14  # PIPL art. 31: under 14 a guardian consents


def people_regions_q(scope: Scope, lookup: str) -> Q:
    """Residents are visible to federation admins under their region and to station managers of their village."""
    q = scope.region_q(lookup, include_member=False)
    villages = scope.regions_for(Role.STATION_MANAGER)
    if villages:
        q |= Q(**{f"{lookup}__in": sorted(villages)})
    return q


def person_scope_q(scope: Scope, prefix: str = "person__") -> Q:
    return people_regions_q(scope, f"{prefix}region__code")


class InResidentVillage(ScopeRule):
    """Residents' data, by the village at ``path`` (the row's region, or ``person__region`` …): federation admins
    under it and the station managers of that village."""

    def __init__(self, path: str = "region", *, code_field: str = ""):
        # ``code_field``: the row keeps its village's code itself (``Person.region_code``), so the scope needs no join.
        self.region_path = code_field or f"{path}__code"

    def q(self, scope: Scope) -> Q:
        return people_regions_q(scope, self.region_path)


class Household(ScopedModel, SensitiveFieldsMixin):
    name = models.CharField(_("household name"), max_length=100, help_text=_("For example: 王建国家"))
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="households"
    )
    address = EncryptedField(_("address"), kind="address", blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scoped_by = InResidentVillage("region")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def can_reveal(self, user, field_name: str) -> bool:
        return may_reveal_in(user, self.region.code)


class KeepsVillageCode:
    """A manager whose ``bulk_create`` fills each row's ``region_code`` as the model's ``save()`` does (bulk creation
    does not call ``save()``): from the row named by ``code_source`` — (the foreign key, that row's code field) — when
    it is at hand, else from the codes of the rows named by id, read in one query."""

    code_source: tuple[str, str]
    model: Any  # the manager's model

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        name, code_field = self.code_source
        field = self.model._meta.get_field(name)
        missing = {getattr(o, field.attname) for o in objs if getattr(o, field.attname) and not field.is_cached(o)}
        # unscoped: the codes of the rows (villages, people) these new rows name
        found = field.related_model.all_objects.filter(pk__in=missing) if missing else None
        codes = dict(found.values_list("pk", code_field)) if found is not None else {}
        for obj in objs:
            cached = field.is_cached(obj)
            obj.region_code = (
                getattr(getattr(obj, name), code_field) if cached else codes.get(getattr(obj, field.attname), "")
            )
        return super().bulk_create(objs, *args, **kwargs)  # type: ignore[misc]  # a Manager's, in the subclasses


class PersonManager(KeepsVillageCode, models.Manager):
    code_source = ("region", "code")


class ScopedPersonManager(KeepsVillageCode, ScopedManager):
    code_source = ("region", "code")


class Person(ScopedModel, SensitiveFieldsMixin):
    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        UNKNOWN = "unknown", _("Not stated")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident ID card")
        HK_MACAO = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
        TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
        PASSPORT = "passport", _("Passport")
        FOREIGN_PR = "foreign_pr", _("Foreigner's permanent residence ID card")
        OTHER = "other", _("Other document")
        NONE = "none", _("No document")

    class Residency(models.TextChoices):
        RESIDENT = "resident", _("Registered resident")
        TEMPORARY = "temporary", _("Temporary resident (from elsewhere)")
        NEITHER = "neither", _("Neither")

    name = models.CharField(_("name"), max_length=100, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_type = models.CharField(_("document type"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = EncryptedField(_("document number"), kind="id_number", blank=True)
    id_number_index = BlindIndexField(source="id_number")
    mobile = EncryptedField(_("mobile number"), kind="mobile", blank=True, validators=[validate_mobile])
    mobile_index = BlindIndexField(source="mobile")
    # The masked form shown everywhere (138****8000), kept so staff can search by the digits they can see.
    mobile_hint = models.CharField(
        _("mobile number (masked)"), max_length=16, blank=True, editable=False, db_index=True
    )
    address = EncryptedField(_("address"), kind="address", blank=True)
    notes = EncryptedField(_("notes"), kind="text", blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("village or community"), on_delete=models.PROTECT, related_name="people"
    )
    # The village's code, kept by ``save()`` (and set before bulk creation): the scope (a code prefix) and the list's
    # order (village, then name) read this table alone, with an index (docs/issue-12-province-scale.md).
    region_code = models.CharField(_("village code"), max_length=12, editable=False, db_index=True, default="")
    residency = models.CharField(_("residency"), max_length=10, choices=Residency.choices, default=Residency.RESIDENT)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
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
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Set when the last active consent was withdrawn: the person is then used only as the law allows.
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, db_index=True)

    scoped_by = InResidentVillage(code_field="region_code")
    objects = ScopedPersonManager()
    all_objects = PersonManager()
    # The date of birth is the ID number's middle: shown as an age, revealed and exported in full only when audited.
    masked_fields: ClassVar[dict[str, str]] = {"birth_date": "birth_date"}

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="person_unique_id_number"
            ),
            models.UniqueConstraint(
                fields=["region", "name", "birth_date"],
                condition=Q(birth_date__isnull=False, anonymised_at__isnull=True),
                name="person_unique_name_birth_village",
            ),
        ]

    def __str__(self):
        return self.name

    def can_reveal(self, user, field_name: str) -> bool:
        return self.anonymised_at is None and may_reveal_in(user, self.region.code)

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        person._loaded_region = (person.__dict__.get("region_id"), person.__dict__.get("region_code"))
        return person

    def village_code(self) -> str:
        """The code of the person's village, read again only when the village changed since loading."""
        if self.region_id is None:
            return ""
        if self._meta.get_field("region").is_cached(self) and self.region is not None:
            return self.region.code
        if self.region_code and getattr(self, "_loaded_region", None) == (self.region_id, self.region_code):
            return self.region_code
        return self.region.code

    def save(self, *args, **kwargs):
        self.mobile_hint = mask("mobile", self.mobile)
        moved_from = getattr(self, "_loaded_region", (None, None))[1]
        self.region_code = self.village_code()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = set()
            if "mobile" in update_fields:
                extra |= {"mobile_hint", "mobile_index"}
            if "region" in update_fields or "region_id" in update_fields:
                extra.add("region_code")
            if extra:
                kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)
        if moved_from is not None and moved_from != self.region_code:
            # her care visits keep her village's code too (``FiledUnderPersonVillage``): they move with her
            for name in ("visits", "due_visits"):
                # unscoped: the rows of this person, moved with her
                self._meta.get_field(name).related_model.all_objects.filter(person=self).update(
                    region_code=self.region_code
                )
        self._loaded_region = (self.region_id, self.region_code)

    def clean(self):
        errors = {}
        if self.id_type == self.IdType.RESIDENT_ID and self.id_number:
            try:
                validate_resident_id(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
        if self.id_type == self.IdType.NONE and self.id_number:
            errors["id_number"] = [_("Choose a document type for this number.")]
        if self.id_type not in (self.IdType.NONE,) and not self.id_number and self.id_type != self.IdType.RESIDENT_ID:
            errors["id_number"] = [_("Enter the document number or choose “No document”.")]
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = [_("The date of birth cannot be in the future.")]
        if self.region_id and self.region.level != self.region.Level.VILLAGE:
            errors["region"] = [_("Choose a village or community.")]
        if errors:
            raise ValidationError(errors)

    @property
    def age(self) -> int | None:
        return age_on(self.birth_date)

    @property
    def is_child(self) -> bool:
        return self.age is not None and self.age < 18

    @property
    def needs_guardian_consent(self) -> bool:
        return self.age is not None and self.age < CHILD_CONSENT_AGE

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def is_restricted(self) -> bool:
        return self.consent_withdrawn_at is not None


class Relation(ScopedModel):
    """``person`` is the spouse / parent / guardian of ``relative``."""

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("spouse of")
        PARENT = "parent", _("parent of")
        GUARDIAN = "guardian", _("guardian of")
        OTHER = "other", _("other relation to")

    GUARDIAN_KINDS = (Kind.PARENT, Kind.GUARDIAN)
    INVERSE_LABELS: ClassVar[dict[str, Promise]] = {
        Kind.SPOUSE: _("spouse of"),
        Kind.PARENT: _("child of"),
        Kind.GUARDIAN: _("ward of"),
        Kind.OTHER: _("other relation to"),
    }

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relations_from"
    )
    relative = models.ForeignKey(
        Person, verbose_name=_("relative"), on_delete=models.CASCADE, related_name="relations_to"
    )
    kind = models.CharField(_("relation"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scoped_by = InResidentVillage(code_field="person__region_code")
    audit_via = ("person", "relative")  # besides its own rows, an erasure logs the relations it removes on the person

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(person=models.F("relative")), name="relation_not_self"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_kind_display()} {self.relative}"

    def audit_repr(self) -> str:
        """How the audit log names a relation. Its rows are filed under the person's village and read by admins over
        it: a relative who lives elsewhere may be outside their scope, so is named masked (王**)."""
        same_village = self.relative.region_id == self.person.region_id
        relative = self.relative.name if same_village else mask("name", self.relative.name)
        return f"{self.person} {self.get_kind_display()} {relative}"


class TargetGroup(models.Model):
    """重点人群: data, extended by federation admins (留守儿童, 困境儿童, 单亲母亲 …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("object", "name"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = models.Manager()
    all_objects = models.Manager()

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class TargetGroupMembership(ScopedModel):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="group_links")
    group = models.ForeignKey(
        TargetGroup, verbose_name=_("target group"), on_delete=models.PROTECT, related_name="memberships"
    )
    start_date = models.DateField(_("from"), default=timezone.localdate)
    end_date = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
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
    audit_via = ("person",)  # besides its own rows, an erasure logs the memberships it removes on the person

    class Meta:
        verbose_name = _("target group membership")
        verbose_name_plural = _("target group memberships")
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group"], condition=Q(end_date__isnull=True), name="group_membership_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.group}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)


class Consent(ScopedModel):
    class Purpose(models.TextChoices):
        CONTACT = "contact", _("Contact and service notices")
        CARE = "care", _("Target-group care and visits")
        ACTIVITIES = "activities", _("Activities and sign-ups")
        SERVICES = "services", _("Legal, counselling and family services")

    # Purposes that process sensitive personal information (PIPL art. 28–29) need separate consent.
    SENSITIVE_PURPOSES = (Purpose.CARE, Purpose.SERVICES)

    class GivenBy(models.TextChoices):
        SELF = "self", _("The person")
        GUARDIAN = "guardian", _("A guardian")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    data_scope = models.CharField(_("data and use covered"), max_length=300)
    separate = models.BooleanField(
        _("separate consent for sensitive data"),
        default=False,
        help_text=_("Ticked when the person (or guardian) separately agreed to the processing of sensitive data."),
    )
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    given_by = models.CharField(_("given by"), max_length=10, choices=GivenBy.choices, default=GivenBy.SELF)
    guardian = models.ForeignKey(
        Person, verbose_name=_("guardian"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=200, blank=True)

    scoped_by = InResidentVillage(code_field="person__region_code")

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"{self.person} · {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def clean(self):
        """The PIPL rules: a guardian consents for under-14s; sensitive purposes need a separate consent."""
        errors = {}
        person = self.person
        if self.given_on and self.given_on > timezone.localdate():
            errors["given_on"] = [_("Consent cannot be dated in the future.")]
        age = age_on(person.birth_date, self.given_on) if self.given_on else person.age
        if age is not None and age < CHILD_CONSENT_AGE:
            if self.given_by != self.GivenBy.GUARDIAN or self.guardian_id is None:
                errors["guardian"] = [_("This person is under 14: a guardian must give the consent.")]
            elif not Relation.all_objects.filter(
                person_id=self.guardian_id, relative_id=person.pk, kind__in=Relation.GUARDIAN_KINDS
            ).exists():
                errors["guardian"] = [_("Record the guardian as parent or guardian of this person first.")]
            else:
                guardian_age = self.guardian.age
                if guardian_age is not None and guardian_age < 18:
                    errors["guardian"] = [_("A guardian must be an adult.")]
            if not self.separate:
                errors["separate"] = [_("Data of children under 14 is sensitive: a separate consent is required.")]
        elif self.given_by == self.GivenBy.GUARDIAN and self.guardian_id is None:
            errors["guardian"] = [_("Choose the guardian who gave the consent.")]
        if self.purpose in self.SENSITIVE_PURPOSES and not self.separate:
            errors["separate"] = [_("This purpose processes sensitive data: a separate consent is required.")]
        if errors:
            raise ValidationError(errors)
