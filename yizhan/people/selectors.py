"""Reads of the people app: scoped (``Model.objects``), with a fixed number of queries per page."""

import re
from datetime import date, timedelta
from typing import TypedDict

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from yizhan.accounts.models import Role, RoleMembership, User
from yizhan.audit.models import AuditLog
from yizhan.core.collation import pinyin
from yizhan.core.crypto import blind_index
from yizhan.core.masking import mask
from yizhan.core.scoping import Scope, require_scope
from yizhan.regions.models import Region

from .models import (
    Consent,
    FollowUpAction,
    Household,
    Need,
    Person,
    Relation,
    ScheduledVisit,
    TargetGroup,
    TargetGroupMembership,
    Visit,
    VisitPlan,
)
from .models.people import people_regions_q
from .validators import MOBILE_RE, _half_width, normalize_id_number

AGE_BANDS = {
    # band: (min age inclusive, max age inclusive or None)
    "under14": (0, 13),
    "14to17": (14, 17),
    "18to59": (18, 59),
    "60plus": (60, None),
}
ID_LIKE_RE = re.compile(r"^[\dXx]{15,18}$")


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_band_q(band: str, today: date | None = None) -> Q:
    today = today or timezone.localdate()
    low, high = AGE_BANDS[band]
    q = Q(birth_date__lte=_years_ago(today, low))
    if high is not None:
        q &= Q(birth_date__gt=_years_ago(today, high + 1))
    return q


def current_groups_prefetch(to_attr="current_groups"):
    today = timezone.localdate()
    return Prefetch(
        "group_links",
        # unscoped: memberships of people already read through the scope
        queryset=TargetGroupMembership.all_objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(start_date__lte=today)
        .select_related("group")
        .order_by("group__sort_order"),
        to_attr=to_attr,
    )


def search_key(search: str) -> str:
    """A full mobile or ID number as a blind-index token ("m.<hash>" / "i.<hash>") that can travel in URLs and logs;
    "" for other searches."""
    compact = _half_width(search).strip().replace(" ", "")
    if MOBILE_RE.match(compact):
        return "m." + blind_index("mobile", compact)
    if ID_LIKE_RE.match(compact):
        return "i." + blind_index("id_number", normalize_id_number(compact))
    return ""


def person_list(
    *,
    search: str = "",
    key: str = "",
    village: str = "",
    group: str = "",
    age_band: str = "",
    include_anonymised: bool = False,
):
    """People in scope, filtered. Name search is a substring; a full mobile or ID number goes through the blind
    index (directly, or as a ``search_key`` token); the masked mobile (138****8000) or its last four digits match
    the masked form."""
    qs = Person.objects.select_related("region", "household").prefetch_related(current_groups_prefetch())
    if not include_anonymised:
        qs = qs.filter(anonymised_at__isnull=True)
    search = (search or "").strip()
    key = key or search_key(search)
    if key:
        kind, _, digest = key.partition(".")
        if kind == "m":
            qs = qs.filter(mobile_index=digest)
        elif kind == "i":
            qs = qs.filter(id_number_index=digest)
        else:
            qs = qs.none()
    elif search:
        compact = search.replace(" ", "")
        if re.fullmatch(r"1\d{2}\*{4}\d{4}", compact):
            qs = qs.filter(mobile_hint=compact)
        elif re.fullmatch(r"\d{4}", compact):
            qs = qs.filter(mobile_hint__endswith=compact)
        else:
            qs = qs.filter(name__icontains=search)
    if village:
        qs = qs.filter(region_code=village)
    if group:
        today = timezone.localdate()
        qs = qs.filter(
            # unscoped: narrows people already in scope by their group
            pk__in=TargetGroupMembership.all_objects.filter(group__code=group, start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .values("person_id")
        )
    if age_band in AGE_BANDS:
        qs = qs.filter(age_band_q(age_band))
    return qs.order_by("region_code", pinyin("name"), "id")


def person_get(pk) -> Person:
    return Person.objects.select_related("region", "household", "created_by").get(pk=pk)


def villages_in_scope():
    """Villages whose residents the user works with (for filters and forms)."""
    return (
        # unscoped: village names for filters, narrowed to the user's villages below
        Region.all_objects.filter(level=Region.Level.VILLAGE)
        .filter(people_regions_q(require_scope(), "code"))
        .order_by("code")
    )


def plan_areas():
    """Areas a visit plan may cover: counties, towns and villages the user administers, and the villages she works
    with (the plan form's area picker)."""
    scope = require_scope()
    return (
        # unscoped: region names for the plan form, narrowed to the user's regions below
        Region.all_objects.filter(level__in=[Region.Level.COUNTY, Region.Level.TOWN, Region.Level.VILLAGE])
        .filter(scope.region_q("code", include_member=False) | people_regions_q(scope, "code"))
        .order_by("code")
    )


def people_to_pick():
    """People in scope for a person picker, in pinyin order of their names (anonymised records left out)."""
    return Person.objects.filter(anonymised_at__isnull=True).select_related("region").order_by(pinyin("name"), "pk")


def target_groups(active_only=True):
    qs = TargetGroup.objects.all()
    return qs.filter(is_active=True) if active_only else qs


class RelationRow(TypedDict):
    relation: Relation
    outgoing: bool
    label: str
    visible: bool
    other_id: int | None
    other_name: str
    other_age: int | None


def person_relations(person: Person) -> list[RelationRow]:
    """Both directions, phrased from this person's side. A relative outside the viewer's scope is given by the
    masking policy's name only (王**): no id, no age, and the relation cannot be removed from here."""
    # unscoped: relations of a person in scope; relatives outside it are shown by their masked name only
    rels = list(Relation.all_objects.filter(Q(person=person) | Q(relative=person)).select_related("person", "relative"))
    others = {r.relative_id if r.person_id == person.pk else r.person_id for r in rels}
    visible = set(Person.objects.filter(pk__in=others).values_list("pk", flat=True)) if others else set()
    rows: list[RelationRow] = []
    for rel in rels:
        other = rel.relative if rel.person_id == person.pk else rel.person
        outgoing = rel.person_id == person.pk
        seen = other.pk in visible
        rows.append(
            {
                "relation": rel,
                "outgoing": outgoing,
                "label": str(rel.get_kind_display() if outgoing else Relation.INVERSE_LABELS[rel.kind]),
                "visible": seen,
                "other_id": other.pk if seen else None,
                "other_name": other.name if seen else mask("name", other.name),
                "other_age": other.age if seen else None,
            }
        )
    return rows


def names_as_seen(people) -> dict[int, str]:
    """Each person's name as the viewer may see it: in full within their scope, masked (王**) outside it."""
    people = list(people)
    visible = (
        set(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True)) if people else set()
    )
    return {p.pk: p.name if p.pk in visible else mask("name", p.name) for p in people}


