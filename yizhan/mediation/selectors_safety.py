"""Reads of a case's safety (screenings, safety steps), sessions, recusals and appointments, through the scoped
managers. ``session_records_for`` is the one place that decides which session records a reader may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Q, QuerySet

from yizhan.stations.models import Room

from .models import (
    Appointment,
    Case,
    CaseParty,
    CaseSession,
    JointSessionOverride,
    MandatoryReport,
    PoliceReferral,
    ProtectionOrder,
    Recusal,
    RiskItem,
    RiskScreening,
)
from .services.safety import active_override, joint_block

Audience = Literal["team", "shared"] | CaseParty


def risk_items() -> QuerySet[RiskItem]:
    return RiskItem.objects.filter(is_active=True).order_by("sort_order", "code")


@dataclass
class CaseSafety:
    """What the case page and the safety page show: the latest level and its history, the block on joint
    sessions, and the safety steps."""

    screenings: list[RiskScreening]
    blocking: RiskScreening | None
    override: JointSessionOverride | None
    referrals: list[PoliceReferral]
    orders: list[ProtectionOrder]
    reports: list[MandatoryReport]
    pending_reports: list[MandatoryReport] = field(default_factory=list)

    @property
    def latest(self) -> RiskScreening | None:
        return self.screenings[0] if self.screenings else None


def case_safety(case: Case) -> CaseSafety:
    """A fixed number of queries, whatever the case's history."""
    screenings = list(
        RiskScreening.objects.filter(case=case).select_related("screened_by").order_by("-screened_at", "-pk")
    )
    reports = list(
        MandatoryReport.objects.filter(case=case).select_related("opened_by", "reported_by").order_by("opened_at")
    )
    return CaseSafety(
        screenings=screenings,
        blocking=joint_block(case),
        override=active_override(case),
        referrals=list(PoliceReferral.objects.filter(case=case).select_related("referred_by")),
        orders=list(ProtectionOrder.objects.filter(case=case).select_related("protected_party", "recorded_by")),
        reports=reports,
        pending_reports=[report for report in reports if report.is_pending],
    )


def _sessions(case: Case) -> QuerySet[CaseSession]:
    return (
        CaseSession.objects.filter(case=case)
        .select_related("room", "heard_party", "recorded_by", "shared_consent_recorded_by")
        .prefetch_related("parties", "team__user")
        .order_by("starts_at", "pk")
    )


def session_records_for(case: Case, *, audience: Audience) -> list[CaseSession]:
    """The sessions whose records ``audience`` may read, oldest first.

    - ``"team"``: every session (the case team's working material; scope decides who is on it).
    - a ``CaseParty`` of the case: joint sessions, that party's own separate sessions, and other parties' separate
      sessions only where those parties consented to share.
    - ``"shared"`` (joint-session views, the agreement, documents for every party): joint sessions and separate
      sessions whose party consented.

    What a party said in a separate session without consent never reaches another party or a shared view."""
    qs = _sessions(case)
    if audience == "team":
        return list(qs)
    shared = Q(kind=CaseSession.Kind.JOINT) | Q(kind=CaseSession.Kind.SEPARATE, shared_consent_at__isnull=False)
    if audience == "shared":
        return list(qs.filter(shared))
    if not isinstance(audience, CaseParty) or audience.case_id != case.pk:
        raise ValueError("audience is 'team', 'shared' or a party of this case")
    return list(qs.filter(shared | Q(kind=CaseSession.Kind.SEPARATE, heard_party=audience)))


def session_get(case: Case, pk) -> CaseSession:
    return _sessions(case).get(pk=pk)


def rooms_for(case: Case) -> list[Room]:
    """The rooms of the station the studio shares premises with (where sessions may be held)."""
    if case.studio.shared_station_id is None:
        return []
    # unscoped: room names of the studio's own premises are place information the studio's team may see
    return list(Room.all_objects.filter(station_id=case.studio.shared_station_id).order_by("sort_order", "pk")[:50])


def case_recusals(case: Case) -> list[Recusal]:
    return list(
        Recusal.objects.filter(case=case).select_related("member__user", "requested_by", "decided_by", "recorded_by")
    )


def appointment_list(*, status: str = "") -> QuerySet[Appointment]:
    """Appointments in scope: a member's own, the studio's for its mediators, the region's for admins."""
    qs = Appointment.objects.select_related("studio", "member__user", "case").order_by("starts_at", "pk")
    if status:
        qs = qs.filter(status=status)
    return qs


def appointment_get(pk) -> Appointment:
    return Appointment.objects.select_related("studio", "studio__region", "member__user", "case").get(pk=pk)
