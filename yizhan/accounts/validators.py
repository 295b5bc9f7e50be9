import functools
import re
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with its message in this project's catalogue: Django 5.2.19 changed the message's msgid
    and its zh_Hans catalogue has no translation for the new one, so the Chinese UI showed it in English."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CharacterClassesValidator:
    """Passwords mix character classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def _classes(password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password, user=None):
        if self._classes(password) < self.min_classes:
            raise ValidationError(
                _("The password must mix at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.")
                % {"n": self.min_classes},
                code="password_classes",
            )

    def get_help_text(self):
        return _("Mix at least %(n)d of: lower-case letters, upper-case letters, digits, symbols.") % {
            "n": self.min_classes
        }


WEAK_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "weak_passwords.txt"
# Runs a password must not contain 5 characters of, forwards or backwards: the alphabet, digits, keyboard rows and
# columns.
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
SEQUENCE_LENGTH = 5
REPEAT_LENGTH = 4


@functools.cache
def _weak_words(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _runs(length: int) -> frozenset[str]:
    runs = set()
    for sequence in SEQUENCES:
        for text in (sequence, sequence[::-1]):
            runs.update(text[i : i + length] for i in range(len(text) - length + 1))
    return frozenset(runs)


class WeakPasswordValidator:
    """Common weak passwords in Chinese use: whole passwords and words from a list shipped with the project
    (``data/weak_passwords.txt``: pinyin words, surnames, keyboard runs, the product's name), also when only digits and
    symbols are added to such a word (``Yizhan2026``, ``Aa111111``); a character repeated 4 times in a row; a run of 5
    from the alphabet, the digits or the keyboard (``12345``, ``qwert``, ``1qaz2``)."""

    def __init__(self, password_list_path: str | Path = WEAK_PASSWORDS_FILE):
        self.words = _weak_words(Path(password_list_path))
        self.runs = _runs(SEQUENCE_LENGTH)

    def validate(self, password, user=None):
        lowered = password.lower()
        letters = "".join(c for c in lowered if "a" <= c <= "z")
        if lowered in self.words or letters in self.words:
            raise ValidationError(
                _("This password is a common weak password (a common word or name with digits or symbols added)."),
                code="password_weak",
            )
        if re.search(r"(.)\1{%d}" % (REPEAT_LENGTH - 1), lowered):
            raise ValidationError(
                _("The password must not repeat a character %(n)d times in a row.") % {"n": REPEAT_LENGTH},
                code="password_repeated",
            )
        if any(lowered[i : i + SEQUENCE_LENGTH] in self.runs for i in range(len(lowered) - SEQUENCE_LENGTH + 1)):
            raise ValidationError(
                _("The password must not contain a run such as 12345, abcde or qwert (%(n)d in a row).")
                % {"n": SEQUENCE_LENGTH},
                code="password_sequence",
            )

    def get_help_text(self):
        return _("Not a common weak password, no character 4 times in a row, no run such as 12345 or qwert.")


class PersonalInformationValidator(password_validation.UserAttributeSimilarityValidator):
    """The password must not contain the user's username, name, or mobile number (nor its last 6 digits), nor be too
    similar to the username, name or e-mail address (Django's similarity rule, checked when none of these is contained).

    The mobile number is stored encrypted; the user object handed to ``validate_password`` holds it in plain text
    (decrypted on load, not yet encrypted before the first save), which is what is compared."""

    MOBILE_DIGITS = 6
    DEFAULT_USER_ATTRIBUTES = ("username", "name", "email")

    def validate(self, password, user=None):
        if user is None:
            return
        lowered = password.lower()
        mobile = "".join(c for c in (getattr(user, "mobile", "") or "") if c.isdigit())
        if len(mobile) >= self.MOBILE_DIGITS and mobile[-self.MOBILE_DIGITS :] in password:
            raise ValidationError(
                _("The password must not contain your mobile number or its last %(n)d digits.")
                % {"n": self.MOBILE_DIGITS},
                code="password_has_mobile",
            )
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and username in lowered:
            raise ValidationError(_("The password must not contain your username."), code="password_has_username")
        name = (getattr(user, "name", "") or "").strip().lower()
        if len(name) >= 2 and name in lowered:
            raise ValidationError(_("The password must not contain your name."), code="password_has_name")
        super().validate(password, user)

    def get_help_text(self):
        return _("Not your username, name or mobile number.")
