"""Demo activities of the seed's two stations (DESIGN.md §1): 20 at 隆园社区 四融驿站 and 12 at 友谊村 友爱同行 in
all — held ones spread over 2023–2026 with registrations, attendance (check-ins at the desk, walk-ins), satisfaction
answers, a summary with photos (drawn here with Pillow) and, at 友爱同行, 赵红's shifts with confirmed hours; one
activity today whose check-in is open when the demo is seeded; upcoming ones in the coming weeks (one full with a
waitlist); the weekly series comes from ``demo_volunteers``.

Everything is written through the services, as 瓜沥镇's admin (and the volunteer and 友爱同行's manager for their
parts), so the audit log has it. A held activity is written as it happened, in the services' order: planned a
couple of hours ahead (so people can be registered and the volunteer can sign up for a shift), then running (the
desk checks people in, walk-ins are recorded, participants answer the satisfaction questions), then recorded at its
real date and room, with the volunteer's shift and hours, then completed with its summary and photos.
``seed()`` is declared as ``ActivitiesConfig.demo``; idempotent (a station that has activities already is left
alone)."""

import io
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.notifications import services as notifications
from yizhan.people.models import Person
from yizhan.stations.models import Room, ServiceLine, Station

from . import demo_volunteers, services
from .models import Activity, Registration, RegistrationStatus, ShiftRole


@dataclass
class Held:
    """An activity that took place: when, where, who came and what they said."""

    day: date
    hour: int
    hours: int
    title: str
    room: str
    seats: int
    lines: list[str]
    item: str
    registered: int  # registrations from the registry (beyond the seats: waitlisted)
    attended: int  # of the confirmed, checked in at the desk
    walk_ins: int
    answers: list[tuple[int, int, int]]  # 活动感, 安全感, 幸福感 (one per participant who answered)
    photos: int = 1
    comments: list[str] = field(default_factory=list)


@dataclass
class Planned:
    """An activity still ahead: ``days`` from the day the demo is seeded."""

    days: int
    hour: int
    hours: int
    title: str
    room: str
    seats: int
    lines: list[str]
    item: str
    registered: int


