"""One field type for sensitive values: encrypted at rest, masked on display, with an optional blind index.

    mobile = EncryptedField(kind="mobile", blank=True)
    mobile_index = BlindIndexField(source="mobile")

Reading ``obj.mobile`` gives the plaintext (for services that need it); screens, API, exports and audit rows use
``obj.masked("mobile")`` / the ``masked`` template filter. Exact lookups go through the blind index:
``Model.objects.filter(mobile_index=blind_index("mobile", value))``.
"""

from django.db import models

from . import crypto
from .masking import mask


class EncryptedField(models.TextField):
    description = "Text encrypted at rest"

    def __init__(self, *args, kind: str = "text", **kwargs):
        self.kind = kind
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull", "exact"}:
            return None  # ciphertext cannot be searched: use the blind index
        return super().get_lookup(lookup_name)

    def mask(self, value) -> str:
        return mask(self.kind, value)


class BlindIndexField(models.CharField):
    """HMAC of the normalized source value, kept in step on every save."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True), ("db_index", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source_field = model_instance._meta.get_field(self.source)
        value = getattr(model_instance, self.source)
        digest = crypto.blind_index(source_field.kind, value) if value else ""
        setattr(model_instance, self.attname, digest)
        return digest


class SensitiveFieldsMixin(models.Model):
    """Gives models with encrypted fields a uniform ``masked(field)`` accessor."""

    class Meta:
        abstract = True

    def masked(self, field_name: str) -> str:
        field = self._meta.get_field(field_name)
        return field.mask(getattr(self, field_name))

    @classmethod
    def encrypted_fields(cls) -> list[EncryptedField]:
        return [f for f in cls._meta.concrete_fields if isinstance(f, EncryptedField)]
