import os

from django.core.management import call_command

from yizhan.accounts.models import RoleMembership
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations.models import BrandItem, Contact, OpeningInterval, Room, Station


def test_demo_has_the_seed_places(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # idempotent
    with scopes_disabled():
        longyuan = Station.objects.get(brand_name="四融驿站")
        youyi = Station.objects.get(brand_name="友爱同行")
        assert longyuan.region.name == "隆园社区"
        assert longyuan.floor_area == 300
        assert youyi.region.name == "友谊村"
        assert youyi.floor_area == 200
        assert "党群服务中心" in youyi.address
        assert sorted(p.name_zh for p in longyuan.positions.all()) == sorted(
            ["妇女之家", "儿童之家", "家长学校", "婚姻家庭纠纷调解站", "家庭教育指导服务站"]
        )
        assert [i.name for i in BrandItem.objects.filter(station=longyuan)] == ["融智", "融心", "融景", "融惠"]
        assert [i.name for i in BrandItem.objects.filter(station=youyi)] == [
            "友·共建",
            "友·支持",
            "友·温暖",
            "友·关爱",
            "友·希望",
            "友·美好",
        ]
        assert [r.room_type.name_zh for r in Room.objects.filter(station=youyi)] == [
            "家长学校",
            "公益活动室",
            "儿童之家",
            "图书室",
            "科普室",
            "心理咨询室",
        ]
        manager = RoleMembership.objects.get(user__username="station_manager")
        assert manager.place_ids() == [("station", longyuan.pk)]
        assert RoleMembership.objects.get(user__username="station_manager_youyi").place_ids() == [("station", youyi.pk)]
        user = manager.user
    with scope_for(user):
        assert list(Station.objects.values_list("pk", flat=True)) == [longyuan.pk]


def test_demo_stations_are_written_through_the_services_and_audited(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        longyuan = Station.objects.get(brand_name="四融驿站")
        rows = AuditLog.objects.filter(target_type="stations.station", target_id=str(longyuan.pk))
        created = rows.get(action="create")
        assert created.actor.username == "town_admin"
        assert created.region_code == "330109113001"
        assert rows.filter(action="update", changes__has_key="hours").count() == 1
        audited = set(AuditLog.objects.filter(action="create").values_list("target_type", flat=True))
        assert {"stations.room", "stations.branditem", "stations.contact"} <= audited
        assigned = AuditLog.objects.get(
            target_type="accounts.rolemembership",
            changes__has_key="place_id",
            target_id=str(RoleMembership.objects.get(user__username="station_manager").pk),
        )
        assert assigned.changes["place_id"] == [None, longyuan.pk]
        assert assigned.changes["place_kind"] == ["", "station"]
        assert [(c.role, c.name, c.phone) for c in Contact.objects.filter(station=longyuan)] == [
            ("站长", "陈芳", "13800000003")
        ]
        assert OpeningInterval.objects.filter(station=longyuan).count() == 11
