"""Objects the people tests and the permission matrix share (created once per test world)."""

from datetime import date, timedelta

from django.utils import timezone

from yizhan.core.masking import mask
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import (
    Consent,
    Household,
    ImportBatch,
    Person,
    TargetGroup,
    TargetGroupMembership,
    Visit,
)
from yizhan.people.validators import make_resident_id


def longyuan_person(w):
    """A resident of 隆园社区 (瓜沥镇) with a household, a consent and a visit."""
    cached = getattr(w, "_people_person", None)
    if cached is not None:
        return cached
    from yizhan.tests.factories import PersonFactory

    with scopes_disabled():
        region = w.regions["330109113001"]
        household = Household.all_objects.create(name="王家", region=region, address="隆园社区3幢")
        person = PersonFactory(
            name="王小红",
            region=region,
            birth_date=date(1985, 3, 8),
            id_number=make_resident_id("330109", date(1985, 3, 8), 123),
            mobile="13912345678",
            household=household,
        )
        Consent.all_objects.create(person=person, purpose="care", data_scope="关爱走访", separate=True)
        visit = Visit.all_objects.create(
            person=person, visit_date=timezone.localdate() - timedelta(days=3), findings="家中一切正常"
        )
    w._people_person, w._people_visit = person, visit
    return person


def longyuan_consent(w):
    with scopes_disabled():
        return Consent.all_objects.get(person=longyuan_person(w))


def longyuan_visit(w):
    longyuan_person(w)
    return w._people_visit


def import_batch_of(w, user_key="station_manager"):
    with scopes_disabled():
        return ImportBatch.all_objects.create(
            created_by=w.users[user_key], file_name="a.xlsx", file_hash="0" * 64, payload="[]"
        )


def bulk_people(world, count):
    """``count`` residents of 隆园社区 made in bulk, every third in the single mothers group."""
    region = world.regions["330109113001"]
    group = TargetGroup.objects.get(code="single_mothers")
    people = []
    for n in range(count):
        born = date(1970, 1, 1) + timedelta(days=n * 7)
        p = Person(
            name=f"居民{n}",
            birth_date=born,
            region=region,
            id_number=make_resident_id("330109", born, n % 1000),
            mobile=f"136{n:08d}",
        )
        p.mobile_hint = mask("mobile", p.mobile)
        people.append(p)
    with scopes_disabled():
        Person.all_objects.bulk_create(people, batch_size=500)
        TargetGroupMembership.all_objects.bulk_create(
            [TargetGroupMembership(person=p, group=group) for p in people[::3]]
        )