def has_active_consent(person: Person, purpose: str) -> bool:
    # unscoped: the consents of a person the caller already holds (in scope)
    return Consent.all_objects.filter(person=person, purpose=purpose, withdrawn_on__isnull=True).exists()


def consents_shown(person: Person) -> list[tuple[Consent, str]]:
    """The person's consents for their page, each with its guardian's name as the viewer may see it ("" if none)."""
    consents = list(person_consents(person))
    names = names_as_seen({c.guardian for c in consents if c.guardian is not None})
    return [(c, names.get(c.guardian_id, "") if c.guardian_id else "") for c in consents]


def guardians_of(person: Person):
    # unscoped: guardians of a person in scope, named on that person's record
    return Person.all_objects.filter(
        relations_from__relative=person, relations_from__kind__in=Relation.GUARDIAN_KINDS
    ).distinct()


def person_groups(person: Person):
    return TargetGroupMembership.objects.filter(person=person).select_related("group", "recorded_by")


def person_consents(person: Person):
    return Consent.objects.filter(person=person).select_related("guardian", "recorded_by")


def person_visits(person: Person):
    return Visit.objects.filter(person=person).prefetch_related("needs", "actions__owner", "visitors")


def person_needs(person: Person):
    return Need.objects.filter(person=person)


def person_due_visits(person: Person):
    return ScheduledVisit.objects.filter(person=person, visit__isnull=True, cancelled=False).select_related("plan")


def reveal_history(person: Person):
    """Every reveal and export of this person's data (admins see it on the person page)."""
    return AuditLog.objects.filter(
        target_type="people.person",
        target_id=str(person.pk),
        action__in=[AuditLog.Action.REVEAL, AuditLog.Action.EXPORT],
    ).order_by("-at", "-id")


def household_get(pk) -> Household:
    return Household.objects.select_related("region").get(pk=pk)


def household_members(household: Household):
    return (
        Person.objects.filter(household=household).select_related("region").prefetch_related(current_groups_prefetch())
    )


def households_in(region: Region):
    return Household.objects.filter(region=region)


def overdue_visits(*, today: date | None = None, village: str = ""):
    today = today or timezone.localdate()
    qs = ScheduledVisit.objects.filter(visit__isnull=True, cancelled=False, due_date__lt=today)
    if village:
        qs = qs.filter(region_code=village)
    return qs.select_related("person__region", "plan__group").order_by("due_date", "id")


def overdue_actions(*, today: date | None = None, village: str = ""):
    today = today or timezone.localdate()
    qs = FollowUpAction.objects.filter(done_on__isnull=True, due_date__lt=today)
    if village:
        qs = qs.filter(visit__region_code=village)
    return qs.select_related("visit__person__region", "owner").order_by("due_date", "id")


