"""REST endpoints for mediation studios: the same selectors, services and scope as the pages."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from yizhan.accounts.models import User
from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import allows, is_admin, require, requires
from yizhan.core.scoping import require_scope
from yizhan.core.text import CODE_MAX_LENGTH
from yizhan.core.throttling import UserThrottle
from yizhan.people.models import Person
from yizhan.stations.api import ContactOut, PlaceFilters, RegionRef, village_by_code
from yizhan.stations.models import Station, Status

from . import selectors, selectors_insight, selectors_safety, services
from .models import (
    Appointment,
    Case,
    CaseParty,
    CaseSession,
    DisputeType,
    MandatoryReport,
    ProtectionOrder,
    Recusal,
    RiskScreening,
    Studio,
    StudioMember,
)
from .permissions import (
    can_edit_studio,
    can_record_sessions,
    can_screen_case,
    can_take_intake,
    can_work_on_case,
    sees_case_overview,
    uses_appointments,
    uses_case_pages,
    uses_studio_pages,
)
from .services import safety as safety_services
from .services import sessions as sessions_services
from .services.cases import MAX_PARTIES, NARRATIVE_MAX_LENGTH, REASON_MAX_LENGTH, REFERRAL_MAX_LENGTH
from .services.lookup import person_from_token
from .services.lookup import registry_lookup as lookup_service
from .throttling import RegistryLookupThrottle

studios_router = Router(tags=["studios"])


# --- schemas ----------------------------------------------------------------------------------------------


class StudioMemberOut(Schema):
    id: int
    kind: str
    can_lead: bool
    organisation: str
    name: str = Field(..., alias="user.name")
    username: str = Field(..., alias="user.username")


class StudioOut(Schema):
    id: int
    region: RegionRef
    name: str
    brand_name: str
    address: str
    introduction: str
    status: str
    status_since: date | None
    opened_on: date | None
    is_public: bool
    shared_station: int | None = Field(None, alias="shared_station_id")
    case_number_format: str
    case_time_limit_days: int
    version: int
    repeat_window_days: int


class StudioDetailOut(StudioOut):
    team: list[StudioMemberOut]
    contacts: list[ContactOut]


class StudioPage(Schema):
    meta: PageMeta
    items: list[StudioOut]


class StudioIn(InputSchema):
    region: str
    name: str = Field(..., min_length=1, max_length=100)
    brand_name: str = Field("", max_length=100)
    address: str = Field("", max_length=200)
    introduction: Annotated[str, MULTI_LINE] = Field("", max_length=2000)
    status: Status = Status.PLANNED
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool = True
    shared_station: int | None = None


class StudioPatch(InputSchema):
    version: int
    region: str | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    brand_name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=200)
    introduction: Annotated[str | None, MULTI_LINE] = Field(None, max_length=2000)
    status: Status | None = None
    status_since: date | None = None
    opened_on: date | None = None
    is_public: bool | None = None
    shared_station: int | None = None
    case_number_format: str | None = Field(None, min_length=1, max_length=60)
    case_time_limit_days: int | None = Field(None, ge=1, le=365)
    repeat_window_days: int | None = Field(None, ge=1, le=3650, description="Early warning: repeat-dispute window")


class StudioMemberIn(InputSchema):
    username: str
    kind: StudioMember.Kind
    can_lead: bool = False
    organisation: str = Field("", max_length=100)


# --- helpers ----------------------------------------------------------------------------------------------


def _studio(studio_id: int) -> Studio:
    require(uses_studio_pages)
    try:
        return selectors.studio_get(studio_id)
    except Studio.DoesNotExist as exc:
        raise Http404 from exc


def _studio_detail(studio):
    return {
        **StudioOut.from_orm(studio).dict(),
        "team": selectors.studio_team(studio),
        "contacts": selectors.studio_contacts(studio),
    }


def _shared_station(station_id):
    if station_id is None:
        return None
    station = Station.objects.filter(pk=station_id).first()
    if station is None:
        raise ValidationError({"shared_station": _("Unknown station.")})
    return station


@studios_router.get("/", response=StudioPage, summary="Mediation studios in your scope")
@requires(uses_studio_pages)
def list_studios(request, filters: Query[PlaceFilters]):
    studios = selectors.studio_list(region_code=filters.region, status=filters.status, search=filters.q)
    meta, items = page_of(studios, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@studios_router.post("/", response={201: StudioOut})
@requires(is_admin)
def create_studio(request, payload: StudioIn):
    data = payload.dict()
    data["region"] = village_by_code(data["region"])
    data["shared_station"] = _shared_station(data["shared_station"])
    return HttpStatus(201, services.studio_create(created_by=request.user, **data))


@studios_router.get("/{studio_id}", response=StudioDetailOut)
def get_studio(request, studio_id: int):
    return _studio_detail(_studio(studio_id))


@studios_router.patch("/{studio_id}", response=StudioDetailOut)
def update_studio(request, studio_id: int, payload: StudioPatch):
    studio = _studio(studio_id)
    require(can_edit_studio, studio)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "region" in data:
        data["region"] = village_by_code(data["region"]) if data["region"] else studio.region
    if "shared_station" in data:
        data["shared_station"] = _shared_station(data["shared_station"])
    for required in ("name", "status", "is_public", "case_number_format", "case_time_limit_days", "repeat_window_days"):
        if required in data and data[required] is None:
            data.pop(required)
    services.studio_update(studio=studio, updated_by=request.user, version=version, **data)
    return _studio_detail(studio)


@studios_router.post("/{studio_id}/team", response={201: StudioMemberOut}, summary="Put a person on the team")
def add_member(request, studio_id: int, payload: StudioMemberIn):
    studio = _studio(studio_id)
    require(can_edit_studio, studio)  # before looking at the payload: a team member gets 403, not a form error
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise ValidationError({"username": _("No account with this username in your region.")})
    data = payload.dict()
    data.pop("username")
    return HttpStatus(201, services.studio_member_add(studio=studio, user=user, added_by=request.user, **data))


# --- cases ------------------------------------------------------------------------------------------------------

cases_router = Router(tags=["mediation cases"])


class DisputeTypeOut(Schema):
    code: str
    name: str


class CasePartyOut(Schema):
    id: int
    role: str
    name: str
    mobile: str = Field(..., description="Masked (138****8000)")
    relation: str
    person: int | None = Field(None, alias="person_id")

    @staticmethod
    def resolve_mobile(obj) -> str:
        return obj.masked("mobile")


class CaseMemberOut(Schema):
    role: str
    member: int = Field(..., alias="member_id")
    kind: str = Field(..., alias="member.kind")
    name: str = Field(..., alias="member.user.name")
    username: str = Field(..., alias="member.user.username")


class CaseOut(Schema):
    id: int
    studio: int = Field(..., alias="studio_id")
    studio_name: str = Field(..., alias="studio.display_name")
    number: str
    year: int
    sequence: int
    source: str
    dispute_type: str = Field(..., alias="dispute_type.code")
    status: str
    received_on: date
    accepted_at: datetime | None
    time_limit_days: int
    deadline: date | None
    is_overdue: bool
    lead: str | None = Field(None, alias="lead.username")
    closed_at: datetime | None
    agreement_form: str
    close_reason: str
    referral: str
    advice: str
    version: int


class CaseDetailOut(CaseOut):
    narrative: str = Field(
        ..., alias="narrative_shown", description="In full for the studio's mediators and the case team, else masked"
    )
    parties: list[CasePartyOut] = Field(..., alias="party_list")
    team: list[CaseMemberOut] = Field(..., alias="team_list")


class CasePage(Schema):
    meta: PageMeta
    items: list[CaseOut]


class CaseFilters(PageQuery):
    status: str = Field("", max_length=CODE_MAX_LENGTH)
    dispute_type: str = Field("", max_length=CODE_MAX_LENGTH, description="Code of a dispute type")
    source: str = Field("", max_length=CODE_MAX_LENGTH)
    year: int | None = Field(None, ge=2000, le=2100)


class CasePartyIn(InputSchema):
    role: CaseParty.Role
    person: int | None = Field(None, description="A person of the registry in your scope (name and mobile from there)")
    name: str = Field("", max_length=100)
    mobile: str = Field("", max_length=11)
    relation: str = Field("", max_length=50)
    person_token: str = Field(
        "",
        max_length=500,
        description="The token of a registry lookup (POST /api/cases/overview/registry-lookup) at this studio",
    )


class CaseIn(InputSchema):
    studio: int
    source: Case.Source
    dispute_type: str = Field(..., max_length=CODE_MAX_LENGTH, description="Code of a dispute type")
    narrative: Annotated[str, MULTI_LINE] = Field(..., min_length=1, max_length=NARRATIVE_MAX_LENGTH)
    received_on: date | None = None
    parties: list[CasePartyIn] = Field(..., min_length=1, max_length=MAX_PARTIES)


class CasePatch(InputSchema):
    version: int
    source: Case.Source | None = None
    dispute_type: str | None = Field(None, max_length=CODE_MAX_LENGTH)
    narrative: Annotated[str | None, MULTI_LINE] = Field(None, min_length=1, max_length=NARRATIVE_MAX_LENGTH)


class CaseAcceptIn(InputSchema):
    version: int
    willingness_recorded: bool
    notice_given: bool


class CaseNotAcceptIn(InputSchema):
    version: int
    reason: Annotated[str, MULTI_LINE] = Field(..., max_length=REASON_MAX_LENGTH)
    referral: str = Field(..., max_length=REFERRAL_MAX_LENGTH)


class CaseTeamIn(InputSchema):
    version: int
    lead: int = Field(..., description="Id of the studio team member who leads")
    members: list[int] = Field([], max_length=20, description="Ids of other studio team members")


class CaseCloseIn(InputSchema):
    version: int
    outcome: Literal["agreement", "no_agreement", "withdrawn"]
    agreement_form: Literal["", "written", "oral"] = ""
    reason: Annotated[str, MULTI_LINE] = Field("", max_length=REASON_MAX_LENGTH)
    advice: Annotated[str, MULTI_LINE] = Field("", max_length=REASON_MAX_LENGTH)


def _case(case_id: int) -> Case:
    try:
        return selectors.case_get(case_id)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def _case_detail(case: Case) -> Case:
    """The case with what ``CaseDetailOut`` adds: its parties and team, and the narrative as the caller may see it."""
    team = selectors.case_team(case)
    shows = case.shows_narrative(require_scope(), {row.member.user_id for row in team})
    case.narrative_shown = case.narrative if shows else case.masked("narrative")
    case.party_list = selectors.case_parties(case)
    case.team_list = team
    return case


def _dispute_type_by_code(code: str) -> DisputeType:
    dispute_type = selectors.dispute_types().filter(code=code).first()
    if dispute_type is None:
        raise ValidationError({"dispute_type": _("Choose a dispute type in use.")})
    return dispute_type


@cases_router.get("/dispute-types", response=list[DisputeTypeOut], summary="Dispute types in use")
@requires(uses_case_pages)
def list_dispute_types(request):
    return list(selectors.dispute_types())


@cases_router.get("/", response=CasePage, summary="Mediation cases in your scope")
@requires(uses_case_pages)
def list_cases(request, filters: Query[CaseFilters]):
    cases = selectors.case_list(
        status=filters.status, dispute_type=filters.dispute_type, source=filters.source, year=filters.year
    )
    meta, items = page_of(cases, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@cases_router.post("/", response={201: CaseDetailOut}, summary="Take in a case at a studio")
@requires(uses_case_pages)
def intake_case(request, payload: CaseIn):
    studio = Studio.objects.select_related("region").filter(pk=payload.studio).first()
    if studio is None:
        raise ValidationError({"studio": _("Unknown studio.")})
    require(can_take_intake, studio)
    parties = []
    for party in payload.parties:
        person = None
        if party.person is not None:
            person = Person.objects.filter(pk=party.person).first()
            if person is None:
                raise ValidationError({"parties": _("Unknown person in the registry.")})
        elif party.person_token:
            person = person_from_token(party.person_token, studio=studio, user=request.user)
        parties.append(
            services.PartyData(
                role=party.role, name=party.name, mobile=party.mobile, relation=party.relation, person=person
            )
        )
    case = services.case_intake(
        studio=studio,
        taken_by=request.user,
        source=payload.source,
        dispute_type=_dispute_type_by_code(payload.dispute_type),
        narrative=payload.narrative,
        received_on=payload.received_on,
        parties=parties,
    )
    return HttpStatus(201, _case_detail(_case(case.pk)))


@cases_router.get("/{case_id}", response=CaseDetailOut)
@requires(uses_case_pages)
def get_case(request, case_id: int):
    return _case_detail(_case(case_id))


@cases_router.patch("/{case_id}", response=CaseDetailOut, summary="Correct a case (version-checked)")
@requires(uses_case_pages)
def update_case(request, case_id: int, payload: CasePatch):
    case = _case(case_id)
    require(can_work_on_case, case)
    data = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    version = payload.version
    data.pop("version", None)
    if "dispute_type" in data:
        data["dispute_type"] = _dispute_type_by_code(data["dispute_type"])
    services.case_update(case=case, updated_by=request.user, version=version, **data)
    return _case_detail(_case(case_id))


@cases_router.post("/{case_id}/accept", response=CaseDetailOut, summary="Accept a case (art. 17)")
@requires(uses_case_pages)
def accept_case(request, case_id: int, payload: CaseAcceptIn):
    case = _case(case_id)
    services.case_accept(case=case, accepted_by=request.user, **payload.dict())
    return _case_detail(_case(case_id))


@cases_router.post("/{case_id}/not-accept", response=CaseDetailOut, summary="Record a case as not accepted")
@requires(uses_case_pages)
def not_accept_case(request, case_id: int, payload: CaseNotAcceptIn):
    case = _case(case_id)
    services.case_not_accept(case=case, decided_by=request.user, **payload.dict())
    return _case_detail(_case(case_id))


@cases_router.post("/{case_id}/team", response=CaseDetailOut, summary="Set the lead mediator and the case team")
@requires(uses_case_pages)
def assign_case_team(request, case_id: int, payload: CaseTeamIn):
    case = _case(case_id)
    require(can_work_on_case, case)
    wanted = {payload.lead, *payload.members}
    roster = {m.pk: m for m in StudioMember.objects.filter(studio_id=case.studio_id, pk__in=sorted(wanted))}
    if set(roster) != wanted:
        raise ValidationError({"members": _("Choose the members from this studio's team.")})
    services.case_assign_team(
        case=case,
        assigned_by=request.user,
        version=payload.version,
        lead=roster[payload.lead],
        members=[roster[pk] for pk in payload.members],
    )
    return _case_detail(_case(case_id))


@cases_router.post("/{case_id}/close", response=CaseDetailOut, summary="Close a case with its outcome")
@requires(uses_case_pages)
def close_case(request, case_id: int, payload: CaseCloseIn):
    case = _case(case_id)
    services.case_close(case=case, closed_by=request.user, **payload.dict())
    return _case_detail(_case(case_id))


# --- overview: work queue, early warning, statistics; the registry lookup of intake --------------------------------


# Its own router, mounted at /api/cases/overview/ (apps.py): under /api/cases/ the path "/{case_id}" would take "queue".
case_overview_router = Router(tags=["cases"])


class QueueCaseOut(CaseOut):
    days_left: int | None = Field(None, description="Days until the deadline; negative when overdue")


class QueueOut(Schema):
    is_mediator: bool
    is_admin: bool
    awaiting_intake: list[CaseOut] = Field(..., description="Mediators: the studios' cases awaiting a decision")
    mine: list[QueueCaseOut] = Field(..., description="Open cases you lead or are on, most urgent first")
    region_overdue: int = Field(..., description="Admins: open cases past their deadline in your region")
    region_near: int = Field(..., description="Admins: open cases with at most 5 days left in your region")
    region_cases: list[QueueCaseOut]


class WarningOut(Schema):
    kind: str
    case: CaseOut
    detail: str
    days: int | None


class WarningGroupOut(Schema):
    code: str
    label: str
    rows: list[WarningOut]


class BreakdownOut(Schema):
    code: str | int
    name: str
    count: int


class StudioCountOut(Schema):
    id: int
    name: str
    count: int
    closed: int
    agreements: int


class StatisticsOut(Schema):
    year: int | None
    studio: int | None
    total: int
    closed: int = Field(..., description="Closed after mediation: agreement, no agreement or withdrawn")
    agreements: int
    success_rate: float | None = Field(..., description="agreements / closed")
    average_days: float | None = Field(..., description="Average days from acceptance to closing")
    overdue: int = Field(..., description="Past the deadline while open, or closed after it")
    by_month: list[BreakdownOut] = Field(..., description="By month of intake with a year, else by year")
    by_type: list[BreakdownOut]
    by_source: list[BreakdownOut]
    by_outcome: list[BreakdownOut]
    by_studio: list[StudioCountOut]


class StatisticsQuery(InputSchema):
    year: int | None = Field(None, ge=2000, le=2100)
    studio: int | None = None


class RegistryLookupIn(InputSchema):
    studio: int
    number: str = Field(..., max_length=30, description="A full mobile number or a full resident ID number")


class RegistryMatchOut(Schema):
    token: str = Field(..., description="Links a party to this person at intake (person_token), for two hours")
    masked_name: str
    age: int | None
    village: str


class RegistryLookupOut(Schema):
    found: bool
    matches: list[RegistryMatchOut]


@case_overview_router.get("/queue", response=QueueOut, summary="My cases: the work queue")
@requires(uses_case_pages)
def my_case_queue(request):
    return selectors_insight.my_queue(request.user)


@case_overview_router.get("/warnings", response=list[WarningGroupOut], summary="Early warnings")
@requires(sees_case_overview)
def case_warnings(request):
    return [
        {"code": g.code, "label": str(g.label), "rows": [{**vars(row), "detail": str(row.detail)} for row in g.rows]}
        for g in selectors_insight.case_warnings()
    ]


@case_overview_router.get("/statistics", response=StatisticsOut, summary="Case statistics (your scope)")
@requires(sees_case_overview)
def case_statistics(request, filters: Query[StatisticsQuery]):
    studio = None
    if filters.studio is not None:
        studio = Studio.objects.filter(pk=filters.studio).first()
        if studio is None:
            raise ValidationError({"studio": _("Unknown studio.")})
    stats = selectors_insight.case_statistics(year=filters.year, studio=studio)
    return {
        **{key: value for key, value in vars(stats).items() if not key.startswith("by_") and key != "studio"},
        "studio": studio.pk if studio else None,
        "success_rate": stats.success_rate,
        "by_month": [{"code": r["month"], "name": r["label"], "count": r["count"]} for r in stats.by_month],
        "by_type": stats.by_type,
        "by_source": stats.by_source,
        "by_outcome": stats.by_outcome,
        "by_studio": stats.by_studio,
    }


@case_overview_router.post(
    "/registry-lookup",
    response=RegistryLookupOut,
    summary="Find a party in the people registry by a full mobile or ID number (intake; audited, rate-limited)",
    throttle=[RegistryLookupThrottle(), UserThrottle()],
)
@requires(uses_case_pages)
def registry_lookup(request, payload: RegistryLookupIn):
    studio = Studio.objects.select_related("region").filter(pk=payload.studio).first()
    if studio is None:
        raise ValidationError({"studio": _("Unknown studio.")})
    matches = lookup_service(studio=studio, user=request.user, number=payload.number)
    return {"found": bool(matches), "matches": matches}


# --- safety, sessions, recusal, appointments (issue 11) -------------------------------------------------------------
# Same services, selectors and scope as the case's safety and sessions pages. Screening answers and session records
# are given in full to the studio's mediators and the case team, masked to admins (who use the audited reveal).


class RiskItemOut(Schema):
    code: str
    name: str
    weight: int
    forces_level: str
    opens_mandatory_report: bool


class ScreeningOut(Schema):
    id: int
    level: str
    score: int
    screened_at: datetime
    screened_by: str = Field(..., alias="screened_by.username")
    opens_mandatory_report: bool
    answers: list[str] = Field(..., alias="answers_shown", description="Item codes; empty when masked")
    answers_masked: bool


class OverrideOut(Schema):
    id: int
    screening: int = Field(..., alias="screening_id")
    reason: str
    granted_by: str = Field(..., alias="granted_by.username")
    granted_at: datetime


class PoliceReferralOut(Schema):
    id: int
    referred_at: datetime
    station: str
    referred_by: str = Field(..., alias="referred_by.username")
    note: str


class ProtectionOrderOut(Schema):
    id: int
    protected_party: int = Field(..., alias="protected_party_id")
    applied_at: datetime
    court: str
    urgent: bool
    ruling: str
    ruling_due_at: datetime
    ruling_overdue: bool
    ruling_on: date | None
    expires_on: date | None
    version: int


class MandatoryReportOut(Schema):
    id: int
    grounds: str
    opened_at: datetime
    is_pending: bool
    reported_to: str
    reported_at: datetime | None
    reported_by: str | None = Field(None, alias="reported_by.username")


class SafetyOut(Schema):
    latest_level: str | None
    joint_sessions_blocked: bool
    override: OverrideOut | None
    screenings: list[ScreeningOut]
    police_referrals: list[PoliceReferralOut]
    protection_orders: list[ProtectionOrderOut]
    mandatory_reports: list[MandatoryReportOut]


class ScreeningIn(InputSchema):
    answers: list[Annotated[str, Field(max_length=CODE_MAX_LENGTH)]] = Field(
        [], max_length=50, description="Codes of the items that apply (see /risk-items)"
    )
    note: Annotated[str, MULTI_LINE] = Field("", max_length=safety_services.NOTE_MAX_LENGTH)


class OverrideIn(InputSchema):
    reason: Annotated[str, MULTI_LINE] = Field(..., max_length=safety_services.REASON_MAX_LENGTH)


class PoliceReferralIn(InputSchema):
    referred_at: datetime
    station: str = Field(..., max_length=safety_services.NAME_MAX_LENGTH)
    note: str = Field("", max_length=safety_services.REASON_MAX_LENGTH)


class ProtectionOrderIn(InputSchema):
    protected_party: int = Field(..., description="Id of the party the order protects")
    applied_at: datetime
    court: str = Field(..., max_length=safety_services.NAME_MAX_LENGTH)
    urgent: bool = False


class RulingIn(InputSchema):
    version: int
    ruling: Literal["granted", "refused"]
    ruling_on: date
    expires_on: date | None = None


class ReportOpenIn(InputSchema):
    grounds: str = Field(..., max_length=safety_services.REASON_MAX_LENGTH)


class ReportRecordIn(InputSchema):
    reported_to: str = Field(..., max_length=safety_services.NAME_MAX_LENGTH)
    reported_at: datetime


class SessionOut(Schema):
    id: int
    kind: str
    starts_at: datetime
    room: int | None = Field(None, alias="room_id")
    place: str
    heard_party: int | None = Field(None, alias="heard_party_id")
    parties: list[int] = Field(..., alias="party_ids")
    team: list[int] = Field(..., alias="team_ids")
    record: str = Field(..., alias="record_shown", description="In full for the case team, else masked")
    confidential: bool = Field(..., alias="is_confidential")
    shared_consent_at: datetime | None
    override: int | None = Field(None, alias="override_id")
    version: int


class SessionIn(InputSchema):
    kind: CaseSession.Kind
    starts_at: datetime
    room: int | None = Field(None, description="A room of the studio's station")
    place: str = Field("", max_length=sessions_services.PLACE_MAX_LENGTH)
    heard_party: int | None = Field(None, description="The party heard (separate session)")
    parties: list[int] = Field([], max_length=MAX_PARTIES, description="Parties present (joint session)")
    team: list[int] = Field([], max_length=20, description="Studio team members present (on the case team)")
    record: Annotated[str, MULTI_LINE] = Field("", max_length=sessions_services.RECORD_MAX_LENGTH)


class SessionRecordIn(InputSchema):
    version: int
    record: Annotated[str, MULTI_LINE] = Field(..., max_length=sessions_services.RECORD_MAX_LENGTH)


class VersionIn(InputSchema):
    version: int


class RecusalOut(Schema):
    id: int
    member: int = Field(..., alias="member_id")
    requested_by: int = Field(..., alias="requested_by_id")
    reason: str
    requested_at: datetime
    decision: str
    decision_note: str
    decided_at: datetime | None


class RecusalIn(InputSchema):
    member: int = Field(..., description="Id of the studio team member on the case")
    requested_by: int = Field(..., description="Id of the party who asks")
    reason: Annotated[str, MULTI_LINE] = Field(..., max_length=sessions_services.REASON_MAX_LENGTH)


class RecusalDecisionIn(InputSchema):
    version: int = Field(..., description="The case's version")
    decision: Literal["granted", "refused"]
    note: Annotated[str, MULTI_LINE] = Field("", max_length=sessions_services.REASON_MAX_LENGTH)


class AppointmentOut(Schema):
    id: int
    studio: int = Field(..., alias="studio_id")
    case: int | None = Field(None, alias="case_id")
    member: int = Field(..., alias="member_id")
    member_name: str = Field(..., alias="member.user.name")
    starts_at: datetime
    person_name: str
    mobile: str = Field(..., description="Masked (138****8000)")
    topic: str
    status: str
    version: int

    @staticmethod
    def resolve_mobile(obj) -> str:
        return obj.masked("mobile")


class AppointmentPage(Schema):
    meta: PageMeta
    items: list[AppointmentOut]


class AppointmentFilters(PageQuery):
    status: str = Field("", max_length=CODE_MAX_LENGTH)


class AppointmentIn(InputSchema):
    studio: int
    member: int = Field(..., description="Id of the studio team member")
    starts_at: datetime
    person_name: str = Field(..., max_length=100)
    mobile: str = Field("", max_length=11)
    topic: Appointment.Topic
    case: int | None = Field(None, description="A case of the studio, if the appointment is for one")


class AppointmentStatusIn(InputSchema):
    version: int
    status: Appointment.Status


def _screening_out(screening: RiskScreening, shows: bool) -> RiskScreening:
    screening.answers_shown = safety_services.answer_codes(screening) if shows else []
    screening.answers_masked = not shows
    return screening


def _session_out(session: CaseSession, shows: bool) -> CaseSession:
    session.record_shown = session.record if shows else session.masked("record")
    session.party_ids = sorted(p.pk for p in session.parties.all())
    session.team_ids = sorted(m.pk for m in session.team.all())
    return session


def _safety_out(case: Case) -> dict:
    info = selectors_safety.case_safety(case)
    shows = allows(can_screen_case, case)
    return {
        "latest_level": info.latest.level if info.latest else None,
        "joint_sessions_blocked": info.blocking is not None,
        "override": info.override,
        "screenings": [_screening_out(s, shows) for s in info.screenings],
        "police_referrals": info.referrals,
        "protection_orders": info.orders,
        "mandatory_reports": info.reports,
    }


def _party(case: Case, party_id: int | None, field: str) -> CaseParty | None:
    if party_id is None:
        return None
    party = CaseParty.objects.filter(case=case, pk=party_id).first()
    if party is None:
        raise ValidationError({field: _("Choose a party of this case.")})
    return party


@cases_router.get("/risk-items", response=list[RiskItemOut], summary="Risk screening items and their weights")
@requires(uses_case_pages)
def list_risk_items(request):
    return list(selectors_safety.risk_items())


@cases_router.get("/{case_id}/safety", response=SafetyOut, summary="Risk level, screenings and safety steps")
@requires(uses_case_pages)
def get_case_safety(request, case_id: int):
    return _safety_out(_case(case_id))


@cases_router.post("/{case_id}/screenings", response={201: ScreeningOut}, summary="Record a risk screening")
@requires(uses_case_pages)
def screen_case(request, case_id: int, payload: ScreeningIn):
    case = _case(case_id)
    screening = safety_services.screening_record(
        case=case, screened_by=request.user, answers=payload.answers, note=payload.note
    )
    return HttpStatus(201, _screening_out(screening, True))


@cases_router.post(
    "/{case_id}/joint-override", response={201: OverrideOut}, summary="Allow joint sessions despite red/orange risk"
)
@requires(uses_case_pages)
def override_joint_block(request, case_id: int, payload: OverrideIn):
    case = _case(case_id)
    return HttpStatus(
        201, safety_services.joint_override_grant(case=case, granted_by=request.user, reason=payload.reason)
    )


@cases_router.post("/{case_id}/police-referrals", response={201: PoliceReferralOut}, summary="Record a police referral")
@requires(uses_case_pages)
def refer_to_police(request, case_id: int, payload: PoliceReferralIn):
    case = _case(case_id)
    return HttpStatus(
        201, safety_services.police_referral_record(case=case, referred_by=request.user, **payload.dict())
    )


@cases_router.post(
    "/{case_id}/protection-orders", response={201: ProtectionOrderOut}, summary="Record a protection order application"
)
@requires(uses_case_pages)
def apply_for_protection_order(request, case_id: int, payload: ProtectionOrderIn):
    case = _case(case_id)
    require(can_screen_case, case)
    data = payload.dict()
    data["protected_party"] = _party(case, data["protected_party"], "protected_party")
    return HttpStatus(201, safety_services.protection_order_apply(case=case, recorded_by=request.user, **data))


@cases_router.post(
    "/{case_id}/protection-orders/{order_id}/ruling", response=ProtectionOrderOut, summary="Record the court's ruling"
)
@requires(uses_case_pages)
def rule_protection_order(request, case_id: int, order_id: int, payload: RulingIn):
    case = _case(case_id)
    order = ProtectionOrder.objects.filter(case=case, pk=order_id).first()
    if order is None:
        raise Http404
    return safety_services.protection_order_rule(order=order, recorded_by=request.user, **payload.dict())


@cases_router.post(
    "/{case_id}/mandatory-reports", response={201: MandatoryReportOut}, summary="Open a mandatory report (art. 14)"
)
@requires(uses_case_pages)
def open_mandatory_report(request, case_id: int, payload: ReportOpenIn):
    case = _case(case_id)
    return HttpStatus(201, safety_services.mandatory_report_open(case=case, opened_by=request.user, **payload.dict()))


@cases_router.post(
    "/{case_id}/mandatory-reports/{report_id}", response=MandatoryReportOut, summary="Record that the report was made"
)
@requires(uses_case_pages)
def record_mandatory_report(request, case_id: int, report_id: int, payload: ReportRecordIn):
    case = _case(case_id)
    report = MandatoryReport.objects.filter(case=case, pk=report_id).first()
    if report is None:
        raise Http404
    return safety_services.mandatory_report_record(report=report, reported_by=request.user, **payload.dict())


@cases_router.get("/{case_id}/sessions", response=list[SessionOut], summary="Sessions of a case (the team's view)")
@requires(uses_case_pages)
def list_sessions(request, case_id: int):
    case = _case(case_id)
    shows = allows(can_record_sessions, case)
    return [_session_out(s, shows) for s in selectors_safety.session_records_for(case, audience="team")]


@cases_router.post("/{case_id}/sessions", response={201: SessionOut}, summary="Schedule or record a session")
@requires(uses_case_pages)
def create_session(request, case_id: int, payload: SessionIn):
    case = _case(case_id)
    require(can_record_sessions, case)
    parties = {p.pk: p for p in CaseParty.objects.filter(case=case, pk__in=sorted(set(payload.parties)))}
    if set(parties) != set(payload.parties):
        raise ValidationError({"parties": _("Choose the parties of this case.")})
    team = list(StudioMember.objects.filter(studio_id=case.studio_id, pk__in=sorted(set(payload.team))))
    if len(team) != len(set(payload.team)):
        raise ValidationError({"team": _("Choose members of the case team.")})
    room = None
    if payload.room is not None:
        room = next((r for r in selectors_safety.rooms_for(case) if r.pk == payload.room), None)
        if room is None:
            raise ValidationError({"room": _("Choose a room of the studio's station.")})
    session = sessions_services.session_record(
        case=case,
        recorded_by=request.user,
        kind=payload.kind,
        starts_at=payload.starts_at,
        room=room,
        place=payload.place,
        heard_party=_party(case, payload.heard_party, "heard_party"),
        parties=list(parties.values()),
        team=team,
        record=payload.record,
    )
    return HttpStatus(201, _session_out(selectors_safety.session_get(case, session.pk), True))


def _case_session(case: Case, session_id: int) -> CaseSession:
    try:
        return selectors_safety.session_get(case, session_id)
    except CaseSession.DoesNotExist as exc:
        raise Http404 from exc


@cases_router.patch("/{case_id}/sessions/{session_id}", response=SessionOut, summary="Write a session's record")
@requires(uses_case_pages)
def update_session_record(request, case_id: int, session_id: int, payload: SessionRecordIn):
    case = _case(case_id)
    session = _case_session(case, session_id)
    sessions_services.session_update_record(session=session, updated_by=request.user, **payload.dict())
    return _session_out(_case_session(case, session_id), True)


@cases_router.post(
    "/{case_id}/sessions/{session_id}/consent", response=SessionOut, summary="The party heard consents to share"
)
@requires(uses_case_pages)
def consent_to_share(request, case_id: int, session_id: int, payload: VersionIn):
    case = _case(case_id)
    session = _case_session(case, session_id)
    sessions_services.session_consent_record(session=session, recorded_by=request.user, version=payload.version)
    return _session_out(_case_session(case, session_id), True)


@cases_router.get("/{case_id}/recusals", response=list[RecusalOut], summary="Recusal requests of a case")
@requires(uses_case_pages)
def list_recusals(request, case_id: int):
    return selectors_safety.case_recusals(_case(case_id))


@cases_router.post("/{case_id}/recusals", response={201: RecusalOut}, summary="Record a party's recusal request")
@requires(uses_case_pages)
def request_recusal(request, case_id: int, payload: RecusalIn):
    case = _case(case_id)
    require(can_screen_case, case)
    member = StudioMember.objects.filter(studio_id=case.studio_id, pk=payload.member).first()
    recusal = sessions_services.recusal_request(
        case=case,
        recorded_by=request.user,
        member=member,
        requested_by=_party(case, payload.requested_by, "requested_by"),
        reason=payload.reason,
    )
    return HttpStatus(201, recusal)


@cases_router.post("/{case_id}/recusals/{recusal_id}/decide", response=RecusalOut, summary="Decide a recusal request")
@requires(uses_case_pages)
def decide_recusal(request, case_id: int, recusal_id: int, payload: RecusalDecisionIn):
    case = _case(case_id)
    recusal = Recusal.objects.filter(case=case, pk=recusal_id).select_related("member", "case").first()
    if recusal is None:
        raise Http404
    return sessions_services.recusal_decide(recusal=recusal, decided_by=request.user, **payload.dict())


@cases_router.get("/appointments", response=AppointmentPage, summary="Appointments in your scope (yours, as a member)")
@requires(uses_appointments)
def list_appointments(request, filters: Query[AppointmentFilters]):
    meta, items = page_of(selectors_safety.appointment_list(status=filters.status), filters.offset, filters.limit)
    return {"meta": meta, "items": items}


@cases_router.post("/appointments", response={201: AppointmentOut}, summary="Make an appointment with a team member")
@requires(uses_appointments)
def create_appointment(request, payload: AppointmentIn):
    studio = Studio.objects.filter(pk=payload.studio).first()
    if studio is None:
        raise ValidationError({"studio": _("Unknown studio.")})
    member = StudioMember.objects.filter(studio=studio, pk=payload.member).select_related("user").first()
    case = None
    if payload.case is not None:
        case = Case.objects.filter(pk=payload.case, studio=studio).first()
        if case is None:
            raise ValidationError({"case": _("Choose a case of this studio.")})
    data = payload.dict()
    for key in ("studio", "member", "case"):
        data.pop(key)
    appointment = sessions_services.appointment_create(
        studio=studio, created_by=request.user, member=member, case=case, **data
    )
    return HttpStatus(201, selectors_safety.appointment_get(appointment.pk))


@cases_router.post("/appointments/{appointment_id}/status", response=AppointmentOut, summary="Update an appointment")
@requires(uses_appointments)
def set_appointment_status(request, appointment_id: int, payload: AppointmentStatusIn):
    try:
        appointment = selectors_safety.appointment_get(appointment_id)
    except Appointment.DoesNotExist as exc:
        raise Http404 from exc
    sessions_services.appointment_set_status(appointment=appointment, updated_by=request.user, **payload.dict())
    return selectors_safety.appointment_get(appointment_id)


# Fixed paths (/risk-items, /appointments …) are served before "/{case_id}", which would otherwise take them for an id
# (422). Django tries URL patterns in order; ninja builds them from this dict in its order.
cases_router.path_operations = dict(
    sorted(cases_router.path_operations.items(), key=lambda item: item[0].split("/")[1].startswith("{"))
)
