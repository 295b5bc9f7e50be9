"""Domestic-violence safety of a mediation case (issue 11): risk screening with items and scoring as data, the block
on joint sessions under red or orange risk (lifted only by a town admin's audited override), and the safety steps a
screening opens — police referral, help with a personal safety protection order (Anti-Domestic Violence Law art. 23,
27-30) and the mandatory report (art. 14), without which the case cannot proceed.

Keyword-only, atomic, audited; bad input raises a translated ValidationError before anything is written.
The screening's answers are stored encrypted (``EncryptedField(kind="text")``, a JSON list of item codes): the case
team reads them, admins over the studio only through the audited reveal. The level and score are in clear.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import require
from yizhan.core.text import has_control_characters
from yizhan.core.versioning import StaleVersionError, bump_version

from ..models import (
    BLOCKING_LEVELS,
    PROTECTION_ORDER_ALERT_DAYS,
    PROTECTION_ORDER_MAX_MONTHS,
    RISK_LEVEL_RANK,
    Case,
    CaseParty,
    JointSessionOverride,
    MandatoryReport,
    PoliceReferral,
    ProtectionOrder,
    RiskBand,
    RiskItem,
    RiskLevel,
    RiskScreening,
)
from ..permissions import can_override_joint_block, can_screen_case
from ..tasks import protection_order_expiry_alert

if TYPE_CHECKING:
    from yizhan.core.types import User

NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
NAME_MAX_LENGTH = 100
ALERT_HOUR = 9


# --- checks -------------------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def check_text(
    errors: dict[str, list[str]],
    field: str,
    value: str,
    *,
    max_length: int,
    required: bool,
    message: str = "",
    multiline: bool = False,
) -> None:
    if required and not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("Use at most %(max_length)d characters.") % {"max_length": max_length})
    elif has_control_characters(value, multiline=multiline):
        errors.setdefault(field, []).append(_("This text may not contain control characters."))


_T = TypeVar("_T")


def required(value: _T | None) -> _T:
    """A value the checks above found present (refused with the errors already), narrowed for the type checker."""
    if value is None:
        raise ValidationError(_("This field is required."))
    return value


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def check_open(case: Case) -> None:
    if not case.is_open:
        raise ValidationError(_("This case is closed; it can no longer be changed."))


def aware(value: datetime | None) -> datetime | None:
    """A date and time as given (the API may send one without a zone offset): read in the local time zone."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_past(errors: dict[str, list[str]], field: str, value: datetime | date | None, *, required=True) -> None:
    if value is None:
        if required:
            errors.setdefault(field, []).append(_("Give the date."))
        return
    now = timezone.now() if isinstance(value, datetime) else timezone.localdate()
    earliest = date(2000, 1, 1)
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    if value > now or day < earliest:
        errors.setdefault(field, []).append(_("The date cannot be in the future."))


# --- the mandatory report gate (art. 14) --------------------------------------------------------------------------


def pending_mandatory_reports(case: Case) -> list[MandatoryReport]:
    # unscoped reads are not needed: the gate runs for whoever acts on the case, through the system manager so that
    # nobody can miss a pending report because of their scope
    return list(MandatoryReport.all_objects.filter(case=case, reported_at__isnull=True).order_by("opened_at", "pk"))


def require_mandatory_reports(case: Case) -> None:
    """Refuse to let the case proceed (accept, sessions, close) while a mandatory report is not recorded."""
    pending = pending_mandatory_reports(case)
    if pending:
        raise ValidationError(
            _(
                "The mandatory report (Anti-Domestic Violence Law art. 14) is missing: %(grounds)s. Record to whom, "
                "when and by whom it was made before the case can proceed."
            )
            % {"grounds": "; ".join(report.grounds for report in pending)}
        )


# --- risk screening -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScreeningResult:
    score: int
    level: str
    opens_mandatory_report: bool
    critical: tuple[str, ...]