def home_figures(user, *, today: date | None = None) -> dict[str, int]:
    """The day's work with residents in the reader's scope, for the home page: two queries at any size."""
    today = today or timezone.localdate()
    week = today + timedelta(days=7)
    visits = ScheduledVisit.objects.filter(visit__isnull=True, cancelled=False).aggregate(
        overdue=Count("id", filter=Q(due_date__lt=today)),
        this_week=Count("id", filter=Q(due_date__gte=today, due_date__lt=week)),
    )
    actions = FollowUpAction.objects.filter(done_on__isnull=True, owner=user).aggregate(
        mine=Count("id"), mine_overdue=Count("id", filter=Q(due_date__lt=today))
    )
    return {**visits, **actions}


class VillageFigures(TypedDict):
    residents: int
    overdue: int


def village_figures(region: Region, *, today: date | None = None) -> VillageFigures:
    """A village's residents (not anonymised) and their overdue care visits, in the reader's scope: two queries."""
    today = today or timezone.localdate()
    residents = Person.objects.filter(region=region, anonymised_at__isnull=True).count()
    overdue = ScheduledVisit.objects.filter(
        person__region=region, visit__isnull=True, cancelled=False, due_date__lt=today
    ).count()
    return {"residents": residents, "overdue": overdue}


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def calendar_due(*, start: date, end: date, area: str = "") -> QuerySet[ScheduledVisit]:
    """Visits due between start (inclusive) and end (exclusive), not cancelled, by day. ``area``: a region code to
    narrow to."""
    qs = ScheduledVisit.objects.filter(due_date__gte=start, due_date__lt=end, cancelled=False)
    if area:
        qs = qs.filter(region_code__startswith=area)
    return qs.select_related("person__region", "plan").order_by("due_date", "id")


def calendar_items(*, start: date, end: date, area: str = ""):
    """Due visits and recorded visits between start (inclusive) and end (exclusive), one by one: for a calendar of
    one village (a wider one counts them per day, ``calendar_day_counts``). ``area``: a region code to narrow to."""
    done = Visit.objects.filter(visit_date__gte=start, visit_date__lt=end)
    if area:
        done = done.filter(region_code__startswith=area)
    return (
        list(calendar_due(start=start, end=end, area=area)),
        list(done.select_related("person__region").order_by("visit_date", "id")),
    )


class DayCounts(TypedDict):
    due: int  # open visits due that day, today or later
    overdue: int  # open visits due that day, before today
    done: int  # visits recorded that day


def calendar_day_counts(*, start: date, end: date, area: str = "", today: date | None = None) -> dict[date, DayCounts]:
    """Per day between start (inclusive) and end (exclusive): how many visits are due, overdue and recorded, counted
    in the database (GROUP BY day: two queries whatever the scope holds). A visit due and done counts once, as done
    on the day it was recorded; cancelled ones are left out."""
    today = today or timezone.localdate()
    due = ScheduledVisit.objects.filter(due_date__gte=start, due_date__lt=end, cancelled=False, visit__isnull=True)
    done = Visit.objects.filter(visit_date__gte=start, visit_date__lt=end)
    if area:
        due = due.filter(region_code__startswith=area)
        done = done.filter(region_code__startswith=area)
    days: dict[date, DayCounts] = {}
    # order_by() drops the models' default ordering, which would otherwise join the GROUP BY
    for day, n in due.order_by().values("due_date").annotate(n=Count("id")).values_list("due_date", "n"):
        counts = days.setdefault(day, {"due": 0, "overdue": 0, "done": 0})
        counts["overdue" if day < today else "due"] = n
    for day, n in done.order_by().values("visit_date").annotate(n=Count("id")).values_list("visit_date", "n"):
        days.setdefault(day, {"due": 0, "overdue": 0, "done": 0})["done"] = n
    return days


def calendar_day_due(*, day: date, area: str = "") -> QuerySet[ScheduledVisit]:
    """The open visits due on one day (the drill-down of a day's count), by village."""
    qs = ScheduledVisit.objects.filter(due_date=day, cancelled=False, visit__isnull=True)
    if area:
        qs = qs.filter(region_code__startswith=area)
    return qs.select_related("person__region", "plan").order_by("region_code", "id")


def calendar_day_done(*, day: date, area: str = "") -> QuerySet[Visit]:
    """The visits recorded on one day (the drill-down of a day's count), by village."""
    qs = Visit.objects.filter(visit_date=day)
    if area:
        qs = qs.filter(region_code__startswith=area)
    return qs.select_related("person__region").order_by("region_code", "id")


