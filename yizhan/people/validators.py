"""Checks for Chinese ID numbers (GB 11643-1999) and mobile numbers."""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.models import MOBILE_RE, validate_mobile  # noqa: F401  (one rule for every mobile number)

ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")  # ASCII only: \d would also take full-width digits
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

MSG_ID_FORMAT = _("A resident ID number has 18 characters: 17 digits and a digit or X.")
MSG_ID_CHECK = _("This ID number's check digit is wrong; check it against the card.")
MSG_ID_DATE = _("This ID number does not contain a valid birth date.")


def id_check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _half_width(value: str) -> str:
    """Full-width digits and letters (３３０１…Ｘ, typed with a Chinese input method) as ASCII."""
    return unicodedata.normalize("NFKC", value or "")


def normalize_id_number(value: str) -> str:
    return _half_width(value).strip().upper().replace(" ", "")


def birth_date_from_id(value: str) -> date | None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        return None
    try:
        return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def gender_from_id(value: str) -> str | None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        return None
    return "male" if int(value[16]) % 2 else "female"


def validate_resident_id(value: str) -> None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(MSG_ID_FORMAT, code="id_format")
    born = birth_date_from_id(value)
    if born is None or born.year < 1900 or born > timezone.localdate():
        raise ValidationError(MSG_ID_DATE, code="id_date")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(MSG_ID_CHECK, code="id_check")


def make_resident_id(region6: str, born: date, sequence: int) -> str:
    """A valid-checksum ID number (for demo data and tests): region, birth date, 3-digit sequence, check char."""
    first17 = f"{region6}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def normalize_mobile(value: str) -> str:
    value = _half_width(value)
    digits = "".join(ch for ch in value if ch in "0123456789")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if digits else (value or "").strip()