def score_answers(items: Iterable[RiskItem], bands: Iterable[RiskBand], yes: Iterable[str]) -> ScreeningResult:
    """The score (sum of the weights of the items answered yes), the level (the highest band reached, raised to what
    a critical item forces) and whether a mandatory report is opened."""
    chosen = set(yes)
    answered = [item for item in items if item.code in chosen]
    score = sum(item.weight for item in answered)
    level = RiskLevel.WHITE.value
    for band in sorted(bands, key=lambda b: -b.min_score):
        if score >= band.min_score:
            level = band.level
            break
    critical = tuple(item.code for item in answered if item.forces_level)
    for item in answered:
        if item.forces_level and RISK_LEVEL_RANK[RiskLevel(item.forces_level)] > RISK_LEVEL_RANK[RiskLevel(level)]:
            level = item.forces_level
    return ScreeningResult(
        score=score,
        level=level,
        opens_mandatory_report=any(item.opens_mandatory_report for item in answered),
        critical=critical,
    )


def answer_codes(screening: RiskScreening) -> list[str]:
    """The codes of the items a screening answered yes (decrypted: only for readers allowed to see them)."""
    try:
        codes = json.loads(screening.answers or "[]")
    except ValueError:
        return []
    return [code for code in codes if isinstance(code, str)]


def screening_record(
    *, case: Case, screened_by: User, answers: Sequence[str], note: str = "", screened_at: datetime | None = None
) -> RiskScreening:
    """Screen a case for domestic-violence risk (at intake or later). Items answered yes are given by code; the
    level follows from the items' weights and the bands (reference data). A child or a person without capacity at
    risk opens a mandatory report (one pending report at a time)."""
    require(can_screen_case, case)
    check_open(case)
    errors: dict[str, list[str]] = {}
    items = list(RiskItem.objects.filter(is_active=True))
    known = {item.code for item in items}
    codes = sorted({code for code in answers if isinstance(code, str)})
    if any(code not in known for code in codes) or len(codes) != len(set(answers)):
        errors["answers"] = [_("Answer only the screening's items.")]
    note = _text(note)
    check_text(errors, "note", note, max_length=NOTE_MAX_LENGTH, required=False, multiline=True)
    screened_at = aware(screened_at) or timezone.now()
    _check_past(errors, "screened_at", screened_at)
    raise_errors(errors)
    result = score_answers(items, RiskBand.objects.all(), codes)
    with transaction.atomic():
        screening = RiskScreening.objects.create(
            case=case,
            level=result.level,
            score=result.score,
            answers=json.dumps(codes),
            note=note,
            opens_mandatory_report=result.opens_mandatory_report,
            screened_by=screened_by,
            screened_at=screened_at,
        )
        audit.log_create(screened_by, screening)
        if result.opens_mandatory_report and not pending_mandatory_reports(case):
            report = MandatoryReport.objects.create(
                case=case,
                screening=screening,
                grounds=_("risk screening: a child or a person without capacity is at risk"),
                opened_by=screened_by,
            )
            audit.log_create(screened_by, report)
    return screening


def latest_screening(case: Case) -> RiskScreening | None:
    return RiskScreening.all_objects.filter(case=case).order_by("-screened_at", "-pk").first()


def joint_block(case: Case) -> RiskScreening | None:
    """The screening that blocks joint sessions (the latest, at red or orange, not overridden), or None."""
    latest = latest_screening(case)
    if latest is None or latest.level not in BLOCKING_LEVELS:
        return None
    if JointSessionOverride.all_objects.filter(screening=latest).exists():
        return None
    return latest


def active_override(case: Case) -> JointSessionOverride | None:
    """The override that lets joint sessions go ahead under the latest (red or orange) screening, if any."""
    latest = latest_screening(case)
    if latest is None or latest.level not in BLOCKING_LEVELS:
        return None
    return JointSessionOverride.all_objects.filter(screening=latest).order_by("-granted_at").first()


