"""Field encryption with rotatable keys, and the keyed hash (blind index) for exact lookups."""

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "enc1:"


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()]
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(k.encode()) for k in keys])


@receiver(setting_changed)
def _reset_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}:
        _fernet.cache_clear()


def encrypt(plaintext: str) -> str:
    return PREFIX + _fernet().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("Value is not encrypted with this scheme.")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("No configured key decrypts this value.") from exc


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key (old keys must still be configured)."""
    return PREFIX + _fernet().rotate(stored[len(PREFIX) :].encode()).decode()


def normalize(kind: str, value: str) -> str:
    value = (value or "").strip()
    if kind in {"mobile", "phone"}:
        value = "".join(ch for ch in value if ch.isdigit())
        if value.startswith("86") and len(value) == 13:
            value = value[2:]
    elif kind == "id_number":
        value = value.upper().replace(" ", "")
    return value


def blind_index(kind: str, value: str) -> str:
    """Keyed hash of a normalized value: equal inputs give equal hashes; the value cannot be recovered."""
    message = f"{kind}:{normalize(kind, value)}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()
