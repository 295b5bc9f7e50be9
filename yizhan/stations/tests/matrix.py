"""Permission-matrix rows for station pages and endpoints.

Own place vs another's: 隆园社区's station (瓜沥镇, station_manager's) against 梅西村's (党湾镇,
other_station_manager's).
"""

from types import SimpleNamespace

from yizhan.stations.tests.network import build_network, make_photo
from yizhan.tests.factories import ADMINS_OK as ADMINS
from yizhan.tests.factories import NON_ADMINS_403

ANON_PAGE = {"anonymous": 302}
ANON_API = {"anonymous": 401}
NOT_STATION = {"mediator": 403, "advisor": 403, "volunteer": 403}


def own(ok=200):
    """隆园社区 station: 瓜沥镇 and 萧山区 admins and its manager; 党湾镇 admin and manager get 404."""
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "station_manager": ok,
        "other_station_manager": 404,
        **NOT_STATION,
    }


def other(ok=200):
    """梅西村 station (党湾镇)."""
    return {
        "district_admin": ok,
        "town_admin": 404,
        "other_town_admin": ok,
        "station_manager": 404,
        "other_station_manager": ok,
        **NOT_STATION,
    }


def st(w):
    return build_network(w).station.pk


def ot(w):
    return build_network(w).other_station.pk


def _profile(w):
    build_network(w)
    return {
        "name": "隆园社区妇女儿童驿站",
        "brand_name": "四融驿站",
        "version": "1",
        "floor_area": "300",
        "region": "330109113001",
        "status": "operating",
        "is_public": "on",
    }


def _item(w):
    from yizhan.stations.models import ServiceLine

    build_network(w)
    return {"name": "新品牌", "service_lines": str(ServiceLine.objects.get(code="welfare").pk), "is_active": "on"}


def _room(w):
    from yizhan.stations.models import RoomType

    build_network(w)
    return {"room_type": str(RoomType.objects.get(code="library").pk), "name": "图书室", "area": "20"}


def _hours(w):
    build_network(w)
    return {"d0_0_opens": "08:00", "d0_0_closes": "12:00", "d2_0_opens": "14:00", "d2_0_closes": "17:00"}


def prepare(w):
    """The station network, plus what the delete rows remove: an opening-hours exception and a contact at each
    station. (Photos are made per case: see ``_photo``.)"""
    from datetime import date

    from yizhan.stations.models import Contact, HoursException

    n = build_network(w)
    w.stations = SimpleNamespace(
        exception=HoursException.all_objects.create(station=n.station, date=date(2026, 10, 1), note="国庆节"),
        other_exception=HoursException.all_objects.create(station=n.other_station, date=date(2026, 10, 1)),
        other_contact=Contact.all_objects.create(
            station=n.other_station, name="李梅", role="站长", phone="13912340000"
        ),
    )


def _photo(w, **kwargs):
    """A photo of 隆园社区's station, made for the one case: its files live in storage, which a rolled-back case
    does not restore."""
    return make_photo(build_network(w).station, **kwargs).pk


