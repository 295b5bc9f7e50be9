"""The station network plus the 东灵社区 studio and its team, on top of the ``world`` fixture: built once per world,
reused by tests and matrix rows of this app and of the apps above it (portal, insights)."""

from dataclasses import dataclass, fields

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Studio, StudioMember
from yizhan.stations.tests.network import Network, build_network
from yizhan.tests.factories import attach_place, make_studio


@dataclass
class StudioNetwork(Network):
    studio: Studio  # 东灵社区 (瓜沥镇): mediator (lead) and advisor (lawyer) on its team
    member: StudioMember  # the lead mediator


def build_studio_network(w) -> StudioNetwork:
    cached = getattr(w, "studio_network", None)
    if cached is not None:
        return cached
    network = build_network(w)
    with scopes_disabled():
        u = w.users
        studio = make_studio(w.regions["330109113003"], brand_name="东灵调解")
        member = StudioMember.all_objects.create(
            studio=studio, user=u["mediator"], kind=StudioMember.Kind.MEDIATOR, can_lead=True
        )
        StudioMember.all_objects.create(
            studio=studio, user=u["advisor"], kind=StudioMember.Kind.LAWYER, organisation="明理律师事务所"
        )
        attach_place(u["mediator"], studio=studio)
        attach_place(u["advisor"], studio=studio)
    stations = {field.name: getattr(network, field.name) for field in fields(network)}
    w.studio_network = StudioNetwork(**stations, studio=studio, member=member)
    return w.studio_network
