"""The scale data generator (``manage.py generate_scale_data``) with tiny numbers, on top of the test world."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from yizhan.audit.models import AuditLog
from yizhan.core.crypto import blind_index
from yizhan.insights.models import CoveragePlan, Rollup
from yizhan.insights.scale import DEFAULT_DIVISIONS
from yizhan.mediation.models import Case, Studio
from yizhan.people.models import Person, ScheduledVisit, TargetGroupMembership, Visit, VisitPlan
from yizhan.people.validators import validate_resident_id
from yizhan.regions.models import Region
from yizhan.stations.models import Station

pytestmark = pytest.mark.skipif(
    not (DEFAULT_DIVISIONS / "streets.csv").exists(), reason="needs the shared division data"
)

TINY = [
    "--province=330109",
    "--towns=2",
    "--villages-per-town=3",
    "--people=30",
    "--visits=10",
    "--audit=50",
    "--studios=2",
    "--cases=3",
    "--activities=4",
    "--seed=7",
]


def generate() -> str:
    out = StringIO()
    call_command("generate_scale_data", *TINY, stdout=out)
    return out.getvalue()


def test_generates_the_data_set_through_the_models(world, unscoped):
    audit_before = AuditLog.all_objects.count()
    generate()
    towns = Region.all_objects.filter(level=Region.Level.TOWN, code__startswith="330109")
    assert towns.count() >= 27  # 萧山区's real towns, imported from the shared data (and the world's own)
    villages = Region.all_objects.filter(code__regex=r"^33010900[12]\d{3}$")
    assert villages.count() == 6
    assert all(v.name.endswith(("村", "社区")) for v in villages)
    assert Station.all_objects.filter(region__in=villages).count() == 6
    assert Studio.all_objects.filter(region__in=villages).count() == 2
    assert Case.all_objects.filter(studio__region__in=villages).count() == 3
    assert VisitPlan.all_objects.filter(region__in=towns).exists()
    assert CoveragePlan.all_objects.filter(region__in=villages).exists()

    people = Person.all_objects.filter(region__in=villages)
    assert people.count() == 30
    person = people.order_by("pk").first()
    validate_resident_id(person.id_number)  # a valid checksum, decrypted from the database
    assert person.id_number.startswith("330109")
    assert Person.all_objects.get(id_number_index=blind_index("id_number", person.id_number)) == person
    with_mobile = people.exclude(mobile_index="").first()
    assert Person.all_objects.get(mobile_index=blind_index("mobile", with_mobile.mobile)) == with_mobile
    assert with_mobile.mobile_hint == f"{with_mobile.mobile[:3]}****{with_mobile.mobile[-4:]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM people_person WHERE id = %s", [person.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:")
    assert person.id_number not in stored

    assert TargetGroupMembership.all_objects.filter(person__in=people).exists()
    assert Visit.all_objects.filter(person__in=people).count() <= 10
    assert ScheduledVisit.all_objects.filter(person__in=people).exists()
    # 瓜沥镇 (it has villages) is left as it was
    assert not Region.all_objects.filter(code__startswith="330109113", code__gt="330109113100").exists()
    assert AuditLog.all_objects.count() - audit_before == 50 + 1  # the rows asked for, and the region import's
    # the stations were bulk-created: the coverage rollups followed all the same (the district's villages and stations)
    district = Rollup.all_objects.filter(region__code="330109", period="")
    figures = dict(district.values_list("key", "value"))
    assert figures["coverage.villages"] == Region.all_objects.filter(code__startswith="330109", level=5).count()
    operating = Station.all_objects.filter(region__code__startswith="330109", status="operating", region__level=5)
    assert figures["coverage.operating"] == operating.values("region").distinct().count()


def test_a_second_run_adds_nothing(world, unscoped):
    generate()
    counts = (Region.all_objects.count(), Person.all_objects.count(), Station.all_objects.count())
    assert "nothing generated" in generate()
    assert (Region.all_objects.count(), Person.all_objects.count(), Station.all_objects.count()) == counts
