"""The registry picker of intake (decided by the coordinator): a studio's mediator may find a party in the people
registry only by an exact full mobile number or full resident ID number (through the blind indexes), only among the
residents of the studio's village, each lookup audited and rate-limited (``mediation/throttling.py``). The answer
shows the masked name, the age and the village, for the mediator to confirm with the party in front of her, and a
signed token that links the party to the person at intake. There is no browsing and no partial search: a partial,
malformed or unknown number, or a resident of another village, all answer "not found" alike.

Mediators have no scope over residents (people's scope: admins and station managers), so the lookup reads the
registry unscoped, narrowed here to the studio's village and one exact blind index; the token proves an audited
lookup by this user at this studio and is checked again (same studio, same user, same village) when it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.accounts.models import MOBILE_RE
from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index
from yizhan.core.masking import mask
from yizhan.core.permissions import require
from yizhan.people.models import Person
from yizhan.people.validators import ID_RE, normalize_id_number

from ..models import Studio
from ..permissions import can_take_intake

if TYPE_CHECKING:
    from yizhan.core.types import User

LOOKUP_FIELD = "registry_lookup"  # the audit rows' ``field``
TOKEN_SALT = "yizhan.mediation.registry-lookup"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = 2 * 60 * 60  # seconds: a lookup links a party during the intake it was made for
MAX_MATCHES = 5  # a mobile number can be shared by a household


@dataclass(frozen=True)
class Match:
    """A person found, as the mediator may see them: masked name, age, village, and the token that links them."""

    token: str
    masked_name: str
    age: int | None
    village: str


def _key(number: str) -> tuple[str, str]:
    """("mobile" | "id_number", blind index) of a full number; ValidationError for anything else."""
    compact = normalize_id_number(number or "")
    if MOBILE_RE.match(compact):
        return "mobile", blind_index("mobile", compact)
    if ID_RE.match(compact):
        return "id_number", blind_index("id_number", compact)
    raise ValidationError(
        {"number": _("Enter a full mobile number (11 digits) or a full resident ID number (18 characters).")}
    )


def registry_lookup(*, studio: Studio, user: User, number: str) -> list[Match]:
    """The residents of the studio's village with exactly this mobile or ID number (audited, found or not)."""
    require(can_take_intake, studio)
    kind, digest = _key(number)
    lookup = {"mobile_index": digest} if kind == "mobile" else {"id_number_index": digest}
    # unscoped: mediators do not see the registry; one exact blind index in the studio's village only
    people = list(
        Person.all_objects.filter(region_id=studio.region_id, anonymised_at__isnull=True, **lookup)
        .select_related("region")
        .order_by("pk")[:MAX_MATCHES]
    )
    reason = _("Registry lookup at intake, %(studio)s") % {"studio": studio.display_name}
    with transaction.atomic():
        if not people:
            audit.record(
                actor=user,
                action=audit.Action.REVEAL,
                target=studio,
                field=LOOKUP_FIELD,
                reason=reason,
                changes={"by": kind, "found": 0, "studio": studio.pk},
            )
        for person in people:
            audit.record(
                actor=user,
                action=audit.Action.REVEAL,
                target=person,
                field=LOOKUP_FIELD,
                reason=reason,
                changes={"by": kind, "found": len(people), "studio": studio.pk},
            )
    return [
        Match(
            token=signing.dumps({"p": person.pk, "s": studio.pk, "u": user.pk}, salt=TOKEN_SALT),
            masked_name=mask("name", person.name),
            age=person.age,
            village=person.region.name,
        )
        for person in people
    ]


def person_from_token(token: str, *, studio: Studio, user: User) -> Person:
    """The person a lookup of this user at this studio found (ValidationError if the token is not one)."""
    message = _("The registry link is no longer valid; look the person up again.")
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature as exc:  # expired tokens too (SignatureExpired)
        raise ValidationError({"parties": message}) from exc
    if not isinstance(data, dict) or data.get("s") != studio.pk or data.get("u") != user.pk:
        raise ValidationError({"parties": message})
    person_id = data.get("p")
    if not isinstance(person_id, int):
        raise ValidationError({"parties": message})
    # unscoped: the token proves the audited lookup; the village is checked again
    person = (
        Person.all_objects.filter(pk=person_id, region_id=studio.region_id, anonymised_at__isnull=True)
        .select_related("region")
        .first()
    )
    if person is None:
        raise ValidationError({"parties": message})
    return person


def match_of(token: str, *, studio: Studio, user: User) -> Match | None:
    """The masked card of a token already given (the intake page shown again); None if it is no longer valid."""
    try:
        person = person_from_token(token, studio=studio, user=user)
    except ValidationError:
        return None
    return Match(token=token, masked_name=mask("name", person.name), age=person.age, village=person.region.name)
