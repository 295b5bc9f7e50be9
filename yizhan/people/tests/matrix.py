"""Permission-matrix rows for residents, visits, imports and their API (see yizhan/tests/permission_matrix.py)."""

from datetime import date, timedelta
from types import SimpleNamespace

from django.utils import timezone

from .helpers import import_batch_of, longyuan_consent, longyuan_person, longyuan_visit


def prepare(w):
    """The 隆园社区 resident (household, consent, visit) and what hangs off her: a child she is the parent of, a
    target-group membership, a need and a follow-up action; an upload of the 隆园 station
    manager's; a resident of 梅西村 (党湾镇)."""
    from django.utils import timezone

    from yizhan.people.models import FollowUpAction, Need, Relation, TargetGroup, TargetGroupMembership
    from yizhan.tests.factories import PersonFactory

    person, visit = longyuan_person(w), longyuan_visit(w)
    child = PersonFactory(name="王小明", region=person.region, birth_date=date(2015, 6, 1), household=person.household)
    w.people = SimpleNamespace(
        child=child,
        relation=Relation.all_objects.create(person=person, relative=child, kind=Relation.Kind.PARENT),
        group_membership=TargetGroupMembership.all_objects.create(
            person=person, group=TargetGroup.objects.get(code="single_mothers")
        ),
        other_group=TargetGroup.objects.get(code="women_in_hardship"),
        need=Need.all_objects.create(person=person, visit=visit, category=Need.Category.LEGAL, detail="咨询离婚财产"),
        action=FollowUpAction.all_objects.create(
            visit=visit,
            description="送法律援助材料",
            owner=w.users["station_manager"],
            due_date=timezone.localdate() + timedelta(days=7),
        ),
        batch=import_batch_of(w),
        meixi_person=PersonFactory(name="赵梅", region=w.regions["330109114001"], birth_date=date(1979, 2, 3)),
    )


STAFF_OK = {
    "district_admin": 200,
    "town_admin": 200,
    "other_town_admin": 200,
    "station_manager": 200,
    "other_station_manager": 200,
}
OTHERS_403 = {"mediator": 403, "advisor": 403, "volunteer": 403}
# A 隆园社区 resident: 瓜沥镇 admins and the 隆园 station manager; others in scope-less roles are refused.
LONGYUAN = {
    "district_admin": 200,
    "town_admin": 200,
    "other_town_admin": 404,
    "station_manager": 200,
    "other_station_manager": 404,
    **OTHERS_403,
}
# A write about a 隆园社区 resident (answered with a redirect back to the page).
LONGYUAN_WRITE = {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in LONGYUAN.items()}}
# A 梅西村 (党湾镇) resident: the district's and 党湾镇's admins and the 梅西 station manager.
MEIXI = {
    "district_admin": 200,
    "town_admin": 404,
    "other_town_admin": 200,
    "station_manager": 404,
    "other_station_manager": 200,
    **OTHERS_403,
}
# An upload is seen only by whoever uploaded it (here the 隆园 station manager).
UPLOADER_ONLY = {
    "district_admin": 404,
    "town_admin": 404,
    "other_town_admin": 404,
    "station_manager": 200,
    "other_station_manager": 404,
    **OTHERS_403,
}


def _visit_photo(w):
    """A photo of the 隆园 visit, made for the one case: files in storage outlive a rolled-back test (erasing a
    person deletes them at once), so a photo made once for the module would be gone for later cases."""
    from django.core.files.base import ContentFile

    from yizhan.people.models import VisitPhoto
    from yizhan.stations.tests.network import png_bytes

    photo = VisitPhoto(visit=longyuan_visit(w))
    photo.image.save("visit.png", ContentFile(png_bytes()), save=True)
    return photo


def _person(suffix=""):
    return lambda w: f"/people/{longyuan_person(w).pk}/{suffix}"


def _api_person(suffix=""):
    return lambda w: f"/api/people/{longyuan_person(w).pk}{suffix}"


def _household(w):
    return f"/people/households/{longyuan_person(w).household_id}/"


_today = timezone.localdate()

