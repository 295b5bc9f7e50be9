"""The station network on top of the ``world`` fixture: built once per world, reused by tests and matrix rows."""

from dataclasses import dataclass
from datetime import time

from yizhan.core.scoping import scopes_disabled
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
    Studio,
    StudioMember,
)
from yizhan.tests.factories import attach_place, make_station, make_studio


@dataclass
class Network:
    station: Station  # 隆园社区 (瓜沥镇), managed by station_manager
    other_station: Station  # 梅西村 (党湾镇), managed by other_station_manager
    planned_station: Station  # 友谊村, planned (never public)
    studio: Studio  # 东灵社区, mediator + advisor
    room: Room
    other_room: Room
    item: BrandItem
    other_item: BrandItem
    contact: Contact
    hidden_contact: Contact
    member: StudioMember


def build_network(w) -> Network:
    cached = getattr(w, "network", None)
    if cached is not None:
        return cached
    with scopes_disabled():
        r, u = w.regions, w.users
        station = make_station(r["330109113001"], brand_name="四融驿站", floor_area=300, address="隆园社区一楼")
        other = make_station(r["330109114001"], brand_name="梅香驿站", floor_area=120)
        planned = make_station(r["330109113002"], status=Status.PLANNED)
        studio = make_studio(r["330109113003"], brand_name="东灵调解")
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
        member = StudioMember.all_objects.create(
            studio=studio, user=u["mediator"], kind=StudioMember.Kind.MEDIATOR, can_lead=True
        )
        StudioMember.all_objects.create(
            studio=studio, user=u["advisor"], kind=StudioMember.Kind.LAWYER, organisation="明理律师事务所"
        )
        attach_place(u["mediator"], studio=studio)
        attach_place(u["advisor"], studio=studio)
        w.network = Network(
            station, other, planned, studio, room, other_room, item, other_item, contact, hidden, member
        )
    return w.network


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
