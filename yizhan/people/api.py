"""People API: the same selectors and services as the pages, scoped, sensitive values masked."""

from datetime import date
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from yizhan.core.api import MULTI_LINE, InputSchema, PageMeta, PageQuery, page_of
from yizhan.core.permissions import requires
from yizhan.core.text import CODE_MAX_LENGTH, SEARCH_MAX_LENGTH
from yizhan.regions.models import Region

from . import selectors, services
from .models import Household, Person
from .permissions import works_with_residents

router = Router(tags=["people"])


class GroupOut(Schema):
    code: str
    name: str


class PersonOut(Schema):
    """A resident as the masking policy shows one (``yizhan.core.masking``): the date of birth only as ``age``
    (the full date through the audited reveal or full export), numbers and address masked."""

    id: int
    name: str
    gender: str
    age: int | None
    id_type: str
    id_number_masked: str
    mobile_masked: str
    address_masked: str
    village_code: str
    village_name: str
    residency: str
    household_id: int | None
    groups: list[GroupOut]
    consent_withdrawn: bool
    version: int

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.masked("id_number")

    @staticmethod
    def resolve_mobile_masked(obj):
        return obj.masked("mobile")

    @staticmethod
    def resolve_address_masked(obj):
        return obj.masked("address")

    @staticmethod
    def resolve_village_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_village_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_groups(obj):
        links = getattr(obj, "current_groups", None)
        if links is None:
            links = [m for m in selectors.person_groups(obj) if m.is_current]
        return [m.group for m in links]

    @staticmethod
    def resolve_consent_withdrawn(obj):
        return obj.is_restricted


class PersonPage(Schema):
    meta: PageMeta
    items: list[PersonOut]


class PersonIn(InputSchema):
    name: str
    village_code: str
    gender: str = "unknown"
    birth_date: date | None = None
    id_type: str = "resident_id"
    id_number: str = ""
    mobile: str = ""
    address: str = ""
    residency: str = "resident"


class PersonPatch(InputSchema):
    version: int = Field(..., description="The version you read; a stale version changes nothing (409)")
    name: str | None = None
    village_code: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    id_type: str | None = None
    id_number: str | None = None
    mobile: str | None = None
    address: str | None = None
    notes: Annotated[str | None, MULTI_LINE] = None
    residency: str | None = None


class RelationOut(Schema):
    relation: str
    direction: str
    other_id: int | None = Field(description="None when the other person is outside your scope")
    other_name: str = Field(description="Masked (王**) when the other person is outside your scope")


class ConsentOut(Schema):
    id: int
    purpose: str
    data_scope: str
    separate: bool
    given_on: date
    given_by: str
    withdrawn_on: date | None


class PersonDetailOut(PersonOut):
    relations: list[RelationOut]
    consents: list[ConsentOut]

    @staticmethod
    def resolve_relations(obj):
        return [
            {
                "relation": r["relation"].kind,
                "direction": "of" if r["outgoing"] else "is",
                "other_id": r["other_id"],
                "other_name": r["other_name"],
            }
            for r in selectors.person_relations(obj)
        ]

    @staticmethod
    def resolve_consents(obj):
        return list(selectors.person_consents(obj))


class VisitOut(Schema):
    id: int
    person_id: int
    visit_date: date
    kind: str
    place: str
    findings_masked: str
    findings: str | None = None  # in full for the visit's author only, as on the page; others reveal with a reason
    needs: list[str]

    @staticmethod
    def resolve_findings_masked(obj):
        return obj.masked("findings")

    @staticmethod
    def resolve_findings(obj, context):
        return obj.findings if obj.shown_in_full_to(context["request"].user) else None

    @staticmethod
    def resolve_needs(obj):
        return [n.category for n in obj.needs.all()]


class DueVisitOut(Schema):
    id: int
    person_id: int
    person_name: str
    village_name: str
    plan: str
    due_date: date

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_village_name(obj):
        return obj.person.region.name

    @staticmethod
    def resolve_plan(obj):
        return obj.plan.name


class ActionOut(Schema):
    id: int
    visit_id: int
    description: str
    owner: str
    due_date: date

    @staticmethod
    def resolve_owner(obj):
        return obj.owner.name or obj.owner.username


class OverdueOut(Schema):
    visits: list[DueVisitOut]
    actions: list[ActionOut]


class HouseholdOut(Schema):
    id: int
    name: str
    village_name: str
    address_masked: str
    members: list[PersonOut]


def _person_or_404(person_id: int) -> Person:
    try:
        return selectors.person_get(person_id)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


class PeopleFilters(PageQuery):
    q: str = Field("", max_length=SEARCH_MAX_LENGTH)
    key: str = Field("", max_length=80, description="The token a search by full number leaves (POST /search)")
    village: str = Field("", max_length=CODE_MAX_LENGTH)
    group: str = Field("", max_length=CODE_MAX_LENGTH)
    age_band: str = Field("", max_length=CODE_MAX_LENGTH)


@router.get("/", response=PersonPage, summary="Residents in your scope (masked)")
@requires(works_with_residents)
def list_people(request, filters: Query[PeopleFilters]):
    """``q`` searches names, a masked mobile (138****8000) or its last 4 digits. Search full mobile or ID numbers
    with POST /search so they never appear in a URL."""
    if selectors.search_key(filters.q):
        raise ValidationError(
            {"q": [_("Search full mobile or ID numbers with POST /api/people/search, so they stay out of URLs.")]}
        )
    qs = selectors.person_list(
        search=filters.q, key=filters.key, village=filters.village, group=filters.group, age_band=filters.age_band
    )
    meta, items = page_of(qs, filters.offset, filters.limit)
    return {"meta": meta, "items": items}


