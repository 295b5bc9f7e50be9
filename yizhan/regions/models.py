import re
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yizhan.core.scoping import InRegion, ScopedModel


class Region(ScopedModel):
    """A node of the administrative tree, keyed by its statistical division code (统计用区划代码)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("City")
        COUNTY = 3, _("County / district")
        TOWN = 4, _("Town / street")
        VILLAGE = 5, _("Village / community")

    # Code length at each level (a Level is its number): 33 > 3301 > 330109 > 330109113 > 330109113001.
    CODE_LENGTHS: ClassVar[dict[int, int]] = {
        Level.PROVINCE: 2,
        Level.CITY: 4,
        Level.COUNTY: 6,
        Level.TOWN: 9,
        Level.VILLAGE: 12,
    }

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(pgettext_lazy("place", "name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    # Admins see everything under their regions; other roles see exactly the places where they hold a role.
    scoped_by = InRegion("code", members=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="region_level_valid"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def level_for_code(cls, code: str):
        for level, length in cls.CODE_LENGTHS.items():
            if len(code) == length:
                return level
        return None

    @staticmethod
    def parent_code_of(code: str) -> str | None:
        for length in (9, 6, 4, 2):
            if len(code) > length:
                return code[:length]
        return None

    def clean(self):
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}|\d{9}|\d{12}", self.code or ""):
            raise ValidationError({"code": _("A region code has 2, 4, 6, 9 or 12 digits.")})
        if self.level_for_code(self.code) != self.level:
            raise ValidationError({"code": _("The code length does not match the level.")})
        if self.parent_id and not self.code.startswith(self.parent.code):
            raise ValidationError(
                {"code": _("The code must start with the parent's code %(code)s.") % {"code": self.parent.code}}
            )

    def ancestor_codes(self) -> list[str]:
        """Codes of this region's ancestors, top first (derived from the code, no query)."""
        codes, code = [], self.parent_code_of(self.code)
        while code:
            codes.insert(0, code)
            code = self.parent_code_of(code)
        return codes
