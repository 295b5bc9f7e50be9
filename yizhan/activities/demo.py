"""Demo activities of the seed's two stations (DESIGN.md §1): some past ones (completed) and some in the coming
weeks (published, with registrations of demo residents, one of them full with a waitlist). Written through the
services by 瓜沥镇's admin, so the audit log has them. ``seed()`` is declared as ``ActivitiesConfig.demo``;
idempotent (a station that has activities already is left alone)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from yizhan.accounts.demo import demo_actor
from yizhan.audit import services as audit
from yizhan.core.scoping import scope_for
from yizhan.people.models import Person
from yizhan.stations.models import Room, ServiceLine, Station

from . import demo_volunteers, services
from .models import LOW_SCORE, Activity, ActivityStatus, Feedback

# (days from today, hour, hours long, title, room name, seats, service line codes, brand item, registrations)
LONGYUAN = [
    (-160, 14, 2, "亲子手工：端午香囊", "儿童之家", 20, ["children"], "融景", 0),
    (-120, 9, 2, "绘画：我的家园", "儿童之家", 20, ["children"], "融景", 0),
    (-90, 9, 2, "学英语：快乐英语角", "家长学校", 30, ["education", "children"], "融智", 0),
    (-60, 9, 3, "平安走访：独居老人家中安全检查", "妇女之家活动室", 15, ["welfare", "rights"], "融心", 0),
    (-30, 8, 3, "大手拉小手环境整治", "妇女之家活动室", 40, ["welfare", "children"], "融景", 0),
    (6, 9, 2, "亲子手工：中秋灯笼", "儿童之家", 12, ["children"], "融景", 8),
    (13, 9, 2, "学英语：周六英语课", "家长学校", 5, ["education", "children"], "融智", 7),
    (20, 14, 2, "绘画：四季的颜色", "儿童之家", 15, ["children"], "融景", 4),
]
YOUYI = [
    (-100, 14, 2, "家长学校：如何陪伴孩子写作业", "家长学校", 30, ["education"], "友·共建", 0),
    (-45, 9, 2, "留守儿童读书会", "图书室", 15, ["children"], "友·关爱", 0),
    (9, 14, 2, "巾帼创业：电商直播入门", "公益活动室", 20, ["entrepreneurship"], "友·希望", 6),
    (16, 9, 2, "亲子手工：树叶贴画", "儿童之家", 10, ["children"], "友·关爱", 3),
]
STATIONS = [("330109113001", "隆园社区妇女儿童驿站", LONGYUAN), ("330109113002", "友谊村妇女儿童驿站", YOUYI)]


def _at(day_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _seed_station(station: Station, specs, *, by) -> int:
    lines = {line.code: line for line in ServiceLine.objects.all()}
    items = {item.name: item for item in station.brand_items.all()}
    rooms = {room.name: room for room in Room.all_objects.filter(station=station)}
    people = list(
        Person.all_objects.filter(
            region=station.region,
            anonymised_at__isnull=True,
            birth_date__lt=timezone.localdate() - timedelta(days=18 * 365),
        )
        .exclude(mobile_index="")
        .order_by("pk")
    )
    for offset, hour, hours, title, room_name, seats, codes, item_name, registrations in specs:
        room = rooms.get(room_name)
        activity = services.activity_create(
            created_by=by,
            station=station,
            title=title,
            description=f"{station.brand_name}·{title}。",
            starts_at=_at(offset, hour),
            ends_at=_at(offset, hour + hours),
            seats=min(seats, room.capacity) if room and room.capacity else seats,
            room=room,
            brand_item=items.get(item_name),
            service_lines=[lines[code] for code in codes if code in lines],
            children_need_guardian="children" in codes,
        )
        services.activity_publish(activity=activity, published_by=by)
        for person in people[:registrations]:
            services.registration_add(activity=activity, person=person, registered_by=by)
        if offset < 0:
            services.activity_complete(activity=activity, completed_by=by)
    return len(specs)


def seed() -> str | None:
    actor = demo_actor()
    created = 0
    with scope_for(actor):
        for village, name, specs in STATIONS:
            station = Station.all_objects.filter(region__code=village, name=name).first()
            if station is None or Activity.all_objects.filter(station=station).exists():
                continue
            created += _seed_station(station, specs, by=actor)
            _seed_public_signups(station)
        summaries = seed_after_activities(actor)
    if not created:
        return None
    return f"{created} activities, {summaries} summaries with satisfaction answers"


# --- after the activity: summaries and satisfaction answers of the completed demo activities --------------------

# (participants, walk-ins, answers as (活动感, 安全感, 幸福感)) per completed activity, in the order of the specs
AFTER = [
    (18, 3, [(5, 5, 5), (5, 4, 5), (4, 5, 4), (5, 5, 4)]),
    (16, 1, [(4, 5, 5), (5, 5, 5), (4, 4, 4)]),
    (22, 2, [(5, 5, 4), (3, 4, 4), (5, 5, 5), (4, 5, 5)]),
    (12, 0, [(4, 5, 4), (2, 4, 3)]),  # one low answer: the activity is flagged
    (35, 6, [(5, 5, 5), (5, 4, 5), (5, 5, 5), (4, 4, 5), (5, 5, 4)]),
    (25, 2, [(4, 4, 4), (5, 5, 4), (4, 5, 5)]),
    (13, 1, [(5, 5, 5), (5, 4, 5)]),
]


def seed_after_activities(actor) -> int:
    """A summary for each completed demo activity (through the service) and a few anonymous satisfaction answers.
    The answers are written directly, with their audit rows: the demo's activities ended long ago, after the
    week in which the feedback page takes answers."""
    done = list(
        Activity.all_objects.filter(status=ActivityStatus.COMPLETED, summary__isnull=True, feedback__isnull=True)
        .select_related("station")
        .order_by("station__region__code", "starts_at")
    )
    for activity, (participants, walk_ins, answers) in zip(done, AFTER, strict=False):
        services.summary_save(
            activity=activity,
            written_by=actor,
            text=f"{activity.title}顺利开展，共{participants}人参加，居民反响良好。",
            participants=participants,
            walk_ins=walk_ins,
        )
        rows = Feedback.all_objects.bulk_create(
            Feedback(
                activity=activity,
                participation=p,
                safety=s,
                happiness=h,
                is_low=min(p, s, h) <= LOW_SCORE,
                device_guard=f"demo-{activity.pk}-{i}",
            )
            for i, (p, s, h) in enumerate(answers)
        )
        audit.log_create_many(None, rows)
    return min(len(done), len(AFTER))


# Public sign-ups (no account) for one upcoming activity per station: (title, name, mobile, child's age, guardian,
# ages of accompanying children).
PUBLIC_SIGNUPS = [
    ("绘画：四季的颜色", "周晓燕", "19900000001", None, "", [6, 9]),
    ("绘画：四季的颜色", "陈小雨", "19900000002", 9, "陈丽", []),
    ("亲子手工：树叶贴画", "沈佳", "19900000003", None, "", [5]),
]


def _seed_public_signups(station: Station) -> None:
    for title, name, mobile, age, guardian, ages in PUBLIC_SIGNUPS:
        activity = Activity.all_objects.filter(station=station, title=title).first()
        if activity is not None:
            services.public_signup(
                activity=activity,
                name=name,
                mobile=mobile,
                consent=True,
                participant_age=age,
                guardian_name=guardian,
                children_ages=ages,
            )


# --- volunteers, shifts, hours and a series (demo_volunteers.py), after the activities above ---------------------

_seed_activities = seed


def seed() -> str | None:  # noqa: F811 - the activities' demo, then the volunteers'
    parts = [part for part in (_seed_activities(), demo_volunteers.seed()) if part]
    return "; ".join(parts) if parts else None
