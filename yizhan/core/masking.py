"""The masking policy: what each kind of sensitive value shows outside an audited reveal, on every page, API answer,
export and audit row. Decided here, once; models name the kind of each sensitive field (``EncryptedField(kind=...)``,
``SensitiveFieldsMixin.masked_fields``) and everything that shows a value asks this module.

The rule is that **no combination of the masked forms rebuilds a full value**. The one value that other values give
away is the resident ID number (GB 11643): 6 digits of region (they follow from the person's village), 8 digits of
birth date, a 3-digit sequence number whose last digit is odd for men and even for women (the gender is shown), and a
check character computed from the other 17. So:

- **ID number** (``id_number``): no character is shown, only stars, one per character. Every part of the number is
  either derivable from what is shown beside it (region, gender digit) or known to anyone who knows the person
  (birth date), or it is the secret part (sequence and check). Showing the usual first 6 and last 4 characters next to
  a date of birth gave the whole number (issue 8); next to an age it still leaves only about 33 candidates, and one
  for anyone who knows the birthday. Shown as stars, a number stays one of about 180,000 given everything the system
  shows (a year of birth dates × 500 sequence numbers of that gender), and one of 500 even for someone who knows the
  birthday — no fewer than without the system. Residents are found by their full number through the blind index.
- **Date of birth** (``birth_date``): shown as the age in years, never as a date or a year (an age and a year together
  narrow the date to days around New Year). The full date only through the audited reveal or the audited full export.
  Audit rows keep it as stars: an age stored with a time would narrow the date as rows accumulate.
- **Mobile** (``mobile``, ``phone``): first 3 and last 4 digits (138****8000); the 4 hidden digits follow from nothing.
  The one exception: a contact number a station or studio chose to publish (``ContactBase.is_public``) is not personal
  data; the public pages show it in full, as a link to call (``ContactBase.public_phone``).
- **Address** (``address``): up to the village or community, which the record names anyway.
- **Free text** (``text``): stars.
- **Name of a person outside the viewer's scope** (``name``): the surname and two stars (王**), whatever the length.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import ngettext

STARS = "******"


def age_on(birth_date: date | None, on: date | None = None) -> int | None:
    """Age in whole years on a day (today by default)."""
    if birth_date is None:
        return None
    on = on or timezone.localdate()
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def mask_mobile(value: str) -> str:
    digits = value or ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """Stars only: see the module's description for why no character of an ID number is shown."""
    return "*" * len(value or "")


def mask_text(value: str) -> str:
    return STARS if value else ""


def mask_address(value: str) -> str:
    """Addresses are shown only up to the village or community: the part after it is hidden."""
    value = value or ""
    for marker in ("社区", "村", "小区", "街道", "镇"):
        index = value.find(marker)
        if index != -1:
            return value[: index + len(marker)] + STARS
    return mask_text(value)


def mask_name(value: str) -> str:
    """A person outside the viewer's scope: the surname (first character) and two stars, hiding the name's length."""
    value = (value or "").strip()
    return f"{value[0]}**" if value else ""


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def mask_birth_date(value: Any) -> str:
    """The age in years ("35 years"), never the date or the year."""
    age = age_on(_as_date(value))
    if age is None:
        return STARS
    return ngettext("%(age)d year", "%(age)d years", age) % {"age": age}


MASKS = {
    "mobile": mask_mobile,
    "phone": mask_mobile,
    "id_number": mask_id_number,
    "address": mask_address,
    "text": mask_text,
    "name": mask_name,
    "birth_date": mask_birth_date,
}

# Audit rows are kept for months and read side by side: a kind whose screen form depends on the day it is shown
# (an age) is kept as stars there.
RECORD_MASKS = {**MASKS, "birth_date": mask_text}


def mask(kind: str, value: Any) -> str:
    """A value as screens, API answers and masked exports show it."""
    if value in (None, ""):
        return ""
    return MASKS.get(kind, mask_text)(value if kind == "birth_date" else str(value))


def mask_for_record(kind: str, value: Any) -> str:
    """A value as an audit row keeps it: the screen form unless that changes with time (then stars)."""
    if value in (None, ""):
        return ""
    return RECORD_MASKS.get(kind, mask_text)(value if kind == "birth_date" else str(value))


def full_text(value: Any) -> str:
    """A value as an audited reveal shows it: dates as YYYY-MM-DD, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
