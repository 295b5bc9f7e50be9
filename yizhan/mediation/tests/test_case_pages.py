"""Case pages and API: the list (filters, paging, query count independent of the table), intake, the case page and
its actions; bad input answers 400 in Chinese and changes nothing; the advisor reaches only the cases she is on."""

import json

import pytest
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Case, CaseParty, DisputeType
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.tests.network import count_queries


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _stored(case) -> Case:
    with scopes_disabled():
        return Case.all_objects.get(pk=case.pk)


def _intake_form(**changes):
    with scopes_disabled():
        divorce = DisputeType.objects.get(code="divorce").pk
    return {
        "source": "walk_in",
        "dispute_type": divorce,
        "received_on": timezone.localdate().isoformat(),
        "narrative": "婚后因家务分工长期争吵。",
        "applicant_name": "李秀英",
        "applicant_mobile": "13912345678",
        "respondent_name": "王强",
        "respondent_relation": "丈夫",
        **changes,
    }


def test_intake_then_the_case_page_masks_mobiles_and_shows_the_narrative_to_the_mediator(net, world, client_for):
    client = client_for(world.users["mediator"])
    response = client.post(f"/stations/studios/{net.studio.pk}/cases/new/", _intake_form())
    assert response.status_code == 302
    with scopes_disabled():
        case = Case.all_objects.get()
    html = client.get(response.url).content.decode()
    assert case.number in html
    assert "139****5678" in html
    assert "13912345678" not in html
    assert "婚后因家务分工长期争吵。" in html
    admin_html = client_for(world.users["town_admin"]).get(response.url).content.decode()
    assert "婚后因家务分工长期争吵。" not in admin_html  # admins open it only through the audited reveal
    assert f"/reveal/mediation.case/{case.pk}/narrative/" in admin_html


