"""One field type for sensitive values: encrypted at rest, masked on display, with an optional blind index.

    mobile = EncryptedField(kind="mobile", blank=True)
    mobile_index = BlindIndexField(source="mobile")

Reading ``obj.mobile`` gives the plaintext (for services that need it); screens, API, exports and audit rows use
``obj.masked("mobile")`` / the ``masked`` template filter. Exact lookups go through the blind index:
``Model.objects.filter(mobile_index=blind_index("mobile", value))``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable
from django.db.models.lookups import Lookup

from . import crypto
from .masking import full_text, mask

# Model fields are generic (set type, get type) only in django-stubs: at run time they cannot be subscripted.
if TYPE_CHECKING:
    from .types import AnyUser

    _TextField = models.TextField[str | Combinable, str]
    _CharField = models.CharField[str | Combinable, str]
else:
    _TextField = models.TextField
    _CharField = models.CharField

_Deconstructed = tuple[str, str, Sequence[Any], dict[str, Any]]


class EncryptedField(_TextField):
    description = "Text encrypted at rest"

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> _Deconstructed:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: BaseDatabaseWrapper) -> str | None:
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in {"isnull", "exact"}:
            return None  # ciphertext cannot be searched: use the blind index
        return super().get_lookup(lookup_name)

    def mask(self, value: str | None) -> str:
        return mask(self.kind, value)


class BlindIndexField(_CharField):
    """HMAC of the normalized source value, kept in step on every save."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> _Deconstructed:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        source_field = model_instance._meta.get_field(self.source)
        if not isinstance(source_field, EncryptedField):
            raise TypeError(f"{self.source} is not an EncryptedField")
        value = getattr(model_instance, self.source)
        digest = crypto.blind_index(source_field.kind, value) if value else ""
        setattr(model_instance, self.attname, digest)
        return digest


class SensitiveFieldsMixin(models.Model):
    """Gives models with sensitive fields a uniform ``masked(field)`` accessor. Encrypted fields are sensitive by
    their ``kind``; a model names its other sensitive fields and their kind of the masking policy in
    ``masked_fields`` (``{"birth_date": "birth_date"}``): they too are shown masked, logged masked and revealed only
    through the audited reveal."""

    # A model opts in to reveal (``yizhan.audit.reveal``) by defining ``can_reveal(user, field_name)``: declared here
    # for the type checker only (an annotation without a value), so a model without it stays unrevealable.
    can_reveal: Callable[[AnyUser, str], bool]
    masked_fields: ClassVar[dict[str, str]] = {}

    class Meta:
        abstract = True

    @classmethod
    def mask_kind(cls, field_name: str) -> str | None:
        """The masking policy's kind of a sensitive field, None for a field shown in full (or not a field)."""
        if field_name in cls.masked_fields:
            return cls.masked_fields[field_name]
        try:
            field = cls._meta.get_field(field_name)
        except FieldDoesNotExist:
            return None
        return field.kind if isinstance(field, EncryptedField) else None

    def masked(self, field_name: str) -> str:
        kind = self.mask_kind(field_name)
        if kind is None:
            raise TypeError(f"{field_name} is not a sensitive field")
        return mask(kind, getattr(self, field_name))

    def full_value(self, field_name: str) -> str:
        """The whole value as text, for the audited reveal and exports only."""
        if self.mask_kind(field_name) is None:
            raise TypeError(f"{field_name} is not a sensitive field")
        return full_text(getattr(self, field_name))

    @classmethod
    def encrypted_fields(cls) -> list[EncryptedField]:
        return [f for f in cls._meta.concrete_fields if isinstance(f, EncryptedField)]