def joint_override_grant(*, case: Case, granted_by: User, reason: str) -> JointSessionOverride:
    """A town admin (or above) allows joint sessions despite the latest red or orange screening, with a reason."""
    require(can_override_joint_block, case)
    check_open(case)
    blocking = joint_block(case)
    if blocking is None:
        raise ValidationError(_("Joint sessions are not blocked: there is nothing to override."))
    reason = _text(reason)
    errors: dict[str, list[str]] = {}
    check_text(
        errors,
        "reason",
        reason,
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Give the reason joint sessions may go ahead despite the risk."),
        multiline=True,
    )
    raise_errors(errors)
    with transaction.atomic():
        override = JointSessionOverride.objects.create(
            case=case, screening=blocking, reason=reason, granted_by=granted_by
        )
        audit.log_create(granted_by, override)  # the reason is about people: only in the encrypted field
    return override


# --- police referral ----------------------------------------------------------------------------------------------


def police_referral_record(
    *, case: Case, referred_by: User, referred_at: datetime | None, station: str, note: str = ""
) -> PoliceReferral:
    require(can_screen_case, case)
    station, note, referred_at = _text(station), _text(note), aware(referred_at)
    errors: dict[str, list[str]] = {}
    _check_past(errors, "referred_at", referred_at)
    check_text(
        errors,
        "station",
        station,
        max_length=NAME_MAX_LENGTH,
        required=True,
        message=_("Name the police station."),
    )
    check_text(errors, "note", note, max_length=REASON_MAX_LENGTH, required=False)
    raise_errors(errors)
    with transaction.atomic():
        referral = PoliceReferral.objects.create(
            case=case, referred_at=required(referred_at), station=station, note=note, referred_by=referred_by
        )
        audit.log_create(referred_by, referral)
    return referral


# --- protection orders (art. 23, 27-30) ----------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where that month is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def protection_order_apply(
    *,
    case: Case,
    recorded_by: User,
    protected_party: CaseParty | None,
    applied_at: datetime | None,
    court: str,
    urgent: bool = False,
) -> ProtectionOrder:
    """Record an application for a personal safety protection order made for (or with) a party of the case."""
    require(can_screen_case, case)
    court, applied_at = _text(court), aware(applied_at)
    errors: dict[str, list[str]] = {}
    if protected_party is None or protected_party.case_id != case.pk:
        errors["protected_party"] = [_("Choose the party the order protects.")]
    _check_past(errors, "applied_at", applied_at)
    check_text(errors, "court", court, max_length=NAME_MAX_LENGTH, required=True, message=_("Name the court."))
    raise_errors(errors)
    with transaction.atomic():
        order = ProtectionOrder.objects.create(
            case=case,
            protected_party=required(protected_party),
            applied_at=required(applied_at),
            court=court,
            urgent=bool(urgent),
            recorded_by=recorded_by,
        )
        audit.log_create(recorded_by, order)
    return order


