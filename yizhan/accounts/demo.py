"""The demo's accounts: one per role, each at its place in 瓜沥镇 (fictional people and numbers).

Declared as ``AccountsConfig.demo``; runs after the regions (yizhan/core/demo.py). Idempotent."""

from yizhan.regions.models import Region

from .models import RoleMembership, User
from .roles import Role

DEMO_PASSWORD = "Guali@2026"  # noqa: S105 - the published demo password, shown by `manage.py demo_logins`
DEMO_ACTOR = "town_admin"  # who sets up the demo's stations, studio and rollout plan, through the services

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


def demo_actor() -> User:
    """瓜沥镇's admin: the apps' demos write through the services as her, in her scope, so every write is audited."""
    return User.all_objects.get(username=DEMO_ACTOR)


def seed() -> str:
    for username, name, role, place, mobile in DEMO_USERS:
        user = User.all_objects.filter(username=username).first()
        if user is None:
            user = User(username=username, name=name, mobile=mobile)
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleMembership.all_objects.get_or_create(user=user, role=role, region=Region.all_objects.get(code=place))
    return f"{len(DEMO_USERS)} demo accounts (password {DEMO_PASSWORD}; see `manage.py demo_logins`)"