LONGYUAN_HELD = [
    Held(
        date(2023, 5, 13),
        9,
        2,
        "亲子手工：母亲节贺卡",
        "儿童之家",
        20,
        ["children"],
        "融景",
        8,
        7,
        2,
        [(5, 5, 5), (5, 4, 5), (4, 5, 4)],
        comments=["孩子很喜欢，谢谢老师！"],
    ),
    Held(
        date(2023, 7, 15),
        9,
        2,
        "学英语：暑期英语角",
        "家长学校",
        30,
        ["education", "children"],
        "融智",
        8,
        7,
        1,
        [(4, 5, 5), (5, 5, 5), (4, 4, 4)],
    ),
    Held(
        date(2023, 10, 21),
        14,
        3,
        "平安走访：重阳节独居老人探访",
        "妇女之家活动室",
        15,
        ["welfare", "rights"],
        "融心",
        6,
        5,
        0,
        [(5, 5, 5), (4, 5, 5)],
    ),
    Held(
        date(2024, 3, 9),
        8,
        3,
        "大手拉小手环境整治：春季清洁家园",
        "妇女之家活动室",
        40,
        ["welfare", "children"],
        "融景",
        8,
        7,
        5,
        [(5, 5, 5), (5, 4, 5), (5, 5, 4), (4, 4, 5)],
        photos=2,
    ),
    Held(
        date(2024, 6, 8),
        14,
        2,
        "亲子手工：端午香囊",
        "儿童之家",
        20,
        ["children"],
        "融景",
        8,
        7,
        3,
        [(5, 5, 5), (5, 4, 5), (4, 5, 4), (5, 5, 4)],
    ),
    Held(
        date(2024, 8, 17),
        9,
        2,
        "绘画：我的家园",
        "儿童之家",
        20,
        ["children"],
        "融景",
        8,
        7,
        1,
        [(4, 5, 5), (5, 5, 5), (4, 4, 4)],
    ),
    Held(
        date(2024, 11, 16),
        9,
        2,
        "学英语：快乐英语角",
        "家长学校",
        30,
        ["education", "children"],
        "融智",
        8,
        7,
        2,
        [(5, 5, 4), (3, 4, 4), (5, 5, 5)],
    ),
    Held(
        date(2025, 3, 8),
        14,
        2,
        "巾帼健康讲座：女性健康知识",
        "妇女之家活动室",
        40,
        ["welfare"],
        "融惠",
        8,
        7,
        4,
        [(4, 5, 4), (5, 5, 5), (4, 4, 4)],
    ),
    Held(
        date(2025, 6, 21),
        9,
        3,
        "平安走访：防溺水安全入户宣传",
        "妇女之家活动室",
        15,
        ["welfare", "rights"],
        "融心",
        7,
        7,
        0,
        [(4, 5, 4), (2, 4, 3)],
        comments=["天太热，希望下次早一点开始。"],
    ),  # a low answer: flagged
    Held(
        date(2025, 9, 20),
        8,
        3,
        "大手拉小手环境整治：垃圾分类进家庭",
        "妇女之家活动室",
        40,
        ["welfare", "children"],
        "融景",
        8,
        7,
        6,
        [(5, 5, 5), (5, 4, 5), (5, 5, 5), (4, 4, 5), (5, 5, 4)],
        photos=2,
    ),
    Held(
        date(2026, 4, 18),
        9,
        2,
        "绘画：春天的颜色",
        "儿童之家",
        20,
        ["children"],
        "融景",
        8,
        7,
        2,
        [(4, 4, 4), (5, 5, 4), (4, 5, 5)],
    ),
    Held(
        date(2026, 9, 19),
        14,
        2,
        "亲子手工：中秋灯笼",
        "儿童之家",
        12,
        ["children"],
        "融景",
        8,
        7,
        1,
        [(5, 5, 5), (5, 4, 5)],
        comments=["灯笼做得很漂亮，孩子很开心。"],
    ),
]
LONGYUAN_TODAY = Planned(0, 0, 3, "亲子阅读：绘本故事会", "儿童之家", 20, ["children", "education"], "融智", 10)
LONGYUAN_PLANNED = [
    Planned(6, 9, 2, "学英语：亲子英语绘本", "家长学校", 5, ["education", "children"], "融智", 7),  # full: waitlist
    Planned(13, 14, 2, "平安走访：冬季用电安全", "妇女之家活动室", 15, ["welfare", "rights"], "融心", 4),
    Planned(20, 14, 2, "绘画：四季的颜色", "儿童之家", 15, ["children"], "融景", 4),
]
YOUYI_HELD = [
    Held(
        date(2023, 4, 22),
        14,
        2,
        "家长学校：如何陪伴孩子写作业",
        "家长学校",
        30,
        ["education"],
        "友·共建",
        8,
        7,
        2,
        [(5, 5, 4), (4, 5, 5), (4, 4, 4)],
    ),
    Held(
        date(2023, 8, 12),
        9,
        2,
        "留守儿童读书会",
        "图书室",
        15,
        ["children"],
        "友·关爱",
        7,
        7,
        1,
        [(5, 5, 5), (5, 4, 5)],
    ),
    Held(
        date(2024, 1, 20),
        14,
        2,
        "巾帼创业：农家乐经营分享",
        "公益活动室",
        20,
        ["entrepreneurship"],
        "友·希望",
        8,
        7,
        0,
        [(4, 5, 4), (5, 5, 5)],
    ),
    Held(
        date(2024, 5, 25),
        9,
        2,
        "亲子手工：扎染手帕",
        "儿童之家",
        10,
        ["children"],
        "友·关爱",
        7,
        5,
        1,
        [(5, 5, 5), (4, 5, 5)],
    ),
    Held(
        date(2024, 10, 19),
        14,
        3,
        "平安走访：留守老人安全检查",
        "公益活动室",
        15,
        ["welfare", "rights"],
        "友·共建",
        6,
        5,
        0,
        [(5, 5, 5), (4, 5, 4)],
    ),
    Held(
        date(2025, 4, 12),
        8,
        3,
        "大手拉小手：村道环境整治",
        "公益活动室",
        30,
        ["welfare", "children"],
        "友·共建",
        8,
        7,
        4,
        [(5, 5, 5), (5, 4, 5), (4, 5, 5)],
        photos=2,
    ),
    Held(
        date(2025, 12, 13),
        14,
        2,
        "留守儿童读书会：冬日绘本",
        "图书室",
        15,
        ["children"],
        "友·关爱",
        7,
        6,
        0,
        [(4, 4, 5), (5, 5, 5)],
    ),
    Held(
        date(2026, 7, 18),
        14,
        2,
        "巾帼创业：电商直播入门",
        "公益活动室",
        20,
        ["entrepreneurship"],
        "友·希望",
        8,
        7,
        2,
        [(5, 5, 4), (4, 4, 4), (5, 5, 5)],
        comments=["学到了很多，希望再办一期进阶课。"],
    ),
]
YOUYI_PLANNED = [
    Planned(9, 14, 2, "巾帼创业：电商直播进阶", "公益活动室", 20, ["entrepreneurship"], "友·希望", 6),
    Planned(16, 9, 2, "亲子手工：树叶贴画", "儿童之家", 10, ["children"], "友·关爱", 3),
    Planned(23, 14, 2, "家长学校：青春期亲子沟通", "家长学校", 30, ["education"], "友·共建", 5),
    Planned(30, 9, 2, "留守儿童读书会：新年故事", "图书室", 15, ["children"], "友·关爱", 2),
]
# (village, station name, held, today's or None, planned)
STATIONS = [
    ("330109113001", "隆园社区妇女儿童驿站", LONGYUAN_HELD, LONGYUAN_TODAY, LONGYUAN_PLANNED),
    ("330109113002", "友谊村妇女儿童驿站", YOUYI_HELD, None, YOUYI_PLANNED),
]
VOLUNTEER = "volunteer"  # 赵红, 友谊村: serves 友爱同行's activities
MANAGER_YOUYI = "station_manager_youyi"
PHOTO_COLOURS = [(233, 84, 107), (250, 176, 5), (64, 158, 255), (103, 194, 58), (144, 97, 249)]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _soon(minutes: int) -> datetime:
    """``minutes`` from now, on a five-minute mark."""
    moment = timezone.localtime() + timedelta(minutes=minutes)
    return moment.replace(minute=moment.minute - moment.minute % 5, second=0, microsecond=0)


