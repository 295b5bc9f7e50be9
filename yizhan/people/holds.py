"""Legal holds: reasons why a person's identity must be kept although they asked for erasure.

Other apps register a source once (e.g. in ``AppConfig.ready``)::

    from yizhan.people import holds

    @holds.register
    def case_file_holds(person):
        return [holds.Hold(source="mediation", reason=_("Case file %(no)s") % {"no": c.number}) for c in ...]

Erasure and retention ask ``holds_for(person)``: when it is not empty, the person's identity (name, document,
date of birth, relations) stays for the held records; everything else is anonymised, and the answer lists the holds.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Hold:
    source: str  # which app holds the record, e.g. "mediation"
    reason: str  # what is held and why, shown to the user, e.g. "调解案件卷宗 2026-001 (人民调解法)"


HoldSource = Callable[[object], list[Hold]]
_sources: list[HoldSource] = []


def register(source: HoldSource) -> HoldSource:
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source: HoldSource) -> None:
    if source in _sources:
        _sources.remove(source)


def holds_for(person) -> list[Hold]:
    found: list[Hold] = []
    for source in list(_sources):
        found.extend(source(person) or [])
    return found
