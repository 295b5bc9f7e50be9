"""What text the platform accepts: the one rule for C0 control characters, used by every form and API input.

A C0 control character (U+0000–U+001F) is never part of a real name, address or note; stored, it breaks the Excel
exports (openpyxl refuses it) and other platforms that read our data. Single-line text refuses them all; multi-line
text (a textarea, an API field marked ``MultiLine``) accepts tab, line feed and carriage return and refuses the rest.
Forms get the check from ``core.forms.Form`` (every CharField), API inputs from ``core.api.InputSchema`` (every
string field). The document writers still strip control characters (``core.documents.clean_cell``), for old rows.
"""

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS_MESSAGE = _("This text may not contain control characters.")

_SINGLE_LINE = re.compile(r"[\x00-\x1f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # tab (09), line feed (0a) and carriage return (0d) pass


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether ``value`` holds a C0 control character that its kind of text does not allow."""
    return (_MULTI_LINE if multiline else _SINGLE_LINE).search(value) is not None


@deconstructible
class ControlCharacterValidator:
    """Django validator: refuses C0 control characters (``multiline``: tab, line feed and carriage return pass)."""

    code = "control_characters"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ControlCharacterValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


SEARCH_MAX_LENGTH = 100  # a search term in a filter form or an API query; longer ones are refused, never run
CODE_MAX_LENGTH = 40  # a code (region, status, role, group, …) in a filter form or an API query


def join_sentences(messages: Iterable[object]) -> str:
    """Several messages as one text in the reader's language: in Chinese "甲；乙。" (not "甲。；乙。"), in English
    "A. B." — each message's own final full stop is dropped before joining."""
    parts = [str(m).strip().rstrip("。.；;") for m in messages if str(m).strip()]
    if not parts:
        return ""
    if (get_language() or "").startswith("zh"):
        return "；".join(parts) + "。"
    return ". ".join(parts) + "."