ROWS = [
    ("people list", "GET", lambda w: "/people/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "people search (posted, answered with a redirect)",
        "POST",
        lambda w: "/people/",
        {"anonymous": 302, **{k: 302 for k in STAFF_OK}, **OTHERS_403},
        lambda w: {"q": "13912345678", "age_band": "18to59"},
    ),
    ("people filter", "GET", lambda w: "/people/?q=王&age_band=18to59", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("register form", "GET", lambda w: "/people/new/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    # pickers (core/pickers.py): a page of what the user works with; what is outside her scope is never in it
    ("village picker", "GET", lambda w: "/people/pick/villages/?q=村", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("plan area picker", "GET", lambda w: "/people/pick/plan-areas/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("person picker", "GET", lambda w: "/people/pick/people/?q=王", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("export masked", "GET", lambda w: "/people/export/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("person detail", "GET", _person(), {"anonymous": 302, **LONGYUAN}),
    ("person edit", "GET", _person("edit/"), {"anonymous": 302, **LONGYUAN}),
    ("record visit form", "GET", _person("visits/new/"), {"anonymous": 302, **LONGYUAN}),
    ("household", "GET", _household, {"anonymous": 302, **LONGYUAN}),
    ("visit detail", "GET", lambda w: f"/people/visits/{longyuan_visit(w).pk}/", {"anonymous": 302, **LONGYUAN}),
    ("subject export", "POST", _person("subject-export/"), {"anonymous": 302, **LONGYUAN}),
    (
        "erase form",
        "GET",
        _person("erase/"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
    ),
    (
        "reveal ID number",
        "POST",
        lambda w: f"/reveal/people.person/{longyuan_person(w).pk}/id_number/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 200,
            "other_station_manager": 404,
            "mediator": 404,
            "advisor": 404,
            "volunteer": 404,
        },
        lambda w: {"reason": "核实身份"},
    ),
    (
        "withdraw consent",
        "POST",
        lambda w: f"/people/{longyuan_person(w).pk}/consents/{longyuan_consent(w).pk}/withdraw/",
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in LONGYUAN.items()}},
    ),
    (
        "register (POST) in 隆园社区",
        "POST",
        lambda w: "/people/new/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_admin": 302,
            "other_town_admin": 400,
            "station_manager": 302,
            "other_station_manager": 400,
            **OTHERS_403,
        },
        lambda w: {
            "name": "新居民",
            "gender": "female",
            "birth_date": "1991-01-01",
            "id_type": "none",
            "region": "330109113001",
            "residency": "resident",
        },
    ),
    (
        "record visit (POST)",
        "POST",
        _person("visits/new/"),
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in LONGYUAN.items()}},
        lambda w: {"kind": "care", "visit_date": _today.isoformat(), "findings": "一切正常"},
    ),
    (
        "erase (POST)",
        "POST",
        _person("erase/"),
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_admin": 200,
            "other_town_admin": 404,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"reason": "本人申请删除", "confirm": "on"},
    ),
    ("import page", "GET", lambda w: "/people/import/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("import template", "GET", lambda w: "/people/import/template.xlsx", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "import preview (station manager's upload)",
        "GET",
        lambda w: f"/people/import/{w.people.batch.pk}/",
        {
            "anonymous": 302,
            "district_admin": 404,
            "town_admin": 404,
            "other_town_admin": 404,
            "station_manager": 200,
            "other_station_manager": 404,
            **OTHERS_403,
        },
    ),
    (
        "visit calendar",
        "GET",
        lambda w: "/people/visits/calendar/?month=2026-03",
        {"anonymous": 302, **STAFF_OK, **OTHERS_403},
    ),
    (
        "visit calendar, one day",
        "GET",
        lambda w: "/people/visits/calendar/day/?day=2026-03-02&show=done",
        {"anonymous": 302, **STAFF_OK, **OTHERS_403},
    ),
    ("overdue list", "GET", lambda w: "/people/visits/overdue/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("visit plans", "GET", lambda w: "/people/visits/plans/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    ("target groups", "GET", lambda w: "/people/groups/", {"anonymous": 302, **STAFF_OK, **OTHERS_403}),
    (
        "add target group",
        "POST",
        lambda w: "/people/groups/",
        {
            "anonymous": 302,
            # the list is platform-wide: only province and platform admins change it (test_target_groups.py)
            "district_admin": 403,
            "town_admin": 403,
            "other_town_admin": 403,
            "station_manager": 403,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"name": "孤寡老人", "description": "", "sort_order": 70},
    ),
    ("API people", "GET", lambda w: "/api/people/", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    ("API person", "GET", _api_person(), {"anonymous": 401, **LONGYUAN}),
    ("API person visits", "GET", _api_person("/visits"), {"anonymous": 401, **LONGYUAN}),
    (
        "API correct a person",
        "PATCH",
        _api_person(),
        {"anonymous": 401, **LONGYUAN},
        lambda w: {"version": 1, "notes": "电话回访后更新"},
    ),
    (
        "API household",
        "GET",
        lambda w: f"/api/people/households/{longyuan_person(w).household_id}",
        {"anonymous": 401, **LONGYUAN},
    ),
    (
        "API search",
        "POST",
        lambda w: "/api/people/search",
        {"anonymous": 401, **STAFF_OK, **OTHERS_403},
        lambda w: {"q": "13912345678"},
    ),
    ("API groups", "GET", lambda w: "/api/people/groups", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    ("API overdue", "GET", lambda w: "/api/people/visits/overdue", {"anonymous": 401, **STAFF_OK, **OTHERS_403}),
    (
        "API calendar",
        "GET",
        lambda w: f"/api/people/visits/calendar?start={_today:%Y-%m-01}&end={_today + timedelta(days=40):%Y-%m-%d}",
        {"anonymous": 401, **STAFF_OK, **OTHERS_403},
    ),
    (
        "API calendar counted per day",
        "GET",
        lambda w: f"/api/people/visits/calendar/days?start={_today:%Y-%m-01}&end={_today + timedelta(days=9):%Y-%m-%d}",
        {"anonymous": 401, **STAFF_OK, **OTHERS_403},
    ),
    (
        "API register in 隆园社区",
        "POST",
        lambda w: "/api/people/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_admin": 201,
            "other_town_admin": 403,
            "station_manager": 201,
            "other_station_manager": 403,
            **OTHERS_403,
        },
        lambda w: {"name": "李四", "village_code": "330109113001", "birth_date": "1990-05-05"},
    ),
]

# Writes about a resident and what hangs off her, uploads, visit details, and a resident of 党湾镇.
ROWS += [
    (
        "person save (POST)",
        "POST",
        _person("edit/"),
        LONGYUAN_WRITE,
        lambda w: {
            "name": "王小红",
            "gender": "female",
            "birth_date": "1985-03-08",
            "id_type": "resident_id",
            "region": "330109113001",
            "residency": "resident",
            "notes": "已核对",
            "version": str(longyuan_person(w).version),
        },
    ),
    (
        "import confirm (POST, station manager's upload)",
        "POST",
        lambda w: f"/people/import/{w.people.batch.pk}/",
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in UPLOADER_ONLY.items()}},
    ),
    (
        "visit plan create (POST) for 隆园社区",
        "POST",
        lambda w: "/people/visits/plans/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_admin": 302,
            "other_town_admin": 400,  # 隆园社区 is not among the areas it may choose
            "station_manager": 302,
            "other_station_manager": 400,
            **OTHERS_403,
        },
        lambda w: {
            "name": "单亲母亲月访",
            "group": w.people.group_membership.group_id,
            "region": "330109113001",
            "kind": "care",
            "interval_days": "30",
        },
    ),
    (
        "relation add",
        "POST",
        _person("relations/"),
        LONGYUAN_WRITE,
        lambda w: {"direction": "out", "kind": "guardian", "other": w.people.child.id_number},
    ),
    (
        "relation remove",
        "POST",
        lambda w: f"/people/{longyuan_person(w).pk}/relations/{w.people.relation.pk}/remove/",
        LONGYUAN_WRITE,
    ),
    ("target group add", "POST", _person("groups/"), LONGYUAN_WRITE, lambda w: {"group": w.people.other_group.pk}),
    (
        "target group membership end",
        "POST",
        lambda w: f"/people/{longyuan_person(w).pk}/groups/{w.people.group_membership.pk}/end/",
        LONGYUAN_WRITE,
    ),
    (
        "consent add",
        "POST",
        _person("consents/"),
        LONGYUAN_WRITE,
        lambda w: {
            "purpose": "care",
            "data_scope": "关爱走访记录",
            "separate": "on",
            "given_on": _today.isoformat(),
            "given_by": "self",
        },
    ),
    ("household (new)", "POST", _person("household/"), LONGYUAN_WRITE, lambda w: {"name": "王小红家"}),
    ("household (leave)", "POST", _person("household/"), LONGYUAN_WRITE, lambda w: {"leave": "1"}),
    (
        "import check file (station manager's upload)",
        "GET",
        lambda w: f"/people/import/{w.people.batch.pk}/check.xlsx",
        {"anonymous": 302, **UPLOADER_ONLY},
    ),
    (
        "import discard (station manager's upload)",
        "POST",
        lambda w: f"/people/import/{w.people.batch.pk}/discard/",
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in UPLOADER_ONLY.items()}},
    ),
    (
        "follow-up action add",
        "POST",
        lambda w: f"/people/visits/{longyuan_visit(w).pk}/actions/",
        LONGYUAN_WRITE,
        lambda w: {
            "description": "送政策上门",
            "owner": w.users["station_manager"].pk,
            "due_date": (_today + timedelta(days=10)).isoformat(),
        },
    ),
    (
        "follow-up action done",
        "POST",
        lambda w: f"/people/visits/actions/{w.people.action.pk}/done/",
        LONGYUAN_WRITE,
    ),
    (
        "need status",
        "POST",
        lambda w: f"/people/visits/needs/{w.people.need.pk}/status/",
        LONGYUAN_WRITE,
        lambda w: {"status": "referred"},
    ),
    (
        "visit photo",
        "GET",
        lambda w: f"/people/visits/photos/{_visit_photo(w).pk}/",
        {"anonymous": 302, **LONGYUAN},
    ),
    ("person detail 梅西村", "GET", lambda w: f"/people/{w.people.meixi_person.pk}/", {"anonymous": 302, **MEIXI}),
    (
        "consent add 梅西村",
        "POST",
        lambda w: f"/people/{w.people.meixi_person.pk}/consents/",
        {"anonymous": 302, **{k: (302 if v == 200 else v) for k, v in MEIXI.items()}},
        lambda w: {
            "purpose": "care",
            "data_scope": "关爱走访",
            "given_on": _today.isoformat(),
            "given_by": "self",
        },
    ),
]
