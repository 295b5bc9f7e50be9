"""The private link and code of a public sign-up: a random 32-character token in the link, 8 digits to type with the
mobile number. Only keyed hashes are stored (``secret_hash``); comparison in constant time."""

import hmac
import secrets

from django.utils.crypto import salted_hmac

CODE_DIGITS = 8


def secret_hash(kind: str, value: str) -> str:
    """The keyed hash a private link token (``kind="link"``) or code (``kind="code"``) is stored as."""
    return salted_hmac(f"yizhan.activities.signup.{kind}", value, algorithm="sha256").hexdigest()


def new_secrets() -> tuple[str, str]:
    """A fresh private-link token and code."""
    return secrets.token_urlsafe(24), f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def clean_code(value: str) -> str:
    """A typed code without spaces or dashes."""
    return "".join(ch for ch in (value or "") if ch.isdigit())[: CODE_DIGITS * 2]


def matches(stored_hash: str, kind: str, value: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(stored_hash, secret_hash(kind, value))
