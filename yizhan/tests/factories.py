"""Factories for tests. Build with ``scopes_disabled()`` active (the ``world``/``unscoped`` fixtures do)."""

from dataclasses import dataclass, field

import factory

from yizhan.accounts.models import Role, RoleMembership, User
from yizhan.regions.models import Region

PASSWORD = "Test@Pass2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"330109113{n + 100:03d}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    level = Region.Level.VILLAGE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user: User, role: str, region: Region) -> RoleMembership:
    membership = RoleMembership.all_objects.create(user=user, role=role, region=region)
    user.__dict__.pop("_memberships_cache", None)
    user.__dict__.pop("_yizhan_scope", None)
    return membership


def user_with_role(role: str, region: Region, **kwargs) -> User:
    user = UserFactory(**kwargs)
    grant(user, role, region)
    return user


@dataclass
class World:
    regions: dict[str, Region] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def build_world() -> World:
    w = World()
    tree = [
        ("33", "浙江省", Region.Level.PROVINCE, None),
        ("3301", "杭州市", Region.Level.CITY, "33"),
        ("330109", "萧山区", Region.Level.COUNTY, "3301"),
        ("330109113", "瓜沥镇", Region.Level.TOWN, "330109"),
        ("330109113001", "隆园社区", Region.Level.VILLAGE, "330109113"),
        ("330109113002", "友谊村", Region.Level.VILLAGE, "330109113"),
        ("330109113003", "东灵社区", Region.Level.VILLAGE, "330109113"),
        ("330109114", "党湾镇", Region.Level.TOWN, "330109"),
        ("330109114001", "梅西村", Region.Level.VILLAGE, "330109114"),
    ]
    for code, name, level, parent in tree:
        w.regions[code], _ = Region.all_objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": w.regions[parent] if parent else None}
        )
    r = w.regions
    for key, role, code in [
        ("district_admin", Role.FEDERATION_ADMIN, "330109"),
        ("town_admin", Role.FEDERATION_ADMIN, "330109113"),
        ("other_town_admin", Role.FEDERATION_ADMIN, "330109114"),
        ("station_manager", Role.STATION_MANAGER, "330109113001"),
        ("other_station_manager", Role.STATION_MANAGER, "330109114001"),
        ("mediator", Role.MEDIATOR, "330109113003"),
        ("advisor", Role.ADVISOR, "330109113003"),
        ("volunteer", Role.VOLUNTEER, "330109113002"),
    ]:
        w.users[key] = user_with_role(role, r[code], username=key)
    return w


# Roles the permission matrix runs through, in order. "anonymous" means not logged in.
MATRIX_ROLES = [
    "anonymous",
    "district_admin",
    "town_admin",
    "other_town_admin",
    "station_manager",
    "other_station_manager",
    "mediator",
    "advisor",
    "volunteer",
]

# Expected statuses shared by permission-matrix rows.
ADMINS_OK = {"district_admin": 200, "town_admin": 200, "other_town_admin": 200}
NON_ADMINS_403 = {
    "station_manager": 403,
    "other_station_manager": 403,
    "mediator": 403,
    "advisor": 403,
    "volunteer": 403,
}


def known_bug(status: int, reason: str):
    """In a matrix row: the status a role *should* get where the code gets it wrong today. The case is a strict
    expected failure: it fails the run once the bug is fixed (then write the plain status again)."""
    import pytest

    return pytest.param(status, marks=pytest.mark.xfail(strict=True, reason=f"permission bug: {reason}"))


# --- stations and studios (yizhan.stations, yizhan.mediation) ------------------------------------------------


def make_station(region: Region, **kwargs):
    """An operating, public station in a village (pass status=… etc. to change)."""
    from yizhan.stations.models import Station, Status

    kwargs.setdefault("name", f"{region.name}妇女儿童驿站")
    kwargs.setdefault("status", Status.OPERATING)
    return Station.all_objects.create(region=region, **kwargs)


def make_studio(region: Region, **kwargs):
    from yizhan.mediation.models import Studio
    from yizhan.stations.models import Status

    kwargs.setdefault("name", f"{region.name}婚姻家庭纠纷调解工作室")
    kwargs.setdefault("status", Status.OPERATING)
    return Studio.all_objects.create(region=region, **kwargs)


def attach_place(user: User, *, station=None, studio=None) -> None:
    """Link the user's memberships at the place's village to a station or studio (their place scope)."""
    place = station or studio
    memberships = RoleMembership.all_objects.filter(user=user, region=place.region)
    memberships.update(place_kind="station" if station else "studio", place_id=place.pk)
    user.__dict__.pop("_memberships_cache", None)
    user.__dict__.pop("_yizhan_scope", None)


# --- people (yizhan/people) ---------------------------------------------------------------------------------------


def _birth_date(n: int):
    import datetime

    return datetime.date(1980, 1, 1) + datetime.timedelta(days=n)


def valid_id_number(born, sequence: int, region6: str = "330109") -> str:
    from yizhan.people.validators import make_resident_id

    return make_resident_id(region6, born, sequence)


class PersonFactory(factory.django.DjangoModelFactory):
    """A resident with a valid-checksum ID number and a mobile number (build inside scopes_disabled())."""

    class Meta:
        model = "people.Person"

    name = factory.Sequence(lambda n: f"居民{n}")
    gender = "female"
    birth_date = factory.Sequence(lambda n: _birth_date(n))
    id_number = factory.LazyAttributeSequence(lambda o, n: valid_id_number(o.birth_date, n % 1000))
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    address = factory.Sequence(lambda n: f"浙江省杭州市萧山区瓜沥镇隆园社区{n}号")
    region = factory.LazyFunction(lambda: Region.all_objects.get(code="330109113001"))


def consent_for_care(person, **kwargs):
    from yizhan.people.models import Consent

    return Consent.all_objects.create(
        person=person, purpose="care", data_scope="重点人群关爱走访", separate=True, **kwargs
    )
