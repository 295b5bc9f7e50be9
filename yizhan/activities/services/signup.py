"""Public sign-up: a resident signs up for a published activity on its public page (or the public API) without an
account, sees and cancels it later through a private link or a short code, and staff can revoke that link.

Seats: the same mechanism as staff registrations (``services.activities``): the activity row's write lock first,
then a seat with the conditional ``confirmed_count = confirmed_count + 1 WHERE confirmed_count < seats`` — never
overbooked; otherwise waitlisted in order. One active registration per mobile number per activity (also a unique
constraint). Only inside the sign-up window, only for published activities open to the public.

Village-only and invited activities take no public sign-ups: the public pages do not show them, and the service
refuses them with a message that says to ask the station. (Accepting mobile numbers of the village's registry
residents instead would let anyone test whether a number is in the registry.)

Children: a participant under 14 is signed up by a guardian — ``participant_age`` (0–17) is the child's age, ``name``
the child's name, ``guardian_name`` and ``mobile`` the guardian's. An adult (14 or older) signs up themselves and
gives no age. Accompanying children are ages only (at most ``MAX_CHILDREN``) and take no seat.

Secrets: the private link carries a random 32-character token, the code is 8 digits to type together with the mobile
number; only keyed hashes of both are stored (``secret_hash``). Giving a new link (staff) replaces both hashes, so the
old link and code stop working. Messages to the resident (link, promotion, cancellation, reminder) go through
``yizhan.notifications.channels`` from tasks after commit (``activities.tasks``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.accounts.models import MOBILE_RE
from yizhan.audit import services as audit
from yizhan.core.crypto import blind_index, normalize
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters

from .. import messaging, private_links
from ..models import ACTIVE, Activity, ActivityStatus, Audience, Registration, RegistrationStatus, SignupVia
from ..permissions import can_manage_activity
from ..private_links import new_secrets, secret_hash
from .activities import _lock, _promote, _signup_error

if TYPE_CHECKING:
    from yizhan.core.types import User

NAME_MAX = 50
GUARDIAN_AGE = 14  # below this age a guardian signs the child up
CHILD_AGE_MAX = 17
MAX_CHILDREN = 6
CONSENT_VERSION = "2026-1"
# What the audit rows of a public sign-up keep: no hashes of the secrets.
AUDITED = ["activity", "name", "mobile", "status", "position", "via", "guardian_name", "participant_age"]


def consent_text() -> str:
    """The text a resident agrees to before signing up (shown on the page and returned by the API)."""
    return _(
        "I agree that the station uses the names, the mobile number and the children's ages given here only to run "
        "this activity: to confirm my place, to tell me about changes and to remind me the day before. The data is "
        "seen only by the station's staff and the federation staff above it, and is erased %(days)s days after the "
        "activity ends."
    ) % {"days": settings.RETENTION["activity_signup"]}


@dataclass(frozen=True)
class Signup:
    """A new public registration with its secrets, shown once (the page, the API answer, the message)."""

    registration: Registration
    token: str
    code: str


def _clean_name(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("Enter %(what)s.") % {"what": label}})
    if len(value) > NAME_MAX:
        raise ValidationError({field: _("Use at most %(max)s characters.") % {"max": NAME_MAX}})
    if has_control_characters(value):
        raise ValidationError({field: _("This text may not contain control characters.")})
    return value


def clean_mobile(value: str) -> str:
    mobile = normalize("mobile", value or "")
    if not MOBILE_RE.match(mobile) or len((value or "").strip()) > 20:
        raise ValidationError({"mobile": _("Enter a mainland China mobile number of 11 digits, e.g. 13800138000.")})
    return mobile


def _clean_ages(ages: Sequence[int] | None) -> list[int]:
    ages = list(ages or [])
    if len(ages) > MAX_CHILDREN:
        raise ValidationError({"children_ages": _("At most %(max)s accompanying children.") % {"max": MAX_CHILDREN}})
    for age in ages:
        if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= CHILD_AGE_MAX:
            raise ValidationError(
                {"children_ages": _("A child's age is a whole number from 0 to %(max)s.") % {"max": CHILD_AGE_MAX}}
            )
    return ages


def public_signup(
    *,
    activity: Activity,
    name: str,
    mobile: str,
    consent: bool,
    guardian_name: str = "",
    participant_age: int | None = None,
    children_ages: Sequence[int] | None = None,
) -> Signup:
    """A resident signs up (or a guardian signs a child up): confirmed while seats last, then waitlisted in order."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    checks = [
        ("name", lambda: _clean_name(name, "name", _("the participant's name"))),
        ("mobile", lambda: clean_mobile(mobile)),
        ("children_ages", lambda: _clean_ages(children_ages)),
    ]
    if participant_age is not None:
        checks.append(("guardian_name", lambda: _clean_name(guardian_name, "guardian_name", _("the guardian's name"))))
    for field, check in checks:
        try:
            cleaned[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if participant_age is not None and not 0 <= participant_age <= CHILD_AGE_MAX:
        errors["participant_age"] = [
            _("A child signed up by a guardian is 0 to %(max)s years old.") % {"max": CHILD_AGE_MAX}
        ]
    if participant_age is None and (guardian_name or "").strip():
        errors["participant_age"] = [_("Give the child's age when a guardian signs a child up.")]
    if not consent:
        errors["consent"] = [_("Tick the consent to sign up: the station needs it to keep your data.")]
    if errors:
        raise ValidationError(errors)
    token, code = new_secrets()
    mobile_clean = str(cleaned["mobile"])
    with transaction.atomic():
        Activity.all_objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq") + 1)
        current = Activity.all_objects.select_related("station").get(pk=activity.pk)
        now = timezone.now()
        if current.audience != Audience.PUBLIC:
            raise ValidationError(
                _("This activity is not open to the public: ask the station %(station)s to register you.")
                % {"station": current.station.display_name}
            )
        if current.status == ActivityStatus.DRAFT:
            raise ValidationError(_("This activity is not open for sign-up."))
        problem = _signup_error(current, now)
        if problem:
            raise ValidationError(problem)
        if Registration.all_objects.filter(
            ACTIVE, activity=current, mobile_index=blind_index("mobile", mobile_clean)
        ).exists():
            raise ValidationError(_already_message())
        seat = Activity.all_objects.filter(pk=current.pk, confirmed_count__lt=F("seats")).update(
            confirmed_count=F("confirmed_count") + 1
        )
        registration = Registration(
            activity=current,
            name=str(cleaned["name"]),
            mobile=mobile_clean,
            status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED,
            position=current.registration_seq,
            via=SignupVia.PUBLIC,
            guardian_name=str(cleaned.get("guardian_name", "")),
            participant_age=participant_age,
            children_ages=cleaned["children_ages"],
            consent_version=CONSENT_VERSION,
            consented_at=now,
            access_hash=secret_hash("link", token),
            code_hash=secret_hash("code", code),
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # the constraint holds even if the check above was passed by
            raise ValidationError(_already_message()) from exc
        audit.record(
            actor=None,
            action=audit.Action.CREATE,
            target=registration,
            changes=audit.diff({}, audit.snapshot(registration, fields=AUDITED)),
        )
        messaging.send_link_after_commit(registration, token=token, code=code)
    activity.confirmed_count = current.confirmed_count + (1 if seat else 0)
    activity.registration_seq = current.registration_seq
    return Signup(registration=registration, token=token, code=code)


def _already_message() -> str:
    return _(
        "This mobile number is signed up for this activity already: open your private link, or enter your code, to "
        "see or cancel that registration."
    )


def registration_cancel_by_resident(*, registration: Registration) -> Registration:
    """The resident cancels their own registration (they proved it with the private link or code): until the
    activity starts. A confirmed seat goes to the first waitlisted person, who is told."""
    activity = registration.activity
    with transaction.atomic():
        _lock(activity)
        registration.refresh_from_db()
        activity.refresh_from_db()
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration was cancelled already."))
        if activity.status != ActivityStatus.PUBLISHED or activity.starts_at <= timezone.now():
            raise ValidationError(
                _("This activity has started or is over: the registration can no longer be cancelled.")
            )
        before = audit.snapshot(registration, fields=["status", "cancelled_at"])
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.log_update(None, registration, before)
        if was_confirmed:
            Activity.all_objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
        _promote(activity, actor=None)
    activity.refresh_from_db(fields=["confirmed_count"])
    return registration


def registration_new_link(*, registration: Registration, issued_by: User) -> Signup:
    """Staff revoke a resident's private link and code and issue new ones, sent to the registration's mobile
    number; the old link and code stop working at once."""
    require(can_manage_activity, registration.activity)
    if not registration.mobile:
        raise ValidationError(_("This registration has no mobile number to send a new link to."))
    token, code = new_secrets()
    with transaction.atomic():
        registration.refresh_from_db()
        if registration.status == RegistrationStatus.CANCELLED:
            raise ValidationError(_("This registration was cancelled already."))
        registration.access_hash = secret_hash("link", token)
        registration.code_hash = secret_hash("code", code)
        registration.save(update_fields=["access_hash", "code_hash"])
        audit.record(
            actor=issued_by,
            action=audit.Action.UPDATE,
            target=registration,
            changes={"private_link": ["revoked", "new link sent"]},
        )
        messaging.send_link_after_commit(registration, token=token, code=code)
    return Signup(registration=registration, token=token, code=code)


def code_matches(registration: Registration, code: str) -> bool:
    return private_links.matches(registration.code_hash, "code", private_links.clean_code(code))


def erase_public_signups(*, now: datetime | None = None) -> int:
    """Erase the personal data of public sign-ups ``settings.RETENTION["activity_signup"]`` days after their
    activity ended (what the consent text promises): name, mobile number, guardian, ages and the secrets. The rows
    stay, for the activity's counts. One audit row per registration."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION["activity_signup"])
    stamp = now or timezone.now()
    erased = 0
    while True:
        batch = list(
            Registration.all_objects.filter(via=SignupVia.PUBLIC, erased_at__isnull=True, activity__ends_at__lt=cutoff)
            .select_related("activity", "activity__station")
            .order_by("pk")[:500]
        )
        if not batch:
            return erased
        with transaction.atomic():
            Registration.all_objects.filter(pk__in=[r.pk for r in batch]).update(
                name="—",
                mobile="",
                mobile_index="",
                guardian_name="",
                children_ages=[],
                access_hash="",
                code_hash="",
                erased_at=stamp,
            )
            audit.record_many(
                actor=None,
                action=audit.Action.UPDATE,
                targets=batch,
                changes=lambda r: {"personal_data": ["kept", "erased (retention)"]},
            )
        erased += len(batch)
