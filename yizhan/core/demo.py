"""The 瓜沥镇 demo: real region codes down to the town, fictional villages' codes and fictional people."""

from typing import TypedDict

from django.db import transaction

from yizhan.accounts.models import Role, RoleMembership, User
from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region
from yizhan.stations.demo import seed_network

DEMO_PASSWORD = "Guali@2026"

TREE = [
    ("33", "浙江省", Region.Level.PROVINCE),
    ("3301", "杭州市", Region.Level.CITY),
    ("330109", "萧山区", Region.Level.COUNTY),
    ("330109113", "瓜沥镇", Region.Level.TOWN),
]

# Villages and communities of 瓜沥镇 (codes under 330109113; names as used in the demo).
VILLAGES = [
    ("330109113001", "隆园社区"),
    ("330109113002", "友谊村"),
    ("330109113003", "东灵社区"),
    ("330109113004", "航民村"),
    ("330109113005", "山北村"),
    ("330109113006", "沿塘村"),
    ("330109113007", "长巷村"),
    ("330109113008", "八里桥村"),
    ("330109113009", "运西村"),
    ("330109113010", "党山村"),
    ("330109113011", "新港村"),
    ("330109113012", "明朗村"),
    ("330109113013", "梅林村"),
    ("330109113014", "前进村"),
    ("330109113015", "塘头村"),
    ("330109113016", "友联村"),
    ("330109113017", "瓜沥社区"),
    ("330109113018", "七彩社区"),
]

# username, name, role, place code, mobile (fictional)
DEMO_USERS = [
    ("district_admin", "沈慧", Role.FEDERATION_ADMIN, "330109", "13800000001"),
    ("town_admin", "王丽", Role.FEDERATION_ADMIN, "330109113", "13800000002"),
    ("station_manager", "陈芳", Role.STATION_MANAGER, "330109113001", "13800000003"),
    ("station_manager_youyi", "李萍", Role.STATION_MANAGER, "330109113002", "13800000004"),
    ("mediator", "张敏", Role.MEDIATOR, "330109113003", "13800000005"),
    ("advisor", "刘律", Role.ADVISOR, "330109113003", "13800000006"),
    ("volunteer", "赵红", Role.VOLUNTEER, "330109113002", "13800000007"),
    ("social_worker_dongling", "周晓", Role.ADVISOR, "330109113003", "13800000011"),
    ("counsellor_dongling", "吴静", Role.ADVISOR, "330109113003", "13800000012"),
    ("court_liaison_dongling", "钱峰", Role.ADVISOR, "330109113003", "13800000013"),
]


class DemoSummary(TypedDict):
    villages: int


def seed_demo(*, only_if_empty: bool = False) -> DemoSummary | None:
    with scopes_disabled(), transaction.atomic():
        if only_if_empty and User.all_objects.exists():
            return None
        regions: dict[str, Region] = {}
        parent: Region | None = None
        for code, name, level in TREE:
            region, _ = Region.all_objects.update_or_create(
                code=code, defaults={"name": name, "level": level, "parent": parent}
            )
            regions[code] = parent = region
        town = regions["330109113"]
        for code, name in VILLAGES:
            regions[code], _ = Region.all_objects.update_or_create(
                code=code, defaults={"name": name, "level": Region.Level.VILLAGE, "parent": town}
            )
        for username, name, role, place, mobile in DEMO_USERS:
            user = User.all_objects.filter(username=username).first()
            if user is None:
                user = User(username=username, name=name, mobile=mobile)
                user.set_password(DEMO_PASSWORD)
                user.save()
            RoleMembership.all_objects.get_or_create(user=user, role=role, region=regions[place])
        seed_network()
        from yizhan.people.demo import seed_people

        seed_people()
    return {"villages": len(VILLAGES)}
