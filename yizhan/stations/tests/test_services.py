from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from yizhan.accounts.models import Role
from yizhan.audit.models import AuditLog
from yizhan.core.images import MAX_BYTES
from yizhan.core.scoping import scope_for, scope_for_user, scopes_disabled
from yizhan.stations import services
from yizhan.stations.models import (
    BrandItem,
    HoursException,
    OpeningInterval,
    Photo,
    PositionType,
    Room,
    RoomType,
    ServiceLine,
    Station,
    Status,
)
from yizhan.stations.tests.network import build_network, png_bytes
from yizhan.tests.factories import user_with_role


@pytest.fixture
def net(world):
    return build_network(world)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language); the Chinese catalogue is tested on pages."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _lines(*codes):
    return list(ServiceLine.objects.filter(code__in=codes))


# --- stations ---------------------------------------------------------------------------------------------


def test_town_admin_creates_station_with_positions_and_audit(world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        station = services.station_create(
            created_by=admin,
            region=world.regions["330109113003"],
            name=" 东灵社区妇女儿童驿站 ",
            floor_area=150,
            status=Status.OPERATING,
            positions=list(PositionType.objects.filter(code__in=["women_home", "children_home"])),
        )
    assert station.name == "东灵社区妇女儿童驿站"
    assert station.opened_on is not None  # operating since today
    assert sorted(p.code for p in station.positions.all()) == ["children_home", "women_home"]
    row = AuditLog.all_objects.get(target_type="stations.station", target_id=str(station.pk))
    assert row.action == "create"
    assert row.region_code == "330109113003"


def test_admin_of_another_town_cannot_create_station(world):
    admin = world.users["other_town_admin"]
    with scope_for(admin), pytest.raises(PermissionDenied):
        services.station_create(created_by=admin, region=world.regions["330109113003"], name="驿站")
    with scopes_disabled():
        assert not Station.all_objects.exists()


def test_station_must_be_in_a_village(world):
    admin = world.users["district_admin"]
    with scope_for(admin), pytest.raises(ValidationError) as exc:
        services.station_create(created_by=admin, region=world.regions["330109113"], name="镇驿站")
    assert "region" in exc.value.message_dict


def test_negative_floor_area_is_refused(world):
    admin = world.users["town_admin"]
    with scope_for(admin), pytest.raises(ValidationError) as exc:
        services.station_create(created_by=admin, region=world.regions["330109113003"], name="驿站", floor_area=-5)
    assert "floor_area" in exc.value.message_dict
    with scopes_disabled():
        assert not Station.all_objects.exists()


def test_duplicate_station_name_in_village_is_a_clear_error(net, world):
    admin = world.users["town_admin"]
    with scope_for(admin), pytest.raises(ValidationError) as exc:
        services.station_create(created_by=admin, region=world.regions["330109113001"], name=net.station.name)
    assert "name" in exc.value.message_dict


def test_manager_edits_profile_and_version_moves(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        station = Station.objects.get(pk=net.station.pk)
        services.station_update(
            station=station,
            updated_by=manager,
            version=station.version,
            brand_name="四融驿站（新）",
            floor_area=320,
            positions=list(PositionType.objects.filter(code="parent_school")),
        )
    with scopes_disabled():
        station.refresh_from_db()
        assert station.version == 2
        assert station.brand_name == "四融驿站（新）"
        assert station.floor_area == 320
        row = AuditLog.all_objects.filter(target_type="stations.station", action="update").get()
    assert row.changes["brand_name"] == ["四融驿站", "四融驿站（新）"]
    assert row.changes["positions"] == [[], ["parent_school"]]


@pytest.mark.parametrize(
    "change",
    [{"status": Status.SUSPENDED}, {"region": "330109113002"}, {"opened_on": date(2020, 1, 1)}],
)
def test_manager_cannot_move_station_or_change_status(net, world, change):
    manager = world.users["station_manager"]
    if "region" in change:
        change = {"region": world.regions[change["region"]]}
    with scope_for(manager):
        station = Station.objects.get(pk=net.station.pk)
        with pytest.raises(PermissionDenied):
            services.station_update(station=station, updated_by=manager, version=1, **change)
    with scopes_disabled():
        station.refresh_from_db()
    assert station.status == Status.OPERATING
    assert station.region_id == world.regions["330109113001"].pk
    assert station.version == 1


def test_admin_changes_status_and_status_date(net, world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        station = Station.objects.get(pk=net.station.pk)
        services.station_update(station=station, updated_by=admin, version=1, status=Status.SUSPENDED)
    from django.utils import timezone

    assert station.status == Status.SUSPENDED
    assert station.status_since == timezone.localdate()


def test_stale_version_saves_nothing(net, world):
    manager, admin = world.users["station_manager"], world.users["town_admin"]
    with scope_for(admin):
        theirs = Station.objects.get(pk=net.station.pk)
    with scope_for(manager):
        mine = Station.objects.get(pk=net.station.pk)
    with scope_for(admin):
        services.station_update(station=theirs, updated_by=admin, version=1, address="新地址")
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.station_update(station=mine, updated_by=manager, version=1, brand_name="我的改动")
    assert "version" in exc.value.message_dict
    with scopes_disabled():
        fresh = Station.all_objects.get(pk=net.station.pk)
    assert fresh.address == "新地址"
    assert fresh.brand_name == "四融驿站"
    assert fresh.version == 2


def test_other_manager_cannot_edit(net, world):
    other = world.users["other_station_manager"]
    with scope_for(other), pytest.raises(PermissionDenied):
        services.station_update(station=net.station, updated_by=other, version=1, name="x")


def test_manager_assign_links_membership_to_station(net, world):
    admin = world.users["town_admin"]
    new_manager = user_with_role(Role.STATION_MANAGER, world.regions["330109113001"], username="newsm")
    assert scope_for_user(new_manager).place_ids("station") == frozenset()
    with scope_for(admin):
        services.station_manager_assign(station=net.station, user=new_manager, assigned_by=admin)
    new_manager.__dict__.pop("_memberships_cache", None)
    new_manager.__dict__.pop("_yizhan_scope", None)
    assert scope_for_user(new_manager).place_ids("station") == frozenset({net.station.pk})


# --- opening hours ----------------------------------------------------------------------------------------


def test_hours_replace_week(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.hours_set(
            station=net.station,
            updated_by=manager,
            intervals=[(0, time(14), time(17)), (0, time(8, 30), time(11, 30)), (5, time(9), time(11))],
        )
    with scopes_disabled():
        rows = [(i.weekday, i.opens, i.closes) for i in OpeningInterval.all_objects.filter(station=net.station)]
    assert rows == [(0, time(8, 30), time(11, 30)), (0, time(14), time(17)), (5, time(9), time(11))]


@pytest.mark.parametrize(
    ("intervals", "fragment"),
    [
        ([(0, time(8), time(12)), (0, time(11), time(14))], "overlap"),
        ([(1, time(12), time(9))], "after the opening time"),
        ([(2, time(9), time(9))], "after the opening time"),
        ([(3, time(9), None)], "both"),
        ([(9, time(9), time(10))], "Unknown weekday"),
    ],
)
def test_bad_hours_are_refused_and_change_nothing(net, world, intervals, fragment):
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.hours_set(station=net.station, updated_by=manager, intervals=intervals)
    assert fragment in " ".join(exc.value.messages)
    with scopes_disabled():
        assert OpeningInterval.all_objects.filter(station=net.station).count() == 1  # the network's Monday


def test_adjacent_intervals_are_fine(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.hours_set(
            station=net.station, updated_by=manager, intervals=[(0, time(8), time(12)), (0, time(12), time(14))]
        )


def test_hours_exceptions(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        services.hours_exception_set(station=net.station, updated_by=manager, date=date(2026, 10, 1), note="国庆")
        services.hours_exception_set(
            station=net.station,
            updated_by=manager,
            date=date(2026, 10, 1),
            is_closed=False,
            opens=time(9),
            closes=time(11),
        )
        with pytest.raises(ValidationError):
            services.hours_exception_set(
                station=net.station,
                updated_by=manager,
                date=date(2026, 10, 2),
                is_closed=False,
                opens=time(11),
                closes=time(9),
            )
        with pytest.raises(ValidationError):
            services.hours_exception_set(
                station=net.station, updated_by=manager, date=date(2026, 10, 3), is_closed=False
            )
    with scopes_disabled():
        exception = HoursException.all_objects.get()
    assert not exception.is_closed
    assert exception.opens == time(9)


# --- rooms and brand items --------------------------------------------------------------------------------


def test_room_create_update_delete(net, world):
    manager = world.users["station_manager"]
    library = RoomType.objects.get(code="library")
    with scope_for(manager):
        room = services.room_create(station=net.station, created_by=manager, room_type=library, name="图书室", area=25)
        services.room_update(room=room, updated_by=manager, version=1, capacity=12)
        with pytest.raises(ValidationError) as exc:
            services.room_update(room=room, updated_by=manager, version=2, area=-1)
        assert "area" in exc.value.message_dict
        room_pk = room.pk
        services.room_delete(room=room, deleted_by=manager)
    with scopes_disabled():
        assert not Room.all_objects.filter(pk=room_pk).exists()
        actions = list(
            AuditLog.all_objects.filter(target_type="stations.room", target_id=str(room_pk)).values_list(
                "action", flat=True
            )
        )
    assert sorted(actions) == ["create", "delete", "update"]


def test_negative_room_area_refused(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError):
        services.room_create(
            station=net.station,
            created_by=manager,
            room_type=RoomType.objects.first(),
            name="室",
            area=-10,
        )


def test_brand_item_needs_a_service_line_and_unique_name(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        with pytest.raises(ValidationError) as exc:
            services.brand_item_create(station=net.station, created_by=manager, name="融心", service_lines=[])
        assert "service_lines" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.brand_item_create(
                station=net.station, created_by=manager, name="融智", service_lines=_lines("education")
            )
        assert "name" in exc.value.message_dict
        item = services.brand_item_create(
            station=net.station, created_by=manager, name="融心", service_lines=_lines("welfare", "rights")
        )
        services.brand_item_update(
            item=item, updated_by=manager, version=1, is_active=False, service_lines=_lines("rights")
        )
    with scopes_disabled():
        item = BrandItem.all_objects.get(pk=item.pk)
        assert not item.is_active
        assert [sl.code for sl in item.service_lines.all()] == ["rights"]


def test_same_brand_item_name_at_two_stations_is_fine(net, world):
    manager = world.users["other_station_manager"]
    with scope_for(manager):
        services.brand_item_create(
            station=net.other_station, created_by=manager, name="融智", service_lines=_lines("education")
        )


# --- photos -----------------------------------------------------------------------------------------------


def _upload(content, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_photo_is_stored_with_thumbnail(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        photo = services.photo_add(
            station=net.station, upload=_upload(png_bytes((1600, 1200))), uploaded_by=manager, caption="活动室"
        )
    assert default_storage.exists(photo.image)
    assert default_storage.exists(photo.thumbnail)
    from PIL import Image

    with default_storage.open(photo.thumbnail) as handle, Image.open(handle) as thumb:
        assert thumb.format == "JPEG"
        assert thumb.width <= 400
        assert thumb.height <= 300
    assert (photo.width, photo.height) == (1600, 1200)
    assert photo.content_type == "image/png"


def test_photo_metadata_is_stripped(net, world):
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), (10, 20, 30)).save(buffer, "JPEG", exif=exif.tobytes())
    manager = world.users["station_manager"]
    with scope_for(manager):
        photo = services.photo_add(
            station=net.station, upload=_upload(buffer.getvalue(), "p.jpg", "image/jpeg"), uploaded_by=manager
        )
    with default_storage.open(photo.image) as handle, Image.open(handle) as stored:
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"%PDF-1.4 this is not an image", "not an image"),
        (b"", "not an image"),
        (png_bytes((20, 20)), "too small"),
        (png_bytes((120, 90), fmt="GIF"), "JPEG, PNG or WebP"),
    ],
    ids=["pdf", "empty", "tiny", "gif"],
)
def test_bad_photos_are_refused(net, world, content, fragment):
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.photo_add(station=net.station, upload=_upload(content), uploaded_by=manager)
    assert fragment in " ".join(exc.value.messages)
    with scopes_disabled():
        assert not Photo.all_objects.exists()


def test_too_large_file_is_refused(net, world):
    manager = world.users["station_manager"]
    big = _upload(png_bytes() + b"\0" * (MAX_BYTES + 1))
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.photo_add(station=net.station, upload=big, uploaded_by=manager)
    assert "too large" in " ".join(exc.value.messages)


def test_too_many_pixels_is_refused(net, world, monkeypatch):
    from yizhan.core import images

    monkeypatch.setattr(images, "MAX_SIDE", 100)
    manager = world.users["station_manager"]
    with scope_for(manager), pytest.raises(ValidationError) as exc:
        services.photo_add(station=net.station, upload=_upload(png_bytes((300, 90))), uploaded_by=manager)
    assert "too big" in " ".join(exc.value.messages)


# --- contacts ---------------------------------------------------------------------------------------------


def test_contact_phone_validated_and_encrypted(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        with pytest.raises(ValidationError):
            services.contact_create(station=net.station, created_by=manager, name="王", role="联络员", phone="12345")
        contact = services.contact_create(
            station=net.station, created_by=manager, name="王", role="联络员", phone="0571-82345678"
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM stations_contact WHERE id = %s", [contact.pk])
        raw = cursor.fetchone()[0]
    assert "82345678" not in raw
    assert contact.masked("phone") == "057****5678"


# --- reference data ---------------------------------------------------------------------------------------


def test_district_admin_extends_room_types(world):
    admin = world.users["district_admin"]
    with scope_for(admin):
        music = services.lookup_type_save(
            model=RoomType, saved_by=admin, code="music", name_zh="音乐室", name_en="Music room"
        )
        services.lookup_type_save(model=RoomType, saved_by=admin, code="music", name_zh="音乐教室", name_en="Music")
        with pytest.raises(ValidationError) as exc:
            services.lookup_type_save(model=RoomType, saved_by=admin, code="Bad Code!", name_zh="", name_en="x")
        assert {"code", "name_zh"} <= set(exc.value.message_dict)
    music.refresh_from_db()
    assert music.name_zh == "音乐教室"
    assert RoomType.objects.filter(code="music").count() == 1
    with scope_for(world.users["town_admin"]), pytest.raises(PermissionDenied):
        services.lookup_type_save(
            model=PositionType, saved_by=world.users["town_admin"], code="x1", name_zh="甲", name_en="A"
        )


def test_an_update_that_changes_nothing_writes_nothing(net, world):
    manager = world.users["station_manager"]
    with scope_for(manager):
        station = Station.objects.get(pk=net.station.pk)
        services.station_update(station=station, updated_by=manager, version=1, address=station.address)
    with scopes_disabled():
        assert Station.all_objects.get(pk=net.station.pk).version == 1
        assert not AuditLog.all_objects.filter(target_type="stations.station", action="update").exists()
