"""The seed's real places in 瓜沥镇 (DESIGN.md §1).

``seed()`` is declared as ``StationsConfig.demo`` (yizhan/core/demo.py runs it after the accounts), and writes as
瓜沥镇's admin, in her scope. Idempotent:
stations are found by name and only created (with their rooms, items, hours and contacts) when missing.
"""

from datetime import date, time

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import Role, RoleMembership, User
from yizhan.core.scoping import scope_for
from yizhan.regions.models import Region

from . import reference, services
from .models import (
    PositionType,
    RoomType,
    ServiceLine,
    Station,
    Status,
)

WEEKDAY_HOURS = [(d, time(8, 30), time(11, 30)) for d in range(5)] + [(d, time(13, 30), time(17, 0)) for d in range(5)]
WEEK = [*WEEKDAY_HOURS, (5, time(9, 0), time(11, 30))]  # and Saturday morning

STATIONS = [
    {
        "village": "330109113001",
        "name": "隆园社区妇女儿童驿站",
        "brand_name": "四融驿站",
        "address": "瓜沥镇隆园社区党群服务中心一楼",
        "floor_area": 300,
        "opened_on": date(2023, 6, 1),
        "introduction": (
            "区级一星级妇女儿童驿站。集妇女之家、儿童之家、家长学校、婚姻家庭纠纷调解站和家庭教育指导服务站于一体，"
            "以“5+X”一站式服务模式，围绕融智、融心、融景、融惠开展服务。"
        ),
        "positions": ["women_home", "children_home", "parent_school", "mediation_station", "family_education"],
        "rooms": [
            ("activity_room", "妇女之家活动室", 90, 40, "投影仪、音响、折叠桌椅"),
            ("children_home", "儿童之家", 80, 30, "绘本角、手工桌、安全护角"),
            ("parent_school", "家长学校", 70, 40, "多媒体教学设备"),
            ("mediation", "婚姻家庭纠纷调解室", 30, 8, "圆桌、录音设备、独立出入口"),
            ("counselling", "家庭教育指导室", 30, 6, "沙盘、心理测评软件"),
        ],
        "items": [
            ("融智", "干部能力提升：妇联执委与巾帼骨干培训。", ["education"]),
            ("融心", "服务居民：邻里互助、关爱走访、平安走访。", ["welfare", "rights"]),
            ("融景", "美丽家园：“大手牵小手”环境整治等共建活动。", ["welfare", "children"]),
            ("融惠", "解难纾困：就业创业指导、困难家庭帮扶。", ["entrepreneurship", "welfare"]),
        ],
        "contacts": [("站长", "陈芳", "13800000003")],
        "manager": "station_manager",
    },
    {
        "village": "330109113002",
        "name": "友谊村妇女儿童驿站",
        "brand_name": "友爱同行",
        "address": "瓜沥镇友谊村党群服务中心",
        "floor_area": 200,
        "opened_on": date(2023, 9, 1),
        "introduction": "区级一星级妇女儿童驿站，设在村党群服务中心内，以“友”字品牌串起六项特色服务。",
        "positions": ["women_home", "children_home", "parent_school"],
        "rooms": [
            ("parent_school", "家长学校", 50, 40, "多媒体教学设备"),
            ("activity_room", "公益活动室", 50, 40, "音响、活动器材"),
            ("children_home", "儿童之家", 40, 25, "绘本、益智玩具"),
            ("library", "图书室", 25, 15, "图书约2000册"),
            ("science", "科普室", 20, 15, "科普展板、实验套件"),
            ("counselling", "心理咨询室", 15, 4, "沙盘、放松椅"),
        ],
        "items": [
            ("友·共建", "党建带妇建，村社共建共享。", ["education"]),
            ("友·支持", "法律与维权支持。", ["rights"]),
            ("友·温暖", "困难妇女儿童关爱。", ["welfare"]),
            ("友·关爱", "留守儿童、困境儿童关爱陪伴。", ["children"]),
            ("友·希望", "巾帼创业就业帮扶。", ["entrepreneurship"]),
            ("友·美好", "家风家教与美丽庭院。", ["education", "welfare"]),
        ],
        "contacts": [("站长", "李萍", "13800000004")],
        "manager": "station_manager_youyi",
    },
    # Further villages of the rollout (fictional).
    {
        "village": "330109113004",
        "name": "航民村妇女儿童驿站",
        "status": Status.UNDER_CONSTRUCTION,
        "floor_area": 180,
        "address": "瓜沥镇航民村村委会二楼",
    },
    {"village": "330109113017", "name": "瓜沥社区妇女儿童驿站", "status": Status.PLANNED},
]


def _station(spec, by) -> Station:
    """The station of ``spec``, created with its rooms, items, hours and contacts when it does not exist yet."""
    region = Region.all_objects.get(code=spec["village"])
    station = Station.all_objects.filter(region=region, name=spec["name"]).first()
    if station is not None:
        return station
    status = spec.get("status", Status.OPERATING)
    station = services.station_create(
        created_by=by,
        region=region,
        name=spec["name"],
        brand_name=spec.get("brand_name", ""),
        address=spec.get("address", ""),
        floor_area=spec.get("floor_area"),
        introduction=spec.get("introduction", ""),
        status=status,
        status_since=spec.get("opened_on") or date(2026, 9, 1),
        opened_on=spec.get("opened_on"),
        positions=list(PositionType.objects.filter(code__in=spec.get("positions", []))),
    )
    room_types = {t.code: t for t in RoomType.objects.all()}
    for order, (type_code, name, area, capacity, equipment) in enumerate(spec.get("rooms", []), start=1):
        services.room_create(
            station=station,
            created_by=by,
            room_type=room_types[type_code],
            name=name,
            area=area,
            capacity=capacity,
            equipment=equipment,
            sort_order=order,
        )
    lines = {line.code: line for line in ServiceLine.objects.all()}
    for order, (name, description, line_codes) in enumerate(spec.get("items", []), start=1):
        services.brand_item_create(
            station=station,
            created_by=by,
            name=name,
            description=description,
            service_lines=[lines[c] for c in line_codes],
            sort_order=order,
        )
    if status == Status.OPERATING:
        services.hours_set(station=station, intervals=WEEK, updated_by=by)
    for order, (role, name, phone) in enumerate(spec.get("contacts", []), start=1):
        services.contact_create(station=station, created_by=by, role=role, name=name, phone=phone, sort_order=order)
    return station


def _manager(username, station, by):
    """Make the demo account the station's manager, unless it already is."""
    user = User.all_objects.filter(username=username).first()
    managing = RoleMembership.all_objects.filter(
        RoleMembership.at(station), user=user, role=Role.STATION_MANAGER, is_active=True
    ).exists()
    if user is not None and not managing:
        services.station_manager_assign(station=station, user=user, assigned_by=by)


def seed_network(*, by):
    """The seed's stations, their rooms, items, hours, contacts and managers, written through the services by
    ``by`` (an admin over 瓜沥镇, whose scope is active), so the audit log has them. Safe to run again."""
    reference.load()
    for spec in STATIONS:
        station = _station(spec, by)
        if spec.get("manager"):
            _manager(spec["manager"], station, by)


def seed() -> str:
    actor = demo_actor()
    with scope_for(actor):
        seed_network(by=actor)
    return f"{len(STATIONS)} stations"
