"""Reads of studios and their teams, always through the scoped managers. Query counts do not grow with the data."""

from django.db.models import Case as Conditional
from django.db.models import QuerySet, When

from yizhan.core.queries import count_of
from yizhan.core.scoping import require_scope
from yizhan.stations.selectors import filter_places, with_place

from .models import (
    Agreement,
    Case,
    CaseExtension,
    CaseMember,
    CaseParty,
    DisputeType,
    FollowUp,
    JudicialConfirmation,
    OnlineRequest,
    Studio,
    StudioContact,
    StudioMember,
)
from .permissions import can_take_intake


def studio_list(*, region_code: str = "", status: str = "", search: str = ""):
    """Studios in scope with their village and the size of their team (a fixed number of queries per page)."""
    qs = Studio.objects.select_related("region", "region__parent", "shared_station").annotate(
        # unscoped: the team of studios already read through the scope (a subquery: counted for the page only)
        member_count=count_of(StudioMember.all_objects.filter(is_active=True), "studio")
    )
    return filter_places(qs, region_code=region_code, status=status, search=search)


def studio_get(pk) -> Studio:
    return Studio.objects.select_related("region", "region__parent", "shared_station").get(pk=pk)


def studio_team(studio, *, active_only=True):
    qs = StudioMember.objects.filter(studio=studio).select_related("user")
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("kind", "-can_lead", "pk"))


def studio_contacts(studio):
    return with_place(StudioContact.objects.filter(studio=studio).order_by("sort_order", "pk"), studio=studio)


def team_by_kind(members) -> list[dict]:
    rows = []
    for kind, label in StudioMember.Kind.choices:
        kind_members = [m for m in members if m.kind == kind]
        if kind_members:
            rows.append({"kind": kind, "label": label, "members": kind_members})
    return rows


# --- cases ------------------------------------------------------------------------------------------------------


def case_list(
    *, status: str = "", dispute_type: str = "", source: str = "", year: int | None = None, studio_id=None
) -> QuerySet[Case]:
    """Cases in scope (admins: their region; mediators: their studio; advisors: the cases they are on), newest
    first, with what the list shows in the same query."""
    qs = Case.objects.select_related("studio", "studio__region", "dispute_type", "lead")
    if status:
        qs = qs.filter(status=status)
    if dispute_type:
        qs = qs.filter(dispute_type__code=dispute_type)
    if source:
        qs = qs.filter(source=source)
    if year:
        qs = qs.filter(year=year)
    if studio_id:
        qs = qs.filter(studio_id=studio_id)
    return qs.order_by("-year", "-sequence", "-id")


def case_get(pk) -> Case:
    return Case.objects.select_related(
        "studio", "studio__region", "studio__region__parent", "dispute_type", "lead", "created_by"
    ).get(pk=pk)


def case_parties(case: Case) -> list[CaseParty]:
    return list(CaseParty.objects.filter(case=case).order_by("role", "pk"))


def case_team(case: Case) -> list[CaseMember]:
    return list(CaseMember.objects.filter(case=case).select_related("member", "member__user").order_by("role", "pk"))


def dispute_types(*, active_only: bool = True) -> QuerySet[DisputeType]:
    qs = DisputeType.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def intake_studios() -> list[Studio]:
    """The studios where the acting user takes in cases (as one of its mediators)."""
    scope = require_scope()
    studios = Studio.objects.filter(pk__in=sorted(scope.place_ids("studio"))).select_related("region")
    return [studio for studio in studios if can_take_intake(scope, studio)]


def studio_roster(studio: Studio) -> list[StudioMember]:
    """The active team of a studio, for choosing a case's team."""
    return studio_team(studio)


# --- outcomes: agreement versions, judicial confirmation, extensions, follow-up visits -----------------------------


def case_agreements(case: Case) -> list[Agreement]:
    """Every version of the case's agreement, newest first, with its parties' details."""
    return list(
        Agreement.objects.filter(case=case)
        .select_related("case", "case__studio", "scan_uploaded_by")
        .prefetch_related("party_details")
        .order_by("-revision")
    )


def agreement_get(case: Case, revision) -> Agreement:
    return (
        Agreement.objects.select_related("case", "case__studio", "case__studio__region")
        .prefetch_related("party_details")
        .get(case=case, revision=revision)
    )


def case_confirmations(case: Case) -> list[JudicialConfirmation]:
    return list(
        JudicialConfirmation.objects.filter(case=case).select_related("agreement").order_by("-applied_on", "-pk")
    )


def case_extensions(case: Case) -> list[CaseExtension]:
    return list(
        CaseExtension.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("consenting_parties")
        .order_by("recorded_at", "pk")
    )


def case_follow_ups(case: Case) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(case=case)
        .select_related("performed_by", "case__studio__region")
        .order_by("due_on", "pk")
    )


def follow_up_get(case: Case, pk) -> FollowUp:
    return FollowUp.objects.select_related("case", "case__studio", "case__studio__region").get(case=case, pk=pk)


def online_requests(studio):
    """A studio's online requests, new ones first, then the handled ones newest first (scoped: mediators and admins)."""
    return (
        OnlineRequest.objects.filter(studio=studio)
        .select_related("studio__region", "dispute_type", "case", "handled_by")
        .order_by(Conditional(When(status=OnlineRequest.Status.NEW, then=0), default=1), "-created_at", "-pk")
    )


def online_request_get(studio, pk) -> OnlineRequest:
    return OnlineRequest.objects.select_related("studio", "studio__region").get(studio=studio, pk=pk)


def new_online_request_count(studio) -> int:
    return OnlineRequest.objects.filter(studio=studio, status=OnlineRequest.Status.NEW).count()