def test_narrative_reveal_by_an_admin_is_audited(net, world, client_for):
    with scopes_disabled():
        case = make_case(world, narrative="涉及家庭暴力的陈述")
    url = f"/reveal/mediation.case/{case.pk}/narrative/"
    assert client_for(world.users["mediator"]).post(url, {"reason": "督导"}).status_code == 403
    assert client_for(world.users["other_town_admin"]).post(url, {"reason": "督导"}).status_code == 404
    response = client_for(world.users["town_admin"]).post(url, {"reason": "案件督导"})
    assert response.status_code == 200
    assert "涉及家庭暴力的陈述" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"applicant_name": ""}, "必填"),
        ({"narrative": "长" * 5001}, "5000"),
        ({"applicant_mobile": "12345"}, "11"),
        ({"applicant_name": "a\x01b"}, "控制字符"),
    ],
)
def test_bad_intake_answers_400_in_chinese_and_writes_nothing(net, world, client_for, changes, message):
    response = client_for(world.users["mediator"]).post(
        f"/stations/studios/{net.studio.pk}/cases/new/", _intake_form(**changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not Case.all_objects.exists()


def test_accept_without_willingness_shows_the_law_and_changes_nothing(net, world, client_for):
    with scopes_disabled():
        case = make_case(world)
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/"
    response = client.post(url + "accept/", {"version": 1, "notice_given": "on"})
    assert response.status_code == 400
    assert "人民调解法" in response.content.decode()
    assert _stored(case).status == Case.Status.INTAKE
    response = client.post(url + "not-accept/", {"version": 1, "reason": "", "referral": ""})
    assert response.status_code == 400
    assert "不予受理的原因" in response.content.decode()
    assert _stored(case).version == 1


def test_closing_a_case_in_intake_is_refused(net, world, client_for):
    with scopes_disabled():
        case = make_case(world, lead=True)
    response = client_for(world.users["mediator"]).post(
        f"/stations/studios/cases/{case.pk}/close/", {"version": 1, "outcome": "agreement", "agreement_form": "oral"}
    )
    assert response.status_code == 400
    assert "只有已受理的案件才能结案" in response.content.decode()
    assert _stored(case).status == Case.Status.INTAKE


def test_the_lawyer_cannot_lead(net, world, client_for):
    with scopes_disabled():
        case = make_case(world)
        lawyer = net.studio.members.get(user=world.users["advisor"])
    response = client_for(world.users["mediator"]).post(
        f"/stations/studios/cases/{case.pk}/team/", {"version": 1, "lead": lawyer.pk}
    )
    assert response.status_code == 400
    assert "可以主持调解的调解员" in response.content.decode()
    assert _stored(case).lead_id is None


def test_bad_filters_answer_400_and_list_nothing(net, world, client_for):
    with scopes_disabled():
        make_case(world)
    response = client_for(world.users["mediator"]).get("/stations/studios/cases/", {"year": "1800"})
    assert response.status_code == 400
    assert 'data-testid="case-row"' not in response.content.decode()


def test_filters_and_overdue_badge(net, world, client_for):
    with scopes_disabled():
        late = make_case(world, status=Case.Status.ACCEPTED, lead=True)
        Case.all_objects.filter(pk=late.pk).update(accepted_at=timezone.now() - timezone.timedelta(days=40))
        make_case(world)
    client = client_for(world.users["mediator"])
    html = client.get("/stations/studios/cases/", {"status": "accepted"}).content.decode()
    assert html.count('data-testid="case-row"') == 1
    assert 'data-testid="overdue"' in html
    html = client.get("/stations/studios/cases/", {"dispute_type": "divorce"}).content.decode()
    assert html.count('data-testid="case-row"') == 0


PINNED = 10


@pytest.mark.parametrize("n", [5, 60])
def test_case_list_query_count_does_not_grow(net, world, client_for, n, django_assert_num_queries):
    with scopes_disabled():
        for _ in range(n):
            make_case(world, advisor_on=True, lead=True)
    client = client_for(world.users["mediator"])
    client.get("/accounts/home/")  # session warm-up
    url = "/stations/studios/cases/?page=2" if n > 30 else "/stations/studios/cases/"
    with django_assert_num_queries(PINNED):
        response = client.get(url)
    assert response.status_code == 200
    assert count_queries(client_for(world.users["advisor"]), "/stations/studios/cases/") == PINNED


# --- API ---


def _post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_intake_accept_team_close(net, world, client_for):
    client = client_for(world.users["mediator"])
    response = _post(
        client,
        "/api/cases/",
        {
            "studio": net.studio.pk,
            "source": "court",
            "dispute_type": "elder_support",
            "narrative": "子女就赡养费分担发生争议 🙏",
            "parties": [
                {"role": "applicant", "name": "赵桂兰", "mobile": "13712345678"},
                {"role": "respondent", "name": "赵建国", "relation": "儿子"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parties"][0]["mobile"] == "137****5678"
    assert body["narrative"] == "子女就赡养费分担发生争议 🙏"
    case_id = body["id"]
    assert (
        _post(
            client, f"/api/cases/{case_id}/accept", {"version": 1, "willingness_recorded": True, "notice_given": False}
        ).status_code
        == 400
    )
    accepted = _post(
        client, f"/api/cases/{case_id}/accept", {"version": 1, "willingness_recorded": True, "notice_given": True}
    )
    assert accepted.json()["status"] == "accepted"
    assert (
        _post(
            client, f"/api/cases/{case_id}/accept", {"version": 1, "willingness_recorded": True, "notice_given": True}
        ).status_code
        == 409
    )
    team = _post(client, f"/api/cases/{case_id}/team", {"version": 2, "lead": net.member.pk})
    assert team.json()["lead"] == "mediator"
    closed = _post(
        client,
        f"/api/cases/{case_id}/close",
        {"version": 3, "outcome": "withdrawn", "reason": "双方自行和解"},
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "withdrawn"
    admin = client_for(world.users["town_admin"]).get(f"/api/cases/{case_id}").json()
    assert admin["narrative"] == "******"


def test_api_patch_stale_version_is_409_and_changes_nothing(net, world, client_for):
    with scopes_disabled():
        case = make_case(world)
    client = client_for(world.users["mediator"])
    url = f"/api/cases/{case.pk}"
    assert (
        client.patch(url, json.dumps({"version": 1, "narrative": "新"}), content_type="application/json").status_code
        == 200
    )
    response = client.patch(url, json.dumps({"version": 1, "narrative": "旧"}), content_type="application/json")
    assert response.status_code == 409
    assert _stored(case).narrative == "新"


def test_advisor_not_on_the_case_gets_404_like_a_missing_one(net, world, client_for):
    with scopes_disabled():
        off = make_case(world)
    advisor = client_for(world.users["advisor"])
    missing = advisor.get("/api/cases/999999")
    hidden = advisor.get(f"/api/cases/{off.pk}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    with scopes_disabled():
        assert CaseParty.all_objects.filter(case=off).count() == 2
