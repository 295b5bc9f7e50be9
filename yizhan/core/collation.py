"""Names in pinyin order (陈 < 李 < 王 < 张), as people expect a list of names, not by character code.

``pinyin("name")`` is an ordering expression: PostgreSQL collates with ICU's ``zh-Hans-x-icu`` (pinyin order);
SQLite with a ``pinyin`` collation that ``register_sqlite_collation`` adds to every SQLite connection (from pypinyin).
Use it in selectors: ``.order_by(pinyin("name"), "pk")``.
"""

from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models.functions import Collate
from pypinyin import Style, lazy_pinyin

POSTGRESQL_COLLATION = "zh-Hans-x-icu"
SQLITE_COLLATION = "pinyin"


def pinyin(field: str) -> Collate:
    name = POSTGRESQL_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    return Collate(field, name)


@lru_cache(maxsize=65536)
def pinyin_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key: each character by its pinyin with tone number (Han characters first, then others, as ICU does),
    then the text itself to keep homophones apart in a stable order."""
    syllables = lazy_pinyin(text or "", style=Style.TONE3, errors=lambda chars: f"\uffff{chars}")
    return (*((1 if s.startswith("\uffff") else 0, s) for s in syllables), (2, text or ""))


def _compare(a: str, b: str) -> int:
    ka, kb = pinyin_key(a), pinyin_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite connections learn the ``pinyin`` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)