def protection_order_rule(
    *,
    order: ProtectionOrder,
    recorded_by: User,
    version: int,
    ruling: str,
    ruling_on: date | None,
    expires_on: date | None = None,
) -> ProtectionOrder:
    """Record the court's ruling: granted (with the expiry, at most 6 months after the ruling, art. 30) or refused.
    A granted order gets an alert to the lead mediator and the town admin a week before it expires."""
    require(can_screen_case, order.case)
    if str(order.version) != str(version):
        raise StaleVersionError
    errors: dict[str, list[str]] = {}
    if ruling not in (ProtectionOrder.Ruling.GRANTED, ProtectionOrder.Ruling.REFUSED):
        errors["ruling"] = [_("Say whether the order was granted or refused.")]
    _check_past(errors, "ruling_on", ruling_on)
    if ruling_on is not None and ruling_on < timezone.localdate(order.applied_at):
        errors.setdefault("ruling_on", []).append(_("The ruling cannot be before the application."))
    if ruling == ProtectionOrder.Ruling.GRANTED:
        if expires_on is None:
            errors["expires_on"] = [_("Give the date the order expires.")]
        elif ruling_on is not None and expires_on <= ruling_on:
            errors["expires_on"] = [_("The order must expire after the ruling.")]
        elif ruling_on is not None and expires_on > add_months(ruling_on, PROTECTION_ORDER_MAX_MONTHS):
            errors["expires_on"] = [
                _("A protection order lasts at most 6 months (Anti-Domestic Violence Law art. 30): until %(day)s.")
                % {"day": add_months(ruling_on, PROTECTION_ORDER_MAX_MONTHS).isoformat()}
            ]
    else:
        expires_on = None
    raise_errors(errors)
    before = audit.snapshot(order, fields=["ruling", "ruling_on", "expires_on"])
    with transaction.atomic():
        bump_version(order, version)
        order.ruling, order.ruling_on, order.expires_on = ruling, ruling_on, expires_on
        order.save()
        audit.log_update(recorded_by, order, before)
        if order.ruling == ProtectionOrder.Ruling.GRANTED and order.expires_on is not None:
            schedule_expiry_alert(order)
    return order


def schedule_expiry_alert(order: ProtectionOrder) -> None:
    """Enqueue the expiry alert after commit, to run a week before the order expires (at once if that is past)."""
    if order.expires_on is None:
        return
    alert_day = order.expires_on - timedelta(days=PROTECTION_ORDER_ALERT_DAYS)
    run_after = max(timezone.make_aware(datetime.combine(alert_day, time(ALERT_HOUR))), timezone.now())
    order_id, expires = order.pk, order.expires_on.isoformat()
    task = protection_order_expiry_alert
    if task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    # Without deferral (the immediate backend of the tests) the task runs at once and sends only when it is due.
    transaction.on_commit(lambda: task.enqueue(order_id=order_id, expires_on=expires))


# --- mandatory report (art. 14) -----------------------------------------------------------------------------------


def mandatory_report_open(*, case: Case, opened_by: User, grounds: str) -> MandatoryReport:
    """Flag the case by hand: a child or a person without capacity is at risk and must be reported."""
    require(can_screen_case, case)
    grounds = _text(grounds)
    errors: dict[str, list[str]] = {}
    check_text(
        errors,
        "grounds",
        grounds,
        max_length=REASON_MAX_LENGTH,
        required=True,
        message=_("Say who is at risk and why a report is needed."),
    )
    raise_errors(errors)
    with transaction.atomic():
        report = MandatoryReport.objects.create(case=case, grounds=grounds, opened_by=opened_by)
        audit.log_create(opened_by, report)
    return report


def mandatory_report_record(
    *, report: MandatoryReport, reported_by: User, reported_to: str, reported_at: datetime | None
) -> MandatoryReport:
    """Record that the report was made: to whom (public security organ), when, and by whom (the acting user)."""
    require(can_screen_case, report.case)
    if not report.is_pending:
        raise ValidationError(_("This report is already recorded."))
    reported_to, reported_at = _text(reported_to), aware(reported_at)
    errors: dict[str, list[str]] = {}
    check_text(
        errors,
        "reported_to",
        reported_to,
        max_length=NAME_MAX_LENGTH,
        required=True,
        message=_("Say to whom the report was made (e.g. the police station)."),
    )
    _check_past(errors, "reported_at", reported_at)
    raise_errors(errors)
    before = audit.snapshot(report, fields=["reported_to", "reported_at", "reported_by"])
    with transaction.atomic():
        updated = MandatoryReport.all_objects.filter(pk=report.pk, reported_at__isnull=True).update(
            reported_to=reported_to, reported_at=reported_at, reported_by=reported_by
        )
        if updated != 1:
            raise ValidationError(_("This report is already recorded."))
        report.reported_to, report.reported_at, report.reported_by = reported_to, reported_at, reported_by
        audit.log_update(reported_by, report, before)
    return report
