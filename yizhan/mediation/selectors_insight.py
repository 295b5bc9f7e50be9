"""Reads for the day's work and the overview of mediation cases: the "我的案件" work queue, the early-warning list
and the statistics. Everything reads through the scoped managers (``Case.objects``): a mediator sees the studio's
cases, an advisor the cases she is on, an admin the cases of the studios under her region.

Deadlines are computed in the database, as whole local days, exactly as ``Case.deadline`` computes them in Python
(the local date of ``accepted_at`` plus ``time_limit_days``): ``deadline_day`` is that date as a day number (days
since 1970-01-01), so "overdue" is ``deadline_day < today`` and "days left" is ``deadline_day - today``. If the way a
deadline is computed changes (a time-limit extension), ``deadline_day_expression`` changes with ``Case.deadline``.

Query counts do not depend on the number of cases: each list is one query (limited), each statistics breakdown one
GROUP BY query, each warning kind one query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from yizhan.accounts.roles import Role
from yizhan.core.scoping import Scope, require_scope

from .models import (
    PROTECTION_ORDER_ALERT_DAYS,
    RISK_LEVEL_RANK,
    Case,
    CaseMember,
    CaseParty,
    ProtectionOrder,
    RiskLevel,
    RiskScreening,
    Studio,
)

NEAR_DEADLINE_DAYS = 5  # "close to the deadline": at most this many days left
QUEUE_LIMIT = 20  # rows per list of the work queue
ADMIN_LIST_LIMIT = 10  # the short list of the admin's queue
WARNING_LIMIT = 100  # rows per warning kind
EPOCH = date(1970, 1, 1)
DEFAULT_REPEAT_WINDOW_DAYS = 365
# What counts as "closed" for the success rate: the mediated cases that ended (not those never accepted).
MEDIATED_CLOSED = (Case.Status.AGREEMENT, Case.Status.NO_AGREEMENT, Case.Status.WITHDRAWN)


class DayNumber(Func):
    """A date as the number of days since 1970-01-01, on both databases."""

    output_field = IntegerField()

    def as_sql(  # PostgreSQL: date - date is an integer
        self,
        compiler: Any,
        connection: Any,
        function: Any = None,
        template: Any = None,
        arg_joiner: Any = None,
        **extra_context: Any,
    ) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::date - DATE '1970-01-01')", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(julianday({sql}) - 2440587.5 AS INTEGER)", params


class LocalDayNumber(Func):
    """The local date (the current time zone's) of a timestamp as a day number: ``DayNumber(TruncDate(...))``
    written natively. PostgreSQL converts with ``AT TIME ZONE``; SQLite (which Django gives a Python function per row
    for ``TruncDate``, 30 times slower at 100,000 cases) shifts by the zone's current UTC offset, exact for zones
    without daylight saving time such as Asia/Shanghai."""

    output_field = IntegerField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: Any = None,
        template: Any = None,
        arg_joiner: Any = None,
        **extra_context: Any,
    ) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        zone = timezone.get_current_timezone_name()
        return f"((({sql}) AT TIME ZONE %s)::date - DATE '1970-01-01')", (*params, zone)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        offset = timezone.localtime().utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        return f"CAST(julianday({sql}, %s) - 2440587.5 AS INTEGER)", (*params, f"{seconds:+d} seconds")


def day_number(day: date) -> int:
    return (day - EPOCH).days


def deadline_day_expression(prefix: str = "") -> ExpressionWrapper:
    """The last day of the time limit as a day number (NULL before acceptance): ``Case.deadline`` in SQL."""
    return ExpressionWrapper(
        LocalDayNumber(f"{prefix}accepted_at") + F(f"{prefix}time_limit_days"), output_field=IntegerField()
    )


def with_deadlines(qs: QuerySet[Case], today: date | None = None) -> QuerySet[Any]:
    """Cases annotated with ``deadline_day`` and ``days_left`` (negative: overdue by that many days)."""
    today_n = day_number(today or timezone.localdate())
    return qs.annotate(deadline_day=deadline_day_expression()).annotate(
        days_left=ExpressionWrapper(F("deadline_day") - Value(today_n), output_field=IntegerField())
    )


def _due(cases: QuerySet[Any]) -> list[Case]:
    """The cases with ``overdue_days`` (0 unless past the deadline) beside ``days_left``."""
    rows = list(cases)
    for case in rows:
        left = getattr(case, "days_left", None)
        case.overdue_days = -left if left is not None and left < 0 else 0
    return rows


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("studio", "studio__region", "dispute_type", "lead")


def mediator_studio_ids(scope: Scope) -> list[int]:
    """The studios where the user holds the mediator role (the studio as a place, its village as the role's)."""
    villages = scope.regions_for(Role.MEDIATOR)
    if not villages:
        return []
    ids = sorted(scope.place_ids("studio"))
    return list(
        Studio.objects.filter(pk__in=ids, region__code__in=sorted(villages)).order_by("pk").values_list("pk", flat=True)
    )


# --- the work queue (我的案件) ------------------------------------------------------------------------------------


@dataclass
class Queue:
    """What the home panel and ``GET /api/cases/queue`` show to one user."""

    awaiting_intake: list[Case] = field(default_factory=list)  # the studios' cases waiting for a decision (mediators)
    mine: list[Case] = field(default_factory=list)  # open cases the user leads or is on, most urgent first
    region_overdue: int = 0  # admins: open cases past their deadline in the region
    region_near: int = 0  # admins: open cases with at most NEAR_DEADLINE_DAYS days left
    region_cases: list[Case] = field(default_factory=list)  # admins: the most urgent of those
    is_mediator: bool = False
    is_admin: bool = False


def _urgency(qs: QuerySet[Any]) -> QuerySet[Any]:
    """Accepted cases by days left (overdue first), then cases in intake, oldest first."""
    return qs.order_by(F("deadline_day").asc(nulls_last=True), "received_on", "pk")


def my_queue(user, *, today: date | None = None) -> Queue:
    """The acting user's work queue. Mediators: cases of their studios awaiting the intake decision and their own
    open cases (lead or team member) with days left; advisors: the open cases they are on; admins: counts of
    overdue and nearly due cases in their region and the most urgent of them. At most four queries."""
    scope = require_scope()
    today = today or timezone.localdate()
    queue = Queue(is_admin=bool(scope.admin_regions) or scope.unrestricted)
    studios = mediator_studio_ids(scope)
    queue.is_mediator = bool(studios)
    if studios:
        queue.awaiting_intake = list(
            _cases()
            .filter(studio_id__in=studios, status=Case.Status.INTAKE)
            .order_by("received_on", "pk")[:QUEUE_LIMIT]
        )
    if scope.place_ids("studio"):  # only a studio's team members lead or are put on cases
        on_case = CaseMember.objects.filter(case=OuterRef("pk"), member__user_id=user.pk)
        mine = with_deadlines(_cases(), today).filter(status__in=Case.OPEN)
        queue.mine = _due(_urgency(mine.filter(Q(lead_id=user.pk) | Exists(on_case)))[:QUEUE_LIMIT])
    if queue.is_admin:
        today_n = day_number(today)
        accepted = with_deadlines(
            Case.objects.filter(status=Case.Status.ACCEPTED).filter(scope.region_q("studio__region__code")), today
        )
        counts = accepted.aggregate(
            overdue=Count("pk", filter=Q(deadline_day__lt=today_n)),
            near=Count("pk", filter=Q(deadline_day__gte=today_n, deadline_day__lte=today_n + NEAR_DEADLINE_DAYS)),
        )
        queue.region_overdue, queue.region_near = counts["overdue"], counts["near"]
        urgent = with_deadlines(_cases(), today).filter(
            status=Case.Status.ACCEPTED, deadline_day__lte=today_n + NEAR_DEADLINE_DAYS
        )
        urgent = urgent.filter(scope.region_q("studio__region__code")).order_by("deadline_day", "pk")
        queue.region_cases = _due(urgent[:ADMIN_LIST_LIMIT])
    return queue


# --- early warning ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WarningRow:
    """One warning about one case: ``detail`` says why (another case's number, days overdue …)."""

    kind: str
    case: Case
    detail: str = ""
    days: int | None = None


@dataclass(frozen=True)
class WarningKind:
    """A kind of early warning: ``rows(today)`` reads the cases it concerns in the acting scope (one query)."""

    code: str
    label: Any
    rows: Callable[[date], list[WarningRow]]


def repeat_disputes(today: date) -> list[WarningRow]:
    """Open cases whose parties had another case within the studio's repeat window before this one: the same
    registry person, the same mobile number (blind index) or a person of the same household."""
    earlier = (
        CaseParty.objects.filter(
            Q(person_id=OuterRef("person_id"))
            | (Q(mobile_index=OuterRef("mobile_index")) & ~Q(mobile_index=""))
            | Q(person__household_id=OuterRef("person__household_id"))
        )
        .exclude(case_id=OuterRef("case_id"))
        .annotate(day=DayNumber("case__received_on"))
        .filter(Q(day__lt=OuterRef("day")) | Q(day=OuterRef("day"), case_id__lt=OuterRef("case_id")))
        .filter(day__gte=OuterRef("day") - OuterRef("case__studio__repeat_window_days"))
        .order_by("-day", "-case_id")
    )
    parties = (
        CaseParty.objects.filter(case__status__in=Case.OPEN)
        .annotate(day=DayNumber("case__received_on"))
        .annotate(earlier_number=Subquery(earlier.values("case__number")[:1]))
        .filter(earlier_number__isnull=False)
        .select_related("case", "case__studio", "case__dispute_type")
        .order_by("-case__received_on", "case_id", "pk")
    )
    seen: dict[int, WarningRow] = {}
    for party in parties[: WARNING_LIMIT * 3]:
        if party.case_id not in seen:
            seen[party.case_id] = WarningRow("repeat", party.case, detail=party.earlier_number)
    return list(seen.values())[:WARNING_LIMIT]


def near_deadline(today: date) -> list[WarningRow]:
    """Accepted cases with at most ``NEAR_DEADLINE_DAYS`` days left."""
    today_n = day_number(today)
    qs = with_deadlines(_cases(), today).filter(
        status=Case.Status.ACCEPTED, deadline_day__gte=today_n, deadline_day__lte=today_n + NEAR_DEADLINE_DAYS
    )
    return [WarningRow("near_deadline", c, days=c.days_left) for c in qs.order_by("deadline_day", "pk")[:WARNING_LIMIT]]


def overdue(today: date) -> list[WarningRow]:
    """Accepted cases past their deadline."""
    qs = with_deadlines(_cases(), today).filter(status=Case.Status.ACCEPTED, deadline_day__lt=day_number(today))
    return [WarningRow("overdue", c, days=-c.days_left) for c in qs.order_by("deadline_day", "pk")[:WARNING_LIMIT]]


# Cases a rising risk level is looked for in: open ones and those whose agreement is being performed.
RISK_WATCHED = (Case.Status.INTAKE, Case.Status.ACCEPTED, Case.Status.AGREEMENT)


def order_expiry_warning_days() -> int:
    """ "Protection order about to expire": expiry within this many days (``settings.MEDIATION_ORDER_EXPIRY_DAYS``,
    default 14 — the lead mediator and the town admin are also alerted ``PROTECTION_ORDER_ALERT_DAYS`` before)."""
    return int(getattr(settings, "MEDIATION_ORDER_EXPIRY_DAYS", 2 * PROTECTION_ORDER_ALERT_DAYS))


def _risk_rank(field_name: str) -> SqlCase:
    return SqlCase(
        *[When(**{field_name: level}, then=Value(rank)) for level, rank in RISK_LEVEL_RANK.items()],
        default=Value(-1),
        output_field=IntegerField(),
    )


def rising_risk(today: date) -> list[WarningRow]:
    """Cases whose latest risk screening is at a higher level than the screening before it (``detail``: the two
    levels, e.g. "黄色（一般风险） → 红色（高风险）")."""
    screenings = RiskScreening.objects.filter(case_id=OuterRef("pk")).order_by("-screened_at", "-pk")
    qs = (
        _cases()
        .filter(status__in=RISK_WATCHED)
        .annotate(
            latest_level=Subquery(screenings.values("level")[:1]),
            previous_level=Subquery(screenings.values("level")[1:2]),
        )
        .filter(previous_level__isnull=False)
        .annotate(latest_rank=_risk_rank("latest_level"), previous_rank=_risk_rank("previous_level"))
        .filter(latest_rank__gt=F("previous_rank"))
        .order_by("-latest_rank", "-received_on", "-pk")
    )
    return [
        WarningRow(
            "rising_risk",
            case,
            detail=f"{RiskLevel(case.previous_level).label} → {RiskLevel(case.latest_level).label}",
            days=case.latest_rank - case.previous_rank,
        )
        for case in qs[:WARNING_LIMIT]
    ]


def orders_expiring(today: date) -> list[WarningRow]:
    """Granted protection orders that expire within ``order_expiry_warning_days()`` (today included); one row per
    order, ``days`` left until the expiry, ``detail`` the expiry date."""
    last = today + timedelta(days=order_expiry_warning_days())
    orders = (
        ProtectionOrder.objects.filter(
            ruling=ProtectionOrder.Ruling.GRANTED, expires_on__gte=today, expires_on__lte=last
        )
        .select_related("case", "case__studio", "case__studio__region", "case__dispute_type")
        .order_by("expires_on", "pk")
    )
    rows = []
    for order in orders[:WARNING_LIMIT]:
        expires_on: date = order.expires_on  # type: ignore[assignment]  # filtered on expires_on: never None here
        rows.append(
            WarningRow("order_expiring", order.case, detail=expires_on.isoformat(), days=(expires_on - today).days)
        )
    return rows


# The kinds of early warning, in the order the page shows them. Another kind is one more ``WarningKind`` appended
# here, with its selector (one query).
WARNING_KINDS: list[WarningKind] = [
    WarningKind("overdue", _("Overdue"), overdue),
    WarningKind("near_deadline", _("Close to the deadline"), near_deadline),
    WarningKind("repeat", _("Repeat dispute"), repeat_disputes),
    WarningKind("rising_risk", _("Rising risk level"), rising_risk),
    WarningKind("order_expiring", _("Protection order about to expire"), orders_expiring),
]


@dataclass
class WarningGroup:
    code: str
    label: Any
    rows: list[WarningRow]


def case_warnings(*, today: date | None = None, kinds: Sequence[str] = ()) -> list[WarningGroup]:
    """The early-warning list in the acting scope, one group per kind (one query per kind)."""
    today = today or timezone.localdate()
    return [
        WarningGroup(kind.code, kind.label, kind.rows(today))
        for kind in WARNING_KINDS
        if not kinds or kind.code in kinds
    ]


# --- statistics ---------------------------------------------------------------------------------------------------


@dataclass
class Statistics:
    year: int | None
    studio: Studio | None
    total: int
    closed: int  # agreement, no agreement or withdrawn
    agreements: int
    overdue: int  # past the deadline while open, or closed after it
    average_days: float | None  # accepted → closed, in days, over the closed mediated cases
    by_month: list[dict[str, Any]]  # {"month": 1..12, "count": n}, all twelve months (with a year), else by year
    by_type: list[dict[str, Any]]  # {"code", "name", "count"}
    by_source: list[dict[str, Any]]  # {"code", "name", "count"}
    by_outcome: list[dict[str, Any]]  # {"code", "name", "count"}
    by_studio: list[dict[str, Any]]  # {"id", "name", "count", "agreements", "closed"}

    @property
    def success_rate(self) -> float | None:
        return self.agreements / self.closed if self.closed else None


def _type_name(row: Mapping[str, Any]) -> str:
    """A dispute type's name in the active language (as ``LookupType.name``)."""
    english = (translation.get_language() or "").startswith("en") and row["dispute_type__name_en"]
    return str(row["dispute_type__name_en"] if english else row["dispute_type__name_zh"])


def statistics_cases(*, year: int | None = None, studio_id: int | None = None) -> QuerySet[Case]:
    qs = Case.objects.all()
    if year:
        qs = qs.filter(year=year)
    if studio_id:
        qs = qs.filter(studio_id=studio_id)
    return qs


def case_statistics(*, year: int | None = None, studio: Studio | None = None, today: date | None = None) -> Statistics:
    """Figures of the cases in scope (optionally one year and one studio), each breakdown one GROUP BY query."""
    today_n = day_number(today or timezone.localdate())
    qs = statistics_cases(year=year, studio_id=studio.pk if studio else None)
    deadline = deadline_day_expression()
    closed_day = LocalDayNumber("closed_at")
    summary = qs.annotate(deadline_day=deadline, closed_day=closed_day).aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status__in=MEDIATED_CLOSED)),
        agreements=Count("pk", filter=Q(status=Case.Status.AGREEMENT)),
        overdue=Count(
            "pk",
            filter=Q(accepted_at__isnull=False)
            & Q(
                Q(status=Case.Status.ACCEPTED, deadline_day__lt=today_n)
                | Q(closed_at__isnull=False, closed_day__gt=F("deadline_day"))
            ),
        ),
        average_days=Avg(
            ExpressionWrapper(F("closed_day") - LocalDayNumber("accepted_at"), output_field=IntegerField()),
            filter=Q(status__in=MEDIATED_CLOSED, accepted_at__isnull=False, closed_at__isnull=False),
        ),
    )
    if year:
        months = dict.fromkeys(range(1, 13), 0)
        for day, n in qs.values("received_on").annotate(n=Count("pk")).values_list("received_on", "n"):
            months[day.month] += n  # grouped by day (a plain column), summed by month here: at most 366 rows
        by_month = [{"month": m, "label": f"{m}", "count": months[m]} for m in range(1, 13)]
    else:
        years = qs.values("year").annotate(n=Count("pk")).order_by("year").values_list("year", "n")
        by_month = [{"month": y, "label": f"{y}", "count": n} for y, n in years]
    types = (
        qs.values("dispute_type__code", "dispute_type__name_zh", "dispute_type__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "dispute_type__code")
    )
    sources = dict(qs.values("source").annotate(n=Count("pk")).values_list("source", "n"))
    outcomes = dict(qs.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    studios = (
        qs.values("studio_id", "studio__name")
        .annotate(
            n=Count("pk"),
            agreed=Count("pk", filter=Q(status=Case.Status.AGREEMENT)),  # not "agreements": Case.agreements exists
            closed=Count("pk", filter=Q(status__in=MEDIATED_CLOSED)),
        )
        .order_by("-n", "studio_id")
    )
    average = summary["average_days"]
    return Statistics(
        year=year,
        studio=studio,
        total=summary["total"],
        closed=summary["closed"],
        agreements=summary["agreements"],
        overdue=summary["overdue"],
        average_days=round(float(average), 1) if average is not None else None,
        by_month=by_month,
        by_type=[{"code": t["dispute_type__code"], "name": _type_name(t), "count": t["n"]} for t in types],
        by_source=[{"code": c, "name": str(label), "count": sources.get(c, 0)} for c, label in Case.Source.choices],
        by_outcome=[{"code": c, "name": str(label), "count": outcomes.get(c, 0)} for c, label in Case.Status.choices],
        by_studio=[
            {
                "id": s["studio_id"],
                "name": s["studio__name"],
                "count": s["n"],
                "agreements": s["agreed"],
                "closed": s["closed"],
            }
            for s in studios
        ],
    )


def statistics_studios() -> list[Studio]:
    """The studios the statistics can be narrowed to: those in scope (admins: under their region; mediators: their
    own)."""
    return list(Studio.objects.select_related("region").order_by("region__code", "name"))


def statistics_years() -> list[int]:
    years = Case.objects.order_by("-year").values_list("year", flat=True).distinct()
    return list(years[:20])
