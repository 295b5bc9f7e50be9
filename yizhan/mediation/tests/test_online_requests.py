"""Online requests for mediation (issue 11, intake source "online request"): a resident sends one from the studio's
public page, the studio's mediators are told and take it in as a case or decline it; nobody else reads it."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Case, CaseNumberCounter, DisputeType, OnlineRequest
from yizhan.mediation.services.requests import (
    online_request_decline,
    online_request_submit,
    online_request_take_in,
)
from yizhan.mediation.tests.network import build_studio_network
from yizhan.notifications.models import Notification

GOOD = {"name": "李秀英", "mobile": "139 1234 5678", "description": "丈夫多次酒后吵闹，想咨询离婚和孩子抚养。"}


@pytest.fixture
def net(world):
    with scopes_disabled():
        reference.load()
    return build_studio_network(world)


def _submit(net, **changes):
    data = {**GOOD, "dispute_type": None, "consent": True, **changes}
    return online_request_submit(studio=net.studio, **data)


def test_a_request_is_stored_encrypted_and_the_mediators_are_told(net, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = _submit(net, dispute_type=DisputeType.objects.get(code="divorce"), contact_time="工作日晚上")
    assert request.status == OnlineRequest.Status.NEW
    assert request.mobile == "13912345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile, description FROM mediation_onlinerequest WHERE id = %s", [request.pk])
        stored_mobile, stored_description = cursor.fetchone()
    assert "13912345678" not in stored_mobile
    assert "酒后" not in stored_description
    with scopes_disabled():
        told = Notification.all_objects.get(kind="online_request")
        assert told.user == world.users["mediator"]
        assert "李秀英" not in told.body  # a notification names no one
        assert "1391234" not in told.body
        # a request is not a case: no case, no case number used
        assert not Case.all_objects.exists()
        assert not CaseNumberCounter.all_objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"mobile": "12345"}, "mobile"),
        ({"description": "  "}, "description"),
        ({"description": "很长" * 1001}, "description"),
        ({"name": "李\x00秀英"}, "name"),
        ({"consent": False}, "consent"),
    ],
)
def test_bad_requests_say_what_is_wrong_and_store_nothing(net, changes, field):
    with pytest.raises(ValidationError) as exc:
        _submit(net, **changes)
    assert field in exc.value.message_dict
    with scopes_disabled():
        assert not OnlineRequest.all_objects.exists()


def test_a_mediator_takes_it_in_as_a_case_once(net, world):
    request = _submit(net)
    with scope_for(world.users["mediator"]):
        case = online_request_take_in(request=request, taken_by=world.users["mediator"], version=1)
        assert case.source == Case.Source.ONLINE
        assert case.narrative == GOOD["description"]
        applicant = case.parties.get()
        assert (applicant.name, applicant.mobile, applicant.role) == ("李秀英", "13912345678", "applicant")
        request.refresh_from_db()
        assert request.status == OnlineRequest.Status.TAKEN_IN
        assert request.case == case
        with pytest.raises(ValidationError):
            online_request_take_in(request=request, taken_by=world.users["mediator"], version=2)
        assert Case.objects.count() == 1


def test_declining_needs_a_reason_and_only_the_studio_mediators_handle_requests(net, world):
    request = _submit(net)
    with scope_for(world.users["mediator"]):
        with pytest.raises(ValidationError) as exc:
            online_request_decline(request=request, declined_by=world.users["mediator"], version=1, reason=" ")
        assert "reason" in exc.value.message_dict
    with scope_for(world.users["town_admin"]), pytest.raises(PermissionDenied):
        online_request_take_in(request=request, taken_by=world.users["town_admin"], version=1)
    with scope_for(world.users["mediator"]):
        online_request_decline(request=request, declined_by=world.users["mediator"], version=1, reason="不属于家事纠纷")
    request.refresh_from_db()
    assert (request.status, request.decline_reason) == (OnlineRequest.Status.DECLINED, "不属于家事纠纷")
    # the advisors of the studio and the admins of another town do not see requests at all
    for user in ("advisor", "other_town_admin", "station_manager"):
        with scope_for(world.users[user]):
            assert not OnlineRequest.objects.exists(), user
    with scope_for(world.users["town_admin"]):
        assert OnlineRequest.objects.count() == 1


def test_the_public_page_sends_a_request_and_bad_input_changes_nothing(net, world, client_for):
    url = f"/public/studios/{net.studio.pk}/request/"
    studio_page = Client().get(f"/public/studios/{net.studio.pk}/").content.decode()
    assert f'href="{url}"' in studio_page
    client = Client()
    assert "在线申请调解" in client.get(url).content.decode()
    bad = client.post(url, {**GOOD, "mobile": "123"})
    assert bad.status_code == 400
    assert "以 1 开头的 11 位手机号" in bad.content.decode()
    assert "请同意工作室" in bad.content.decode()
    with scopes_disabled():
        assert not OnlineRequest.all_objects.exists()
    sent = client.post(url, {**GOOD, "consent": "on"})
    assert sent.status_code == 200
    assert 'data-testid="request-sent"' in sent.content.decode()
    with scopes_disabled():
        assert OnlineRequest.all_objects.get().name == "李秀英"
    # the studio's mediator finds it on the studio page and its list; the advisor does not
    mediator = client_for(world.users["mediator"])
    assert "网上调解申请（1 份新申请）" in mediator.get(f"/stations/studios/{net.studio.pk}/").content.decode()
    listed = mediator.get(f"/stations/studios/{net.studio.pk}/requests/").content.decode()
    assert "丈夫多次酒后吵闹" in listed
    assert "139****5678" in listed
    admin = client_for(world.users["town_admin"]).get(f"/stations/studios/{net.studio.pk}/requests/").content.decode()
    assert "丈夫多次酒后吵闹" not in admin  # the admins open the account only with a reason (audited reveal)
    assert (
        "requests-link"
        not in client_for(world.users["advisor"]).get(f"/stations/studios/{net.studio.pk}/").content.decode()
    )


def test_requests_are_rate_limited_per_address(net, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "signup": "1/hour"}
    cache.clear()
    url = f"/public/studios/{net.studio.pk}/request/"
    client = Client()
    assert client.post(url, {**GOOD, "consent": "on"}).status_code == 200
    refused = client.post(url, {**GOOD, "consent": "on"})
    assert refused.status_code == 429
    assert "提交次数过多" in refused.content.decode()
    with scopes_disabled():
        assert OnlineRequest.all_objects.count() == 1
    cache.clear()


def test_the_api_sends_lists_takes_in_and_declines(net, world, client_for):
    public = Client()
    url = f"/api/public/studios/{net.studio.pk}/requests"
    bad = public.post(url, {**GOOD, "dispute_type": "nonsense", "consent": True}, content_type="application/json")
    assert bad.status_code == 400  # the project's answer to a ValidationError: 400 with the messages by field
    assert bad.json()["errors"] == {"dispute_type": ["请从列表中选择纠纷类型。"]}
    for name in ("李秀英", "王芳"):
        sent = public.post(url, {**GOOD, "name": name, "consent": True}, content_type="application/json")
        assert sent.status_code == 201, sent.content
    mediator = client_for(world.users["mediator"])
    listed = mediator.get(f"/api/studios/{net.studio.pk}/requests").json()
    assert listed["meta"]["count"] == 2
    first = listed["items"][0]
    assert first["mobile_masked"] == "139****5678"
    assert first["description"] == GOOD["description"]
    admin_view = client_for(world.users["town_admin"]).get(f"/api/studios/{net.studio.pk}/requests").json()
    assert "酒后" not in admin_view["items"][0]["description"]
    assert client_for(world.users["advisor"]).get(f"/api/studios/{net.studio.pk}/requests").status_code == 403
    taken = mediator.post(
        f"/api/studios/{net.studio.pk}/requests/{first['id']}/take-in", {"version": 1}, content_type="application/json"
    )
    assert taken.status_code == 201
    with scopes_disabled():
        assert Case.all_objects.get(pk=taken.json()["case"]).source == "online"
    second = listed["items"][1]
    declined = mediator.post(
        f"/api/studios/{net.studio.pk}/requests/{second['id']}/decline",
        {"version": 1, "reason": "已电话联系，当事人不再需要"},
        content_type="application/json",
    )
    assert declined.json()["status"] == "declined"


@pytest.mark.parametrize("n", [1, 12])
def test_the_requests_page_costs_the_same_queries_at_any_number(net, world, client_for, n, django_assert_num_queries):
    for i in range(n):
        _submit(net, name=f"申请人{i}")
    client = client_for(world.users["mediator"])
    client.get(f"/stations/studios/{net.studio.pk}/requests/")  # session warm-up
    with django_assert_num_queries(9):
        assert client.get(f"/stations/studios/{net.studio.pk}/requests/").status_code == 200
