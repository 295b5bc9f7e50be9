"""The seed's family mediation studio in 瓜沥镇 (DESIGN.md §1): 东灵社区's brand studio and its joint-mediation team.

``seed()`` is declared as ``MediationConfig.demo`` (yizhan/core/demo.py runs it after the stations), and writes as
瓜沥镇's admin, in her scope. Idempotent: the studio and its team members are found and only created when missing.
"""

from datetime import date

from yizhan.accounts.demo import demo_actor
from yizhan.accounts.models import User
from yizhan.core.scoping import scope_for
from yizhan.regions.models import Region
from yizhan.stations.models import Status

from . import services
from .models import Studio, StudioMember

STUDIO = {
    "village": "330109113003",
    "name": "东灵社区婚姻家庭纠纷调解工作室",
    "brand_name": "萧山区婚姻家庭纠纷化解品牌工作室",
    "address": "瓜沥镇东灵社区党群服务中心",
    "opened_on": date(2023, 5, 1),
    "introduction": (
        "东灵社区面积0.74平方公里，常住人口8000余人，外来人口多。工作室以“团队联调”方式，由调解员主持，"
        "律师顾问、向阳社工工作室、灵悦心理咨询角（心灵驿站）和社区共享法庭共同参与，提供法律咨询、心理疏导和家庭关系改善建议。"
    ),
}

# Team of the 东灵 studio: username (accounts from yizhan.accounts.demo.DEMO_USERS; fictional people), kind,
# can lead, organisation.
TEAM = [
    ("mediator", StudioMember.Kind.MEDIATOR, True, "东灵社区人民调解委员会"),
    ("advisor", StudioMember.Kind.LAWYER, False, "浙江明理律师事务所"),
    ("social_worker_dongling", StudioMember.Kind.SOCIAL_WORKER, False, "向阳社工工作室"),
    ("counsellor_dongling", StudioMember.Kind.COUNSELLOR, False, "灵悦心理咨询角（心灵驿站）"),
    ("court_liaison_dongling", StudioMember.Kind.COURT_LIAISON, False, "东灵社区共享法庭"),
]


def seed_studios(*, by):
    """The 东灵 studio, its contact and its team, written through the services by ``by`` (an admin over 瓜沥镇, whose
    scope is active), so the audit log has them. Safe to run again."""
    region = Region.all_objects.get(code=STUDIO["village"])
    studio = Studio.all_objects.filter(region=region, name=STUDIO["name"]).first()
    if studio is None:
        studio = services.studio_create(
            created_by=by,
            region=region,
            name=STUDIO["name"],
            brand_name=STUDIO["brand_name"],
            address=STUDIO["address"],
            introduction=STUDIO["introduction"],
            status=Status.OPERATING,
            status_since=STUDIO["opened_on"],
            opened_on=STUDIO["opened_on"],
        )
        services.studio_contact_create(studio=studio, created_by=by, role="调解员", name="张敏", phone="13800000005")
    for username, kind, can_lead, organisation in TEAM:
        user = User.all_objects.filter(username=username).first()
        if user is None or StudioMember.all_objects.filter(studio=studio, user=user, kind=kind).exists():
            continue
        # Also gives the account its mediator or advisor role at the studio.
        services.studio_member_add(
            studio=studio, user=user, kind=kind, added_by=by, can_lead=can_lead, organisation=organisation
        )


def seed() -> str:
    actor = demo_actor()
    with scope_for(actor):
        seed_studios(by=actor)
    return f"1 studio with a team of {len(TEAM)}"
