"""The station network on top of the ``world`` fixture: built once per world, reused by tests and matrix rows.
``yizhan.mediation.tests.network`` adds the studio on top."""

from dataclasses import dataclass
from datetime import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region
from yizhan.stations import reference
from yizhan.stations.models import (
    BrandItem,
    Contact,
    OpeningInterval,
    Photo,
    Room,
    RoomType,
    ServiceLine,
    Station,
    Status,
)
from yizhan.tests.factories import attach_place, build_world, make_station


@dataclass
class Network:
    station: Station  # 隆园社区 (瓜沥镇), managed by station_manager
    other_station: Station  # 梅西村 (党湾镇), managed by other_station_manager
    planned_station: Station  # 友谊村, planned (never public)
    room: Room
    other_room: Room
    item: BrandItem
    other_item: BrandItem
    contact: Contact
    hidden_contact: Contact


def build_network(w) -> Network:
    cached = getattr(w, "network", None)
    if cached is not None:
        return cached
    with scopes_disabled():
        r, u = w.regions, w.users
        station = make_station(r["330109113001"], brand_name="四融驿站", floor_area=300, address="隆园社区一楼")
        other = make_station(r["330109114001"], brand_name="梅香驿站", floor_area=120)
        planned = make_station(r["330109113002"], status=Status.PLANNED)
        attach_place(u["station_manager"], station=station)
        attach_place(u["other_station_manager"], station=other)
        activity = RoomType.objects.get(code="activity_room")
        room = Room.all_objects.create(station=station, room_type=activity, name="公益活动室", area=80, capacity=40)
        other_room = Room.all_objects.create(station=other, room_type=activity, name="活动室", area=50)
        education = ServiceLine.objects.get(code="education")
        item = BrandItem.all_objects.create(station=station, name="融智", description="干部能力提升")
        item.service_lines.set([education])
        other_item = BrandItem.all_objects.create(station=other, name="梅·学")
        other_item.service_lines.set([education])
        OpeningInterval.all_objects.create(station=station, weekday=0, opens=time(8, 30), closes=time(11, 30))
        contact = Contact.all_objects.create(station=station, name="陈芳", role="站长", phone="13912345678")
        hidden = Contact.all_objects.create(
            station=station, name="内部联络", role="联络员", phone="13987654321", is_public=False
        )
        w.network = Network(station, other, planned, room, other_room, item, other_item, contact, hidden)
    return w.network


def browser_world(build=build_network):
    """A world with its network (``build``) for browser tests, which run in transactions that flush the reference
    rows."""
    with scopes_disabled():
        reference.load()
        world = build_world()
    build(world)
    return world


def make_photo(station, **kwargs) -> Photo:
    """A stored photo row (files written through default_storage)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yizhan.core import images

    upload = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    stored = images.store_image(upload, folder=f"stations/{station.pk}")
    with scopes_disabled():
        return Photo.all_objects.create(
            station=station,
            image=stored.image,
            thumbnail=stored.thumbnail,
            content_type=stored.content_type,
            width=stored.width,
            height=stored.height,
            **kwargs,
        )


def png_bytes(size=(120, 90), color=(200, 30, 90), fmt="PNG") -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def grow_network(world, n):
    """n villages under 瓜沥镇, each with an operating station with a room and an X item."""
    town = world.regions["330109113"]
    with scopes_disabled():
        Region.all_objects.bulk_create(
            [Region(code=f"330109113{500 + i:03d}", name=f"测试村{i}", level=5, parent=town) for i in range(n)]
        )
        villages = list(Region.all_objects.filter(code__gte="330109113500", level=5))
        Station.all_objects.bulk_create(
            [Station(region=v, name=f"{v.name}驿站", status=Status.OPERATING, floor_area=100) for v in villages]
        )
        room_type = RoomType.objects.first()
        stations = list(Station.all_objects.filter(region__in=villages))
        Room.all_objects.bulk_create([Room(station=s, room_type=room_type, name="活动室") for s in stations])
        BrandItem.all_objects.bulk_create([BrandItem(station=s, name="X") for s in stations])


def count_queries(client, url) -> int:
    """The queries one GET of ``url`` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
