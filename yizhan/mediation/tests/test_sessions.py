"""Sessions (separate or joint) under the risk block, per-party confidentiality (``session_records_for``), recusal,
appointments; their pages and API; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.mediation import selectors_safety
from yizhan.mediation.models import (
    Appointment,
    Case,
    CaseMember,
    CaseParty,
    CaseSession,
    Recusal,
    StudioMember,
)
from yizhan.mediation.services import safety, sessions
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network

RED = ["weapon", "prior_violence"]


@pytest.fixture
def net(world):
    return build_studio_network(world)


@pytest.fixture
def case(world, net):
    with scopes_disabled():
        return make_case(world, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)


def _parties(case):
    with scopes_disabled():
        parties = {p.role: p for p in CaseParty.all_objects.filter(case=case)}
    return parties["applicant"], parties["respondent"]


def _session(world, case, kind="separate", user="mediator", **kwargs):
    applicant, respondent = _parties(case)
    args = {"starts_at": timezone.now(), "place": "东灵社区调解室", "record": "申请人陈述。"}
    if kind == "separate":
        args["heard_party"] = applicant
    else:
        args["parties"] = [applicant, respondent]
    with scope_for(world.users[user]):
        return sessions.session_record(case=case, recorded_by=world.users[user], kind=kind, **{**args, **kwargs})


def _screen(world, case, answers):
    with scope_for(world.users["mediator"]):
        return safety.screening_record(case=case, screened_by=world.users["mediator"], answers=answers)


# --- the risk block -------------------------------------------------------------------------------------------------


def test_under_red_a_joint_session_is_refused_and_a_separate_one_is_recorded(world, case):
    _screen(world, case, RED)
    with pytest.raises(ValidationError) as refused:
        _session(world, case, "joint")
    assert "kind" in refused.value.message_dict
    assert not CaseSession.all_objects.filter(kind="joint").exists()
    separate = _session(world, case, "separate")
    assert separate.kind == "separate"
    assert AuditLog.all_objects.filter(target_type="mediation.casesession", action="create").count() == 1


def test_after_the_town_admins_override_the_joint_session_names_it(world, case):
    _screen(world, case, RED)
    with scope_for(world.users["town_admin"]):
        override = safety.joint_override_grant(case=case, granted_by=world.users["town_admin"], reason="受害人坚持")
    session = _session(world, case, "joint")
    assert session.override == override


def test_a_lower_screening_lifts_the_block(world, case):
    _screen(world, case, RED)
    _screen(world, case, ["alcohol_drugs"])
    assert _session(world, case, "joint").override is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"record": "长" * 10001}, "record"),
        ({"record": "bad\x07bell"}, "record"),
        ({"place": ""}, "place"),
        ({"place": "x" * 201}, "place"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": timezone.now() + timedelta(days=400)}, "starts_at"),
        ({"heard_party": None}, "heard_party"),
    ],
)
def test_bad_session_input_changes_nothing(world, case, kwargs, field):
    with pytest.raises(ValidationError) as refused:
        _session(world, case, "separate", **kwargs)
    assert field in refused.value.message_dict
    assert not CaseSession.all_objects.exists()


def test_joint_session_needs_two_parties_of_this_case(world, case, net):
    applicant, _respondent = _parties(case)
    with pytest.raises(ValidationError):
        _session(world, case, "joint", parties=[applicant])
    with scopes_disabled():
        other = make_case(world, status=Case.Status.ACCEPTED)
    stranger, _ = _parties(other)
    with pytest.raises(ValidationError):
        _session(world, case, "joint", parties=[applicant, stranger])
    with pytest.raises(ValidationError):
        _session(world, case, "separate", heard_party=stranger)


def test_emoji_and_line_breaks_survive_in_the_encrypted_record(world, case):
    session = _session(world, case, record="她说：😢\n不想再回去了。")
    with scopes_disabled():
        assert CaseSession.all_objects.get(pk=session.pk).record == "她说：😢\n不想再回去了。"


def test_sessions_need_an_accepted_case_and_permission(world, net):
    with scopes_disabled():
        intake = make_case(world)
    with pytest.raises(ValidationError):
        _session(world, intake)
    with scopes_disabled():
        accepted = make_case(world, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)
    with pytest.raises(PermissionDenied):
        _session(world, accepted, user="town_admin")
    assert _session(world, accepted, user="advisor").recorded_by == world.users["advisor"]


# --- per-party confidentiality ----------------------------------------------------------------------------------------


def test_session_records_for_keeps_a_partys_separate_session_from_the_other_party(world, case):
    applicant, respondent = _parties(case)
    hers = _session(world, case, heard_party=applicant, record="她的陈述（保密）")
    his = _session(world, case, heard_party=respondent, record="他的陈述")
    joint = _session(world, case, "joint", record="共同会谈")
    with scope_for(world.users["mediator"]):
        team = selectors_safety.session_records_for(case, audience="team")
        shared = selectors_safety.session_records_for(case, audience="shared")
        for_her = selectors_safety.session_records_for(case, audience=applicant)
        for_him = selectors_safety.session_records_for(case, audience=respondent)
    assert {s.pk for s in team} == {hers.pk, his.pk, joint.pk}
    assert [s.pk for s in shared] == [joint.pk]
    assert {s.pk for s in for_her} == {hers.pk, joint.pk}
    assert {s.pk for s in for_him} == {his.pk, joint.pk}
    assert all("她的陈述" not in s.record for s in for_him + shared)

    with scope_for(world.users["mediator"]):
        sessions.session_consent_record(session=hers, recorded_by=world.users["mediator"], version=hers.version)
        for_him = selectors_safety.session_records_for(case, audience=respondent)
        shared = selectors_safety.session_records_for(case, audience="shared")
    assert {s.pk for s in for_him} == {hers.pk, his.pk, joint.pk}
    assert {s.pk for s in shared} == {hers.pk, joint.pk}
    with scopes_disabled():
        stored = CaseSession.all_objects.get(pk=hers.pk)
    assert stored.shared_consent_recorded_by == world.users["mediator"]
    assert stored.shared_consent_at is not None


def test_session_records_for_refuses_a_party_of_another_case(world, case):
    with scopes_disabled():
        other = make_case(world, status=Case.Status.ACCEPTED)
    stranger, _ = _parties(other)
    with scope_for(world.users["mediator"]), pytest.raises(ValueError, match="audience"):
        selectors_safety.session_records_for(case, audience=stranger)
    with scope_for(world.users["mediator"]), pytest.raises(ValueError, match="audience"):
        selectors_safety.session_records_for(case, audience="everyone")


def test_consent_only_for_separate_sessions_once_and_version_checked(world, case):
    joint = _session(world, case, "joint")
    separate = _session(world, case)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        with pytest.raises(ValidationError):
            sessions.session_consent_record(session=joint, recorded_by=mediator, version=joint.version)
        with pytest.raises(StaleVersionError):
            sessions.session_consent_record(session=separate, recorded_by=mediator, version=99)
        sessions.session_consent_record(session=separate, recorded_by=mediator, version=separate.version)
        with pytest.raises(ValidationError):
            sessions.session_consent_record(session=separate, recorded_by=mediator, version=separate.version)


def test_selector_query_count_does_not_grow_with_sessions(world, case):
    def count():
        with scope_for(world.users["mediator"]), CaptureQueriesContext(connection) as ctx:
            for session in selectors_safety.session_records_for(case, audience="team"):
                [p.name for p in session.parties.all()] + [m.user.name for m in session.team.all()]
        return len(ctx.captured_queries)

    _session(world, case)
    few = count()
    for _ in range(5):
        _session(world, case)
        _session(world, case, "joint")
    assert count() == few


# --- record updates ---------------------------------------------------------------------------------------------------


def test_record_update_is_version_checked(world, case):
    session = _session(world, case)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        sessions.session_update_record(session=session, updated_by=mediator, version=1, record="补充记录")
        with pytest.raises(StaleVersionError):
            sessions.session_update_record(session=session, updated_by=mediator, version=1, record="另一版本")


# --- recusal ----------------------------------------------------------------------------------------------------------


def _lawyer(world, net):
    with scopes_disabled():
        return StudioMember.all_objects.get(studio=net.studio, user=world.users["advisor"])


def test_granted_recusal_takes_the_member_off_the_case_and_out_of_its_scope(world, net, case):
    applicant, _ = _parties(case)
    lawyer = _lawyer(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        with pytest.raises(ValidationError):
            sessions.recusal_request(case=case, recorded_by=mediator, member=lawyer, requested_by=applicant, reason="")
        recusal = sessions.recusal_request(
            case=case, recorded_by=mediator, member=lawyer, requested_by=applicant, reason="律师曾代理被申请人"
        )
    with scope_for(world.users["advisor"]), pytest.raises(PermissionDenied):
        sessions.recusal_decide(
            recusal=recusal, decided_by=world.users["advisor"], version=case.version, decision="granted"
        )
    with scope_for(mediator):
        sessions.recusal_decide(recusal=recusal, decided_by=mediator, version=case.version, decision="granted")
    with scopes_disabled():
        assert not CaseMember.all_objects.filter(case=case, member=lawyer).exists()
        assert Recusal.all_objects.get().decided_by == mediator
    with scope_for(world.users["advisor"]):
        assert not Case.objects.filter(pk=case.pk).exists()
    assert AuditLog.all_objects.filter(target_type="mediation.casemember", action="delete").count() == 1


def test_refusal_needs_grounds_and_a_stale_case_version_is_refused(world, net, case):
    applicant, _ = _parties(case)
    lawyer = _lawyer(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        recusal = sessions.recusal_request(
            case=case, recorded_by=mediator, member=lawyer, requested_by=applicant, reason="认为律师偏向对方"
        )
        with pytest.raises(ValidationError):
            sessions.recusal_decide(recusal=recusal, decided_by=mediator, version=case.version, decision="refused")
        with pytest.raises(StaleVersionError):
            sessions.recusal_decide(recusal=recusal, decided_by=mediator, version=99, decision="refused", note="无依据")
    with scope_for(world.users["town_admin"]):
        sessions.recusal_decide(
            recusal=recusal,
            decided_by=world.users["town_admin"],
            version=case.version,
            decision="refused",
            note="无依据",
        )
    with scopes_disabled():
        assert CaseMember.all_objects.filter(case=case, member=lawyer).exists()


def test_the_lead_cannot_decide_their_own_recusal(world, net, case):
    applicant, _ = _parties(case)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        recusal = sessions.recusal_request(
            case=case, recorded_by=mediator, member=net.member, requested_by=applicant, reason="与被申请人是亲戚"
        )
        with pytest.raises(ValidationError):
            sessions.recusal_decide(recusal=recusal, decided_by=mediator, version=case.version, decision="granted")
    with scope_for(world.users["town_admin"]):
        sessions.recusal_decide(
            recusal=recusal, decided_by=world.users["town_admin"], version=case.version, decision="granted"
        )
    with scopes_disabled():
        assert Case.all_objects.get(pk=case.pk).lead is None


# --- appointments -----------------------------------------------------------------------------------------------------


def _appointment(world, net, user="mediator", member=None, **kwargs):
    args = {
        "studio": net.studio,
        "member": member or _lawyer(world, net),
        "starts_at": timezone.now() + timedelta(days=2),
        "person_name": "陈女士",
        "mobile": "13900001111",
        "topic": "legal",
    }
    with scope_for(world.users[user]):
        return sessions.appointment_create(created_by=world.users[user], **{**args, **kwargs})


def test_appointments_are_listed_for_the_member_and_the_studio_not_for_other_advisors(world, net):
    mine = _appointment(world, net)
    other = _appointment(world, net, member=net.member, topic="counselling")
    with scope_for(world.users["advisor"]):
        assert list(selectors_safety.appointment_list()) == [mine]
    with scope_for(world.users["mediator"]):
        assert set(selectors_safety.appointment_list()) == {mine, other}
    with scope_for(world.users["station_manager"]):
        assert not selectors_safety.appointment_list().exists()
    assert mine.masked("mobile") == "139****1111"


def test_an_advisor_makes_appointments_for_herself_only(world, net):
    assert _appointment(world, net, user="advisor").member.user == world.users["advisor"]
    with pytest.raises(PermissionDenied):
        _appointment(world, net, user="advisor", member=net.member)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"person_name": ""},
        {"mobile": "12345"},
        {"topic": "astrology"},
        {"starts_at": timezone.now() - timedelta(days=3)},
        {"person_name": "名" * 101},
    ],
)
def test_bad_appointment_input_changes_nothing(world, net, kwargs):
    with pytest.raises(ValidationError):
        _appointment(world, net, **kwargs)
    assert not Appointment.all_objects.exists()


def test_appointment_status_by_the_member(world, net):
    appointment = _appointment(world, net)
    with scope_for(world.users["advisor"]):
        sessions.appointment_set_status(
            appointment=appointment, updated_by=world.users["advisor"], version=1, status="done"
        )
        with pytest.raises(StaleVersionError):
            sessions.appointment_set_status(
                appointment=appointment, updated_by=world.users["advisor"], version=1, status="cancelled"
            )


# --- pages and API ----------------------------------------------------------------------------------------------------


def _form(case, kind="separate", **changes):
    applicant, respondent = _parties(case)
    data = {
        "kind": kind,
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "调解室",
        "record": "记录",
    }
    if kind == "separate":
        data["heard_party"] = applicant.pk
    else:
        data["parties"] = [applicant.pk, respondent.pk]
    return {**data, **changes}


def test_sessions_page_refuses_a_joint_session_under_red_with_the_reason(world, case, client_for):
    _screen(world, case, RED)
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/sessions/"
    assert client.get(url).status_code == 200
    refused = client.post(url + "new/", _form(case, "joint"))
    assert refused.status_code == 400
    assert "背对背" in refused.content.decode()
    assert client.post(url + "new/", _form(case)).status_code == 302
    assert CaseSession.all_objects.get().kind == "separate"


def test_joint_session_page_shows_only_shared_records(world, case, client_for):
    applicant, _ = _parties(case)
    _session(world, case, heard_party=applicant, record="她的保密陈述")
    joint = _session(world, case, "joint", record="共同会谈记录")
    html = (
        client_for(world.users["mediator"])
        .get(f"/stations/studios/cases/{case.pk}/sessions/{joint.pk}/")
        .content.decode()
    )
    assert "共同会谈记录" in html
    assert "她的保密陈述" not in html


def test_admin_sees_session_records_masked(world, case, client_for):
    session = _session(world, case, record="保密内容")
    html = (
        client_for(world.users["town_admin"])
        .get(f"/stations/studios/cases/{case.pk}/sessions/{session.pk}/")
        .content.decode()
    )
    assert "保密内容" not in html


def test_advisor_not_on_the_case_gets_404(world, net, client_for):
    with scopes_disabled():
        off = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    client = client_for(world.users["advisor"])
    assert client.get(f"/stations/studios/cases/{off.pk}/sessions/").status_code == 404
    assert client.get(f"/api/cases/{off.pk}/sessions").status_code == 404


def test_api_sessions_confidentiality_and_recusal(world, net, case, client_for):
    _screen(world, case, RED)
    client = client_for(world.users["mediator"])
    applicant, respondent = _parties(case)
    base = f"/api/cases/{case.pk}"
    joint = {
        "kind": "joint",
        "starts_at": timezone.now().isoformat(),
        "place": "调解室",
        "parties": [applicant.pk, respondent.pk],
    }
    refused = client.post(f"{base}/sessions", joint, content_type="application/json")
    assert refused.status_code == 400
    separate = {
        "kind": "separate",
        "starts_at": timezone.now().isoformat(),
        "place": "调解室",
        "heard_party": applicant.pk,
        "record": "陈述 🙂",
    }
    made = client.post(f"{base}/sessions", separate, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["confidential"] is True
    huge = client.post(f"{base}/sessions", {**separate, "record": "长" * 10001}, content_type="application/json")
    assert huge.status_code == 422
    consent = client.post(
        f"{base}/sessions/{made.json()['id']}/consent", {"version": 1}, content_type="application/json"
    )
    assert consent.status_code == 200
    assert consent.json()["confidential"] is False
    listed = client_for(world.users["town_admin"]).get(f"{base}/sessions").json()
    assert listed[0]["record"] != "陈述 🙂"
    lawyer = _lawyer(world, net)
    asked = client.post(
        f"{base}/recusals",
        {"member": lawyer.pk, "requested_by": applicant.pk, "reason": "利害关系"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    with scopes_disabled():
        version = Case.all_objects.get(pk=case.pk).version
    decided = client.post(
        f"{base}/recusals/{asked.json()['id']}/decide",
        {"version": version, "decision": "granted"},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert client_for(world.users["advisor"]).get(base).status_code == 404


def test_api_appointments(world, net, client_for):
    lawyer = _lawyer(world, net)
    client = client_for(world.users["mediator"])
    payload = {
        "studio": net.studio.pk,
        "member": lawyer.pk,
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
        "person_name": "陈女士",
        "mobile": "13900001111",
        "topic": "legal",
    }
    made = client.post("/api/cases/appointments", payload, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["mobile"] == "139****1111"
    assert (
        client.post("/api/cases/appointments", {**payload, "mobile": "1"}, content_type="application/json").status_code
        == 400
    )
    mine = client_for(world.users["advisor"]).get("/api/cases/appointments").json()
    assert mine["meta"]["count"] == 1
    status = client_for(world.users["advisor"]).post(
        f"/api/cases/appointments/{made.json()['id']}/status",
        {"version": 1, "status": "done"},
        content_type="application/json",
    )
    assert status.status_code == 200
    assert status.json()["status"] == "done"


def test_appointments_page_lists_and_makes(world, net, client_for):
    client = client_for(world.users["advisor"])
    assert client.get("/stations/studios/appointments/").status_code == 200
    lawyer = _lawyer(world, net)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"member": lawyer.pk, "starts_at": when, "person_name": "陈女士", "mobile": "13900001111", "topic": "legal"}
    assert client.post("/stations/studios/appointments/new/", {**data, "person_name": ""}).status_code == 400
    assert client.post("/stations/studios/appointments/new/", data).status_code == 302
    html = client.get("/stations/studios/appointments/").content.decode()
    assert "139****1111" in html
    assert "13900001111" not in html