class SearchIn(PageQuery):
    q: str = Field("", max_length=SEARCH_MAX_LENGTH)
    village: str = Field("", max_length=CODE_MAX_LENGTH)
    group: str = Field("", max_length=CODE_MAX_LENGTH)
    age_band: str = Field("", max_length=CODE_MAX_LENGTH)


@router.post("/search", response=PersonPage, summary="Search residents, also by full mobile or ID number (in the body)")
@requires(works_with_residents)
def search_people(request, payload: SearchIn):
    qs = selectors.person_list(
        search=payload.q, village=payload.village, group=payload.group, age_band=payload.age_band
    )
    meta, items = page_of(qs, payload.offset, payload.limit)
    return {"meta": meta, "items": items}


def _village(code: str) -> Region:
    # unscoped: place names are public; the services check the caller may use the village
    region = Region.all_objects.filter(code=code, level=Region.Level.VILLAGE).first()
    if region is None:
        raise ValidationError({"village_code": [_("Choose a village or community.")]})
    return region


@router.post("/", response={201: PersonOut}, summary="Register a resident (refused if already registered)")
@requires(works_with_residents)
def create_person(request, payload: PersonIn):
    data = payload.dict()
    region = _village(data.pop("village_code"))
    person = services.person_create(created_by=request.user, region=region, **data)
    return Status(201, selectors.person_get(person.pk))


@router.get("/groups", response=list[GroupOut], summary="Target groups")
@requires(works_with_residents)
def list_groups(request):
    return list(selectors.target_groups())


class OverdueQuery(InputSchema):
    limit: int = 100


@router.get("/visits/overdue", response=OverdueOut, summary="Overdue visits and follow-up actions in your scope")
@requires(works_with_residents)
def overdue(request, query: Query[OverdueQuery]):
    limit = max(1, min(query.limit, 500))
    return {"visits": list(selectors.overdue_visits()[:limit]), "actions": list(selectors.overdue_actions()[:limit])}


class CalendarQuery(InputSchema):
    start: date
    end: date
    area: str = Field("", max_length=12, description="A region code to narrow to")
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(100, ge=1, le=500)


class CalendarDayOut(Schema):
    day: date
    due: int = Field(description="Open visits due that day, today or later")
    overdue: int = Field(description="Open visits due that day, before today")
    done: int = Field(description="Visits recorded that day")


def _calendar_range(query: CalendarQuery) -> tuple[date, date, str]:
    start, end = query.start, query.end
    if (end - start).days > 92 or end < start:
        raise ValidationError({"end": [_("Ask for at most 92 days, with the end after the start.")]})
    if query.area and selectors.calendar_area(query.area) is None:
        raise ValidationError({"area": [_("Choose an area whose residents you work with.")]})
    return start, end, query.area


@router.get(
    "/visits/calendar",
    response=OverdueOut,
    summary="Due visits in a date range (the calendar), by day, one page (offset, limit) at a time",
)
@requires(works_with_residents)
def calendar(request, query: Query[CalendarQuery]):
    start, end, area = _calendar_range(query)
    due = selectors.calendar_due(start=start, end=end, area=area)
    return {"visits": list(due[query.offset : query.offset + query.limit]), "actions": []}


@router.get(
    "/visits/calendar/days",
    response=list[CalendarDayOut],
    summary="Per day of a date range: visits due, overdue and done (the counted calendar of a wide scope)",
)
@requires(works_with_residents)
def calendar_days(request, query: Query[CalendarQuery]):
    start, end, area = _calendar_range(query)
    counts = selectors.calendar_day_counts(start=start, end=end, area=area)
    return [{"day": day, **counts[day]} for day in sorted(counts)]


@router.get("/households/{household_id}", response=HouseholdOut)
@requires(works_with_residents)
def get_household(request, household_id: int):
    try:
        household = selectors.household_get(household_id)
    except Household.DoesNotExist as exc:
        raise Http404 from exc
    return {
        "id": household.pk,
        "name": household.name,
        "village_name": household.region.name,
        "address_masked": household.masked("address"),
        "members": list(selectors.household_members(household)),
    }


@router.get("/{person_id}", response=PersonDetailOut, summary="One resident (masked)")
@requires(works_with_residents)
def get_person(request, person_id: int):
    return _person_or_404(person_id)


@router.patch(
    "/{person_id}",
    response=PersonDetailOut,
    summary="Correct a resident's record; fields left out keep their value",
)
@requires(works_with_residents)
def update_person(request, person_id: int, payload: PersonPatch):
    person = _person_or_404(person_id)
    if person.is_anonymised:
        raise Http404
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    for choice in ("village_code", "gender", "id_type", "residency"):
        if data.get(choice, "") is None:
            data.pop(choice)
    if "village_code" in data:
        data["region"] = _village(data.pop("village_code"))
    services.person_update(person=person, changed_by=request.user, version=version, **data)
    return _person_or_404(person.pk)


@router.get("/{person_id}/visits", response=list[VisitOut])
@requires(works_with_residents)
def person_visits(request, person_id: int):
    return list(selectors.person_visits(_person_or_404(person_id))[:100])
