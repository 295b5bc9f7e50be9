"""Demo residents of 瓜沥镇 (all fictional): households with children, target groups, consents, visit plans,
visits done and overdue. ``seed()`` is declared as ``PeopleConfig.demo`` (yizhan/core/demo.py); idempotent."""

import random
from datetime import timedelta

from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.regions.models import Region

from . import services
from .models import Person, TargetGroup
from .validators import make_resident_id

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
FEMALE = [
    "丽",
    "芳",
    "敏",
    "静",
    "婷",
    "秀英",
    "桂英",
    "玉兰",
    "美华",
    "晓燕",
    "海燕",
    "雪梅",
    "佳怡",
    "欣怡",
    "雨涵",
    "梓涵",
    "诗琪",
    "慧",
    "萍",
    "红",
]
MALE = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "建国", "国平", "浩然", "子轩", "宇航", "俊杰", "志强"]
DEMO_VILLAGES = ["330109113001", "330109113002", "330109113003", "330109113004", "330109113005", "330109113006"]
PLANS = [
    ("困境儿童每月关爱走访", "children_in_difficulty", 30, "care"),
    ("留守儿童每月平安走访", "left_behind_children", 30, "safety"),
    ("单亲母亲季度走访", "single_mothers", 91, "care"),
    ("空巢老年妇女双月走访", "empty_nest_elderly_women", 61, "care"),
    ("困难妇女季度走访", "women_in_hardship", 91, "care"),
]
FINDINGS = [
    "家中整洁，生活基本正常",
    "孩子学习压力大，需要家庭教育指导",
    "经济困难，希望得到就业帮扶",
    "老人独居，腿脚不便，需定期上门",
    "与前夫就抚养费有争议，需要法律咨询",
    "情绪低落，建议心理疏导",
]
NEEDS = [
    ("family_education", "希望参加家长学校"),
    ("entrepreneurship", "想学电商创业"),
    ("legal", "抚养费纠纷"),
    ("counselling", "心理疏导"),
    ("daily_life", "需要助餐服务"),
    ("financial", "申请临时救助"),
]


def _address(village: Region, house: int) -> str:
    return f"浙江省杭州市萧山区瓜沥镇{village.name}{house // 10 + 1}组{house}号"


class _Maker:
    def __init__(self, rng: random.Random, creator):
        self.rng = rng
        self.creator = creator
        self.sequence = 0
        self.mobiles = set()

    def mobile(self) -> str:
        while True:
            value = f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99999999):08d}"
            if value not in self.mobiles:
                self.mobiles.add(value)
                return value

    def person(self, village: Region, *, gender: str, age: int, house: int, mobile=True, surname=None) -> Person:
        self.sequence += 1
        today = timezone.localdate()
        born = today - timedelta(days=age * 365 + self.rng.randint(0, 360))
        sequence = (self.sequence * 2 + (1 if gender == "male" else 0)) % 1000
        name = (surname or self.rng.choice(SURNAMES)) + self.rng.choice(FEMALE if gender == "female" else MALE)
        while Person.all_objects.filter(name=name, birth_date=born, region=village).exists():
            born -= timedelta(days=1)
        return services.person_create(
            created_by=self.creator,
            region=village,
            name=name,
            gender=gender,
            birth_date=born,
            id_number=make_resident_id("330109", born, sequence),
            mobile=self.mobile() if mobile else "",
            address=_address(village, house),
            residency=self.rng.choice(["resident"] * 4 + ["temporary"]),
        )


def _consent(person, creator, guardian=None, purposes=("contact", "care")):
    for purpose in purposes:
        services.consent_record(
            recorded_by=creator,
            person=person,
            purpose=purpose,
            separate=purpose == "care" or guardian is not None,
            data_scope="驿站服务联系与重点人群关爱走访" if purpose == "care" else "活动通知与服务联系",
            given_by="guardian" if guardian else "self",
            guardian=guardian,
            given_on=timezone.localdate() - timedelta(days=300),
        )