def _photo(seed: int, title: str) -> SimpleUploadedFile:
    """A picture drawn here (no files shipped, nothing downloaded): a coloured scene with people as circles."""
    rng = random.Random(seed)  # noqa: S311 - the same picture each time, not a secret
    width, height = 640, 480
    sky, ground = rng.choice(PHOTO_COLOURS), rng.choice(PHOTO_COLOURS)
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=tuple(c // 2 for c in ground))
    for _ in range(rng.randint(5, 9)):
        x, size = rng.randint(30, width - 60), rng.randint(30, 55)
        y = height * 2 // 3 - size * 2
        colour = rng.choice(PHOTO_COLOURS)
        draw.ellipse((x, y, x + size, y + size), fill=(250, 224, 196))
        draw.rectangle((x - size // 4, y + size, x + size + size // 4, y + size * 3), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"{title}-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _residents(station: Station) -> list[Person]:
    return list(
        Person.all_objects.filter(
            region=station.region,
            anonymised_at__isnull=True,
            birth_date__lt=timezone.localdate() - timedelta(days=18 * 365),
        )
        .exclude(mobile_index="")
        .order_by("pk")
    )


class _Station:
    """One station's demo: its rooms, brand items, service lines and residents, read once."""

    def __init__(self, station: Station, *, by: User):
        self.station = station
        self.by = by
        self.lines = {line.code: line for line in ServiceLine.objects.all()}
        self.items = {item.name: item for item in station.brand_items.all()}
        self.rooms = {room.name: room for room in Room.all_objects.filter(station=station)}
        self.people = _residents(station)

    def _seats(self, room: Room | None, seats: int) -> int:
        return min(seats, room.capacity) if room and room.capacity else seats

    def plan(self, spec, starts_at: datetime, *, ends_at: datetime | None = None, with_room: bool = True) -> Activity:
        room = self.rooms.get(spec.room) if with_room else None
        activity = services.activity_create(
            created_by=self.by,
            station=self.station,
            title=spec.title,
            description=f"{self.station.brand_name}·{spec.title}。",
            starts_at=starts_at,
            ends_at=ends_at or starts_at + timedelta(hours=spec.hours),
            seats=self._seats(self.rooms.get(spec.room), spec.seats),
            room=room,
            brand_item=self.items.get(spec.item),
            service_lines=[self.lines[code] for code in spec.lines if code in self.lines],
            children_need_guardian="children" in spec.lines,
        )
        services.activity_publish(activity=activity, published_by=self.by)
        for person in self.people[: spec.registered]:
            services.registration_add(activity=activity, person=person, registered_by=self.by)
        return activity

    def _move(self, activity: Activity, starts_at: datetime, hours: int, **changes) -> Activity:
        activity.refresh_from_db()
        return services.activity_update(
            activity=activity,
            updated_by=self.by,
            version=activity.version,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            **changes,
        )

    def check_in(self, activity: Activity, count: int) -> None:
        confirmed = Registration.all_objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED)
        for registration in confirmed.select_related("activity", "activity__station").order_by("position")[:count]:
            services.desk_check_in(registration=registration, checked_in_by=self.by)

    def held(self, spec: Held, index: int, *, volunteer: User | None, manager: User | None) -> Activity:
        # planned a couple of hours ahead: registrations, and the volunteer signs up for the check-in desk
        activity = self.plan(spec, _soon(120 + index * 5), with_room=False)
        signup = None
        if volunteer is not None:
            shift = services.shift_create(activity=activity, created_by=self.by, role=ShiftRole.CHECKIN, slots=2)
            with scope_for(volunteer):
                signup = services.shift_signup(shift=shift, volunteer=volunteer)
        # running: the desk checks people in, walk-ins come, participants answer on their phones
        activity = self._move(activity, _soon(-30), spec.hours)
        self.check_in(activity, spec.attended)
        for n in range(spec.walk_ins):
            services.walk_in_add(activity=activity, name=f"路过居民{n + 1}", recorded_by=self.by)
        for n, (participation, safety, happiness) in enumerate(spec.answers):
            services.feedback_submit(
                activity=activity,
                device_key=f"demo-device-{activity.pk:06d}-{n:02d}",
                participation=participation,
                safety=safety,
                happiness=happiness,
                comment=spec.comments[n] if n < len(spec.comments) else "",
            )
        # recorded at its real date and room; the volunteer's shift and hours with it
        starts = _at(spec.day, spec.hour)
        activity = self._move(activity, starts, spec.hours, room=self.rooms.get(spec.room))
        if signup is not None:
            shift = signup.shift
            shift.refresh_from_db()
            services.shift_update(
                shift=shift,
                changed_by=self.by,
                version=shift.version,
                role=shift.role,
                slots=shift.slots,
                starts_at=starts - timedelta(minutes=30),
                ends_at=activity.ends_at,
            )
            signup.refresh_from_db()
            signup = services.hours_correct(
                signup=signup,
                corrected_by=self.by,
                minutes=spec.hours * 60 + 30,
                reason="按签到表补录",
                version=signup.version,
            )
            services.hours_confirm(signup=signup, confirmed_by=manager or self.by)
        participants = spec.attended + spec.walk_ins
        services.summary_save(
            activity=activity,
            written_by=self.by,
            text=f"{spec.title}顺利开展，共{participants}人参加（其中现场报名{spec.walk_ins}人），居民反响良好。",
            participants=participants,
            walk_ins=spec.walk_ins,
        )
        for n in range(spec.photos):
            services.photo_add(
                activity=activity,
                upload=_photo(activity.pk * 10 + n, spec.title),
                uploaded_by=self.by,
                caption=f"{spec.title}现场",
            )
        return activity

    def today(self, spec: Planned) -> Activity:
        """Today's activity: starts half an hour after the demo is seeded, so check-in is open (from an hour before
        the start) all the while it runs; a few people are checked in at the desk already."""
        starts = _soon(30)
        ends = max(starts + timedelta(hours=spec.hours), _at(timezone.localdate(), 21))
        activity = self.plan(spec, starts, ends_at=ends)
        self.cover(activity, spec.title)
        self.check_in(activity, 3)
        return activity

    def upcoming(self, spec: Planned) -> Activity:
        activity = self.plan(spec, _at(timezone.localdate() + timedelta(days=spec.days), spec.hour))
        self.cover(activity, spec.title)
        return activity

    def cover(self, activity: Activity, title: str) -> None:
        """A cover photo drawn here for today's and the upcoming activities, the ones the public lists show."""
        services.cover_set(activity=activity, upload=_photo(activity.pk * 10 + 9, title), set_by=self.by)


def _seed_station(station: Station, held, today, planned, *, by, volunteer, manager) -> int:
    demo = _Station(station, by=by)
    for index, spec in enumerate(held):
        demo.held(spec, index, volunteer=volunteer, manager=manager)
    if today is not None:
        demo.today(today)
    for spec in planned:
        demo.upcoming(spec)
    return len(held) + (today is not None) + len(planned)


def seed() -> str | None:
    actor = demo_actor()
    with scopes_disabled():
        volunteer = User.all_objects.filter(username=VOLUNTEER).first()
        manager = User.all_objects.filter(username=MANAGER_YOUYI).first()
    created = 0
    with scope_for(actor):
        for village, name, held, today, planned in STATIONS:
            station = Station.all_objects.filter(region__code=village, name=name).first()
            if station is None or Activity.all_objects.filter(station=station).exists():
                continue
            serves = volunteer is not None and village == "330109113002"
            created += _seed_station(
                station, held, today, planned, by=actor, volunteer=volunteer if serves else None, manager=manager
            )
            _seed_public_signups(station)
    if not created:
        return None
    if volunteer is not None:
        # The history's shifts were moved to their real dates, which tells the volunteer; those notices are old news.
        def history_read() -> None:
            with scopes_disabled():
                notifications.mark_all_read(user=volunteer)

        transaction.on_commit(history_read)
    return f"{created} activities with their registrations, attendance, summaries and satisfaction answers"


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
