"""Permission-matrix rows for the studio pages and endpoints: the 东灵社区 studio (瓜沥镇; mediator and advisor are on
its team) against admins of its town and district and of another town, and the roles of other places."""

from types import SimpleNamespace

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import StudioContact, StudioMember
from yizhan.mediation.tests.network import build_studio_network
from yizhan.tests.factories import ADMINS_OK as ADMINS
from yizhan.tests.factories import NON_ADMINS_403

ANON_PAGE = {"anonymous": 302}
ANON_API = {"anonymous": 401}
NOT_STUDIO = {"station_manager": 403, "other_station_manager": 403, "volunteer": 403}


def studio(ok=200, members=200):
    return {
        "district_admin": ok,
        "town_admin": ok,
        "other_town_admin": 404,
        "mediator": members,
        "advisor": members,
        **NOT_STUDIO,
    }


def sd(w):
    return build_studio_network(w).studio.pk


def prepare(w):
    """The studio network, plus what the delete rows remove: a contact of the studio."""
    n = build_studio_network(w)
    w.mediation = SimpleNamespace(
        studio_contact=StudioContact.all_objects.create(
            studio=n.studio, name="张敏", role="调解员", phone="13812345678"
        )
    )


def _advisor_member(w):
    with scopes_disabled():
        return StudioMember.all_objects.get(studio=build_studio_network(w).studio, user=w.users["advisor"])


ROWS = [
    # --- studios ---
    (
        "studio list",
        "GET",
        lambda w: (build_studio_network(w), "/stations/studios/")[1],
        {**ANON_PAGE, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    ("studio 东灵", "GET", lambda w: f"/stations/studios/{sd(w)}/", {**ANON_PAGE, **studio()}),
    ("studio edit 东灵", "GET", lambda w: f"/stations/studios/{sd(w)}/edit/", {**ANON_PAGE, **studio(200, 403)}),
    ("new studio form", "GET", lambda w: "/stations/studios/new/", {**ANON_PAGE, **ADMINS, **NON_ADMINS_403}),
    (
        "add to team 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/team/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {"username": "volunteer", "kind": "social_worker", "organisation": "向阳社工工作室"},
    ),
    (
        "studio contact add 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/contacts/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {"name": "张敏", "role": "调解员", "phone": "13812345678"},
    ),
    # --- API ---
    (
        "API studios",
        "GET",
        lambda w: (build_studio_network(w), "/api/studios/")[1],
        {**ANON_API, **ADMINS, "mediator": 200, "advisor": 200, **NOT_STUDIO},
    ),
    ("API studio 东灵", "GET", lambda w: f"/api/studios/{sd(w)}", {**ANON_API, **studio()}),
    (
        "API studio update 东灵",
        "PATCH",
        lambda w: f"/api/studios/{sd(w)}",
        {**ANON_API, **studio(200, 403)},
        lambda w: {"version": 1, "introduction": "团队联调"},
    ),
    (
        "API create studio",
        "POST",
        lambda w: (build_studio_network(w), "/api/studios/")[1],
        {**ANON_API, "district_admin": 201, "town_admin": 201, "other_town_admin": 403, **NON_ADMINS_403},
        lambda w: {"region": "330109113001", "name": "隆园社区调解工作室"},
    ),
    (
        "studio save 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/edit/",
        {**ANON_PAGE, **studio(302, 403)},
        lambda w: {
            "name": "东灵社区婚姻家庭纠纷调解工作室",
            "brand_name": "东灵调解",
            "region": "330109113003",
            "status": "operating",
            "is_public": "on",
            "version": "1",
        },
    ),
    (
        "remove from team 东灵 (the lawyer)",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/team/{_advisor_member(w).pk}/remove/",
        {**ANON_PAGE, **studio(302, 403)},
    ),
    (
        "studio contact delete 东灵",
        "POST",
        lambda w: f"/stations/studios/{sd(w)}/contacts/{w.mediation.studio_contact.pk}/delete/",
        {**ANON_PAGE, **studio(302, 403)},
    ),
    (
        "API add to team 东灵",
        "POST",
        lambda w: f"/api/studios/{sd(w)}/team",
        # The studio's own members may not change the team: 403 before the payload is looked at (was a 400
        # "no account with this username" because the API looked the username up first).
        {**ANON_API, **studio(201, 403)},
        lambda w: {"username": "volunteer", "kind": "social_worker", "organisation": "向阳社工工作室"},
    ),
]