def _seed_house(maker: _Maker, rng: random.Random, creator, village: Region, house: int, members: list) -> int:
    """One demo household of a shape that repeats every 7 houses; returns how many people it adds."""
    created = 0
    shape = house % 7
    surname = rng.choice(SURNAMES)
    if shape in (0, 1, 2):  # couple with one or two children
        husband = maker.person(village, gender="male", age=rng.randint(30, 45), house=house, surname=surname)
        wife = maker.person(village, gender="female", age=rng.randint(28, 43), house=house)
        children = [
            maker.person(
                village,
                gender=rng.choice(["female", "male"]),
                age=rng.randint(2, 15),
                house=house,
                mobile=False,
                surname=surname,
            )
            for _ in range(rng.randint(1, 2))
        ]
        household = services.household_create(
            created_by=creator,
            name=f"{husband.name}家",
            region=village,
            address=_address(village, house),
            members=[husband, wife, *children],
        )
        services.relation_add(created_by=creator, person=wife, relative=husband, kind="spouse")
        for child in children:
            services.relation_add(created_by=creator, person=wife, relative=child, kind="parent")
            services.relation_add(created_by=creator, person=husband, relative=child, kind="parent")
        _consent(wife, creator)
        _consent(husband, creator, purposes=("contact",))
        if shape == 2:
            members.append((wife, "women_in_hardship"))
        created += 2 + len(children)
        del household
    elif shape in (3, 4):  # single mother with children (困境儿童 sometimes)
        mother = maker.person(village, gender="female", age=rng.randint(27, 45), house=house)
        children = [
            maker.person(
                village,
                gender=rng.choice(["female", "male"]),
                age=rng.randint(3, 13),
                house=house,
                mobile=False,
            )
            for _ in range(rng.randint(1, 2))
        ]
        services.household_create(
            created_by=creator,
            name=f"{mother.name}家",
            region=village,
            address=_address(village, house),
            members=[mother, *children],
        )
        _consent(mother, creator)
        members.append((mother, "single_mothers"))
        for child in children:
            services.relation_add(created_by=creator, person=mother, relative=child, kind="parent")
            _consent(child, creator, guardian=mother, purposes=("care",))
            if shape == 3:
                members.append((child, "children_in_difficulty"))
        created += 1 + len(children)
    elif shape == 5:  # left-behind child with grandmother as guardian
        grandmother = maker.person(village, gender="female", age=rng.randint(60, 72), house=house, surname=surname)
        child = maker.person(
            village,
            gender=rng.choice(["female", "male"]),
            age=rng.randint(5, 12),
            house=house,
            mobile=False,
            surname=surname,
        )
        services.household_create(
            created_by=creator,
            name=f"{grandmother.name}家",
            region=village,
            address=_address(village, house),
            members=[grandmother, child],
        )
        services.relation_add(
            created_by=creator, person=grandmother, relative=child, kind="guardian", note="祖母（父母在外务工）"
        )
        _consent(grandmother, creator)
        _consent(child, creator, guardian=grandmother, purposes=("care",))
        members.append((child, "left_behind_children"))
        created += 2
    else:  # empty-nest elderly woman
        woman = maker.person(village, gender="female", age=rng.randint(65, 85), house=house)
        _consent(woman, creator)
        members.append((woman, "empty_nest_elderly_women"))
        created += 1
    return created


def _seed_groups_and_visits(rng: random.Random, creator, groups: dict, members: list) -> None:
    """Group memberships for the demo's target groups; two in three members visited recently, the rest overdue."""
    today = timezone.localdate()
    staff = {m.region.code: m.user for m in User.all_objects.get(username="station_manager").active_memberships()}
    staff.update(
        {m.region.code: m.user for m in User.all_objects.get(username="station_manager_youyi").active_memberships()}
    )
    for index, (person, code) in enumerate(members):
        start = today - timedelta(days=rng.randint(100, 300))
        services.group_add(recorded_by=creator, person=person, group=groups[code], start_date=start)
        visitor = staff.get(person.region.code, creator)
        if index % 3 != 0:  # two in three visited recently; the rest are overdue
            visit_day = today - timedelta(days=rng.randint(1, 25))
            finding, need = rng.choice(FINDINGS), rng.choice(NEEDS)
            actions = []
            if index % 5 == 1:  # some follow-up actions already overdue
                actions = [
                    (
                        "电话回访并对接相关服务",
                        visitor,
                        visit_day + timedelta(days=rng.randint(0, max(0, (today - visit_day).days - 1))),
                    )
                ]
            elif index % 5 == 2:
                actions = [("联系社工上门", visitor, today + timedelta(days=rng.randint(3, 20)))]
            services.visit_record(
                created_by=visitor,
                person=person,
                visit_date=visit_day,
                kind="safety" if code == "left_behind_children" else "care",
                visitors=[visitor],
                place="家中",
                findings=finding,
                needs=[need],
                actions=actions,
            )


def seed_people() -> int:
    """Add the demo residents once; returns how many were created (0 when they exist already)."""
    if Person.all_objects.filter(region__code__in=DEMO_VILLAGES).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    creator = User.all_objects.filter(username="town_admin").first()
    groups = {g.code: g for g in TargetGroup.objects.all()}
    town = Region.all_objects.get(code="330109113")
    for name, code, interval, kind in PLANS:
        services.visit_plan_create(
            created_by=creator, name=name, group=groups[code], region=town, interval_days=interval, kind=kind
        )
    maker = _Maker(rng, creator)
    members: list = []  # (person, group code)
    created = 0
    for code in DEMO_VILLAGES:
        village = Region.all_objects.get(code=code)
        for house in range(1, 21):
            created += _seed_house(maker, rng, creator, village, house, members)
    _seed_groups_and_visits(rng, creator, groups, members)
    return created


def seed() -> str:
    created = seed_people()
    return f"{created} residents" if created else None