def _calendar_roots(scope: Scope) -> tuple[bool, set[str]]:
    """(whether the reader's residents lie in more than one village, the region codes her scope starts from)."""
    roots = set(scope.admin_regions) | set(scope.regions_for(Role.STATION_MANAGER))
    village_length = Region.CODE_LENGTHS[Region.Level.VILLAGE]
    wide = scope.unrestricted or len(roots) > 1 or any(len(code) < village_length for code in roots)
    return wide, roots


def calendar_is_wide(area: Region | None) -> bool:
    """Whether the calendar counts per day (an area above one village) or names each visit (one village)."""
    if area is not None:
        return area.level != Region.Level.VILLAGE
    return _calendar_roots(require_scope())[0]


def calendar_area(code: str) -> Region | None:
    """The region the calendar may narrow to: one whose residents the reader works with (under one of her admin
    regions, or a village she runs a station in). None otherwise."""
    scope = require_scope()
    if not (scope.covers_region(code, admin_only=True) or code in scope.regions_for(Role.STATION_MANAGER)):
        return None
    # unscoped: region names, the code checked against the reader's scope above
    return Region.all_objects.filter(code=code).first()


def calendar_trail(area: Region | None) -> list[Region]:
    """The areas above the chosen one that the reader may widen to (nearest last), for the breadcrumb: one query."""
    if area is None:
        return []
    scope = require_scope()
    lengths = sorted(set(Region.CODE_LENGTHS.values()))
    above = [area.code[:length] for length in lengths if length < len(area.code)]
    allowed = [code for code in above if scope.covers_region(code, admin_only=True)]
    # unscoped: names of the reader's own admin regions (checked above)
    return list(Region.all_objects.filter(code__in=allowed).order_by("code")) if allowed else []


def calendar_narrower(area: Region | None) -> list[Region]:
    """The areas one level down that the calendar offers to narrow to (a drill-down: never more than one region's
    parts, so no page ships a province's villages). Without a chosen area: the reader's own regions, or the parts of
    her one region. One query."""
    scope = require_scope()
    if area is not None:
        if area.level == Region.Level.VILLAGE:
            return []
        parent_q = Q(parent=area)
    else:
        wide, roots = _calendar_roots(scope)
        if not wide:  # one village: nothing to narrow to
            return []
        if scope.unrestricted:
            parent_q = Q(parent__isnull=True)
        elif len(roots) == 1:
            parent_q = Q(parent__code__in=roots)
        else:
            parent_q = Q(code__in=roots)
    # One region's parts are few by nature (a town's villages, a district's towns): all of them, never a cut list.
    # unscoped: region names under the reader's own regions (the filters above name only those)
    return list(Region.all_objects.filter(parent_q).order_by("code"))


def staff_for(region_code: str):
    """Staff who may visit a village's residents or own follow-up actions there: its station managers and the
    federation admins of the town and district above it. Volunteers, mediators and advisors do not work with
    resident records, so they are never offered (they could neither see the visit nor close the action)."""
    admin_codes = {region_code[:9], region_code[:6]}
    return (
        # unscoped: staff of the visit's village who may be owners (names only)
        User.all_objects.filter(
            Q(memberships__role=Role.STATION_MANAGER, memberships__region__code=region_code)
            | Q(memberships__role=Role.FEDERATION_ADMIN, memberships__region__code__in=admin_codes),
            memberships__is_active=True,
            is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def staff_named_for(region_code: str):
    """``staff_for`` with the roles that make each one staff of this village (``roles_here``), for ``staff_label``."""
    admin_codes = {region_code[:9], region_code[:6]}
    here = Q(role=Role.STATION_MANAGER, region__code=region_code) | Q(
        role=Role.FEDERATION_ADMIN, region__code__in=admin_codes
    )
    return staff_for(region_code).prefetch_related(
        Prefetch(
            "memberships",
            # unscoped: the roles that make them staff of this village, to name them by (place and role)
            queryset=RoleMembership.all_objects.filter(here, is_active=True)
            .select_related("region")
            .order_by("-region__code"),
            to_attr="roles_here",
        )
    )


def staff_label(user: User) -> str:
    """A member of staff as the forms offer her: "沈慧 · 瓜沥镇 · 妇联管理员" — name, then the place and role that make
    her staff of this village (the nearest one), the way roles are shown on the home and user pages. Never the
    username. Reads ``roles_here`` from ``staff_named_for``; without it, the name alone."""
    roles = getattr(user, "roles_here", None)
    if not roles:
        return user.name or "—"
    nearest = roles[0]
    return f"{user.name} · {nearest.region.name} · {nearest.get_role_display()}"


def visit_plans():
    return VisitPlan.objects.select_related("group", "region").order_by("region__code", "name")


def visit_get(pk) -> Visit:
    return Visit.objects.select_related("person__region", "plan", "created_by").get(pk=pk)