ROWS = [
    # --- station pages ---
    (
        "station list",
        "GET",
        lambda w: (build_network(w), "/stations/")[1],
        {**ANON_PAGE, **ADMINS, "station_manager": 200, "other_station_manager": 200, **NOT_STATION},
    ),
    ("station 隆园", "GET", lambda w: f"/stations/{st(w)}/", {**ANON_PAGE, **own()}),
    ("station 梅西", "GET", lambda w: f"/stations/{ot(w)}/", {**ANON_PAGE, **other()}),
    ("station edit 隆园", "GET", lambda w: f"/stations/{st(w)}/edit/", {**ANON_PAGE, **own()}),
    ("station edit 梅西", "GET", lambda w: f"/stations/{ot(w)}/edit/", {**ANON_PAGE, **other()}),
    ("station save 隆园", "POST", lambda w: f"/stations/{st(w)}/edit/", {**ANON_PAGE, **own(302)}, _profile),
    ("hours 隆园", "GET", lambda w: f"/stations/{st(w)}/hours/", {**ANON_PAGE, **own()}),
    ("hours 梅西", "GET", lambda w: f"/stations/{ot(w)}/hours/", {**ANON_PAGE, **other()}),
    ("hours save 隆园", "POST", lambda w: f"/stations/{st(w)}/hours/", {**ANON_PAGE, **own(302)}, _hours),
    (
        "hours exception 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/hours/exceptions/",
        {**ANON_PAGE, **own(302)},
        lambda w: {"date": "2026-10-01", "is_closed": "on", "note": "国庆节"},
    ),
    ("rooms 隆园", "GET", lambda w: f"/stations/{st(w)}/rooms/", {**ANON_PAGE, **own()}),
    ("rooms 梅西", "GET", lambda w: f"/stations/{ot(w)}/rooms/", {**ANON_PAGE, **other()}),
    ("room add 隆园", "POST", lambda w: f"/stations/{st(w)}/rooms/", {**ANON_PAGE, **own(302)}, _room),
    (
        "room 隆园",
        "GET",
        lambda w: f"/stations/{st(w)}/rooms/{build_network(w).room.pk}/",
        {**ANON_PAGE, **own()},
    ),
    (
        "room of 梅西 under 隆园's address",
        "GET",
        lambda w: f"/stations/{st(w)}/rooms/{build_network(w).other_room.pk}/",
        {**ANON_PAGE, **own(404)},
    ),
    (
        "room delete 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/rooms/{build_network(w).room.pk}/delete/",
        {**ANON_PAGE, **own(302)},
    ),
    ("items 隆园", "GET", lambda w: f"/stations/{st(w)}/items/", {**ANON_PAGE, **own()}),
    ("items 梅西", "GET", lambda w: f"/stations/{ot(w)}/items/", {**ANON_PAGE, **other()}),
    ("item add 隆园", "POST", lambda w: f"/stations/{st(w)}/items/", {**ANON_PAGE, **own(302)}, _item),
    ("item add 梅西", "POST", lambda w: f"/stations/{ot(w)}/items/", {**ANON_PAGE, **other(302)}, _item),
    (
        "item edit 隆园",
        "GET",
        lambda w: f"/stations/{st(w)}/items/{build_network(w).item.pk}/",
        {**ANON_PAGE, **own()},
    ),
    ("contacts 隆园", "GET", lambda w: f"/stations/{st(w)}/contacts/", {**ANON_PAGE, **own()}),
    (
        "contact add 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/contacts/",
        {**ANON_PAGE, **own(302)},
        lambda w: {"name": "王梅", "role": "联络员", "phone": "0571-82345678", "is_public": "on"},
    ),
    ("photos 隆园", "GET", lambda w: f"/stations/{st(w)}/photos/", {**ANON_PAGE, **own()}),
    ("photos 梅西", "GET", lambda w: f"/stations/{ot(w)}/photos/", {**ANON_PAGE, **other()}),
    ("photo file 隆园", "GET", lambda w: f"/stations/photos/{_photo(w)}/thumb/", {**ANON_PAGE, **own()}),
    (
        "reveal contact phone 隆园",
        "POST",
        lambda w: f"/reveal/stations.contact/{build_network(w).contact.pk}/phone/",
        {**ANON_PAGE, **own(), "mediator": 404, "advisor": 404, "volunteer": 404},
        lambda w: {"reason": "回访联系"},
    ),
    ("new station form", "GET", lambda w: "/stations/new/", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    ("village picker", "GET", lambda w: "/stations/pick/villages/?page=2", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    (
        "station picker",
        "GET",
        lambda w: "/stations/pick/stations/?q=站",
        {**ANON_PAGE, **ADMINS, "station_manager": 200, "other_station_manager": 200, **NOT_STATION},
    ),
    (
        "create station in 东灵社区",
        "POST",
        lambda w: "/stations/new/",
        {**ANON_PAGE, "district_admin": 302, "town_admin": 302, "other_town_admin": 400, **NON_ADMINS_403},
        lambda w: {"region": "330109113003", "name": "东灵社区妇女儿童驿站", "status": "planned"},
    ),
    (
        "assign manager 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/manager/",
        {**ANON_PAGE, "district_admin": 302, "town_admin": 302, "other_town_admin": 404, **NON_ADMINS_403},
        lambda w: {"username": "volunteer"},
    ),
    # --- catalogue: everyone admin reads; district (and platform) admins extend the shared types ---
    ("catalogue", "GET", lambda w: "/stations/catalogue/", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    (
        "add room type",
        "POST",
        lambda w: "/stations/catalogue/room-types/",
        {**ANON_PAGE, "district_admin": 302, "town_admin": 403, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"code": "music", "name_zh": "音乐室", "name_en": "Music room", "is_active": "on"},
    ),
    (
        "API add position type",
        "POST",
        lambda w: "/api/catalogue/position-types",
        {**ANON_API, "district_admin": 200, "town_admin": 403, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"code": "volunteer_point", "name_zh": "巾帼志愿服务站", "name_en": "Volunteer point"},
    ),
    # --- API ---
    (
        "API stations",
        "GET",
        lambda w: (build_network(w), "/api/stations/")[1],
        {**ANON_API, **ADMINS, "station_manager": 200, "other_station_manager": 200, **NOT_STATION},
    ),
    ("API station 隆园", "GET", lambda w: f"/api/stations/{st(w)}", {**ANON_API, **own()}),
    ("API station 梅西", "GET", lambda w: f"/api/stations/{ot(w)}", {**ANON_API, **other()}),
    (
        "API station update 隆园",
        "PATCH",
        lambda w: f"/api/stations/{st(w)}",
        {**ANON_API, **own()},
        lambda w: {"version": 1, "brand_name": "四融驿站·新"},
    ),
    (
        "API station status 隆园",
        "PATCH",
        lambda w: f"/api/stations/{st(w)}",
        {**ANON_API, **own(), "station_manager": 403},
        lambda w: {"version": 1, "status": "suspended"},
    ),
    (
        "API create station",
        "POST",
        lambda w: (build_network(w), "/api/stations/")[1],
        {**ANON_API, "district_admin": 201, "town_admin": 201, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"region": "330109113003", "name": "东灵社区妇女儿童驿站"},
    ),
    ("API rooms 隆园", "GET", lambda w: f"/api/stations/{st(w)}/rooms", {**ANON_API, **own()}),
    (
        "API room add 梅西",
        "POST",
        lambda w: f"/api/stations/{ot(w)}/rooms",
        {**ANON_API, **other(201)},
        lambda w: (build_network(w), {"room_type": "library", "name": "图书室", "area": 20})[1],
    ),
    (
        "API room 隆园",
        "PATCH",
        lambda w: f"/api/stations/{st(w)}/rooms/{build_network(w).room.pk}",
        {**ANON_API, **own()},
        lambda w: {"version": 1, "capacity": 50},
    ),
    ("API brand items 隆园", "GET", lambda w: f"/api/stations/{st(w)}/brand-items", {**ANON_API, **own()}),
    (
        "API brand item add 隆园",
        "POST",
        lambda w: f"/api/stations/{st(w)}/brand-items",
        {**ANON_API, **own(201)},
        lambda w: {"name": "融新", "service_lines": ["children"]},
    ),
    (
        "API hours 隆园",
        "PUT",
        lambda w: f"/api/stations/{st(w)}/hours",
        {**ANON_API, **own()},
        lambda w: [{"weekday": 1, "opens": "09:00", "closes": "11:00"}],
    ),
    ("API service lines", "GET", lambda w: "/api/catalogue/service-lines", {**ANON_API, "default": 200}),
    ("API room types", "GET", lambda w: "/api/catalogue/room-types", {**ANON_API, "default": 200}),
]


def _room_form(w):
    n = build_network(w)
    return {"room_type": n.room.room_type_id, "name": "公益活动室", "area": "80", "capacity": "45", "version": "1"}


def _item_form(w):
    from yizhan.stations.models import ServiceLine

    return {
        "name": "融智",
        "service_lines": ServiceLine.objects.get(code="education").pk,
        "is_active": "on",
        "version": "1",
    }


# Deleting and removing (POST only), saving the edit forms, and the API operations that had no row.
ROWS += [
    (
        "room save 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/rooms/{build_network(w).room.pk}/",
        {**ANON_PAGE, **own(302)},
        _room_form,
    ),
    (
        "item save 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/items/{build_network(w).item.pk}/",
        {**ANON_PAGE, **own(302)},
        _item_form,
    ),
    (
        "hours exception delete 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/hours/exceptions/{w.stations.exception.pk}/delete/",
        {**ANON_PAGE, **own(302)},
    ),
    (
        "hours exception delete 梅西",
        "POST",
        lambda w: f"/stations/{ot(w)}/hours/exceptions/{w.stations.other_exception.pk}/delete/",
        {**ANON_PAGE, **other(302)},
    ),
    (
        "contact delete 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/contacts/{build_network(w).contact.pk}/delete/",
        {**ANON_PAGE, **own(302)},
    ),
    (
        "contact delete 梅西",
        "POST",
        lambda w: f"/stations/{ot(w)}/contacts/{w.stations.other_contact.pk}/delete/",
        {**ANON_PAGE, **other(302)},
    ),
    (
        "contact of 梅西 deleted under 隆园's address",
        "POST",
        lambda w: f"/stations/{st(w)}/contacts/{w.stations.other_contact.pk}/delete/",
        {**ANON_PAGE, **own(404)},
    ),
    (
        "photo delete 隆园",
        "POST",
        lambda w: f"/stations/{st(w)}/photos/{_photo(w)}/delete/",
        {**ANON_PAGE, **own(302)},
    ),
    (
        "API room 隆园 (read)",
        "GET",
        lambda w: f"/api/stations/{st(w)}/rooms/{build_network(w).room.pk}",
        {**ANON_API, **own()},
    ),
    (
        "API room of 梅西 under 隆园's address",
        "GET",
        lambda w: f"/api/stations/{st(w)}/rooms/{build_network(w).other_room.pk}",
        {**ANON_API, **own(404)},
    ),
    (
        "API brand item update 隆园",
        "PATCH",
        lambda w: f"/api/stations/{st(w)}/brand-items/{build_network(w).item.pk}",
        {**ANON_API, **own()},
        lambda w: {"version": 1, "description": "干部能力提升（新）"},
    ),
    (
        "API brand item update 梅西",
        "PATCH",
        lambda w: f"/api/stations/{ot(w)}/brand-items/{build_network(w).other_item.pk}",
        {**ANON_API, **other()},
        lambda w: {"version": 1, "description": "学习沙龙"},
    ),
    (
        "API add room type",
        "POST",
        lambda w: "/api/catalogue/room-types",
        {**ANON_API, "district_admin": 200, "town_admin": 403, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"code": "music", "name_zh": "音乐室", "name_en": "Music room"},
    ),
    ("API position types", "GET", lambda w: "/api/catalogue/position-types", {**ANON_API, "default": 200}),
]
