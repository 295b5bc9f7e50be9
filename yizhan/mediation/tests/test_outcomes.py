"""Outcome services, tasks, pages and API: the agreement (art. 29) with its missing items named, locked by the signed
scan and changed only by a new version; judicial confirmation on day 30 but not 31 (art. 33); extension only with
every party's consent; follow-ups after the agreement only; reopening; idempotent alerts; bad uploads and text."""

import base64
import json
import sqlite3
import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.mediation import reference, services, tasks
from yizhan.mediation.models import (
    Agreement,
    AgreementParty,
    Case,
    CaseAlert,
    CaseExtension,
    CaseParty,
    FollowUp,
    JudicialConfirmation,
)
from yizhan.mediation.services import PartyDetails
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.outcomes import CONTENT, PDF_BYTES, make_agreement_case, make_follow_ups
from yizhan.notifications.models import Notification
from yizhan.stations import reference as station_reference
from yizhan.stations.tests.network import count_queries, png_bytes
from yizhan.tests.factories import build_world


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _fresh(obj):
    with scopes_disabled():
        return type(obj).all_objects.get(pk=obj.pk)


def _freeze(monkeypatch, day: date):
    """A fixed clock: ``timezone.now()`` (and so ``localdate()``) is noon of ``day`` in Shanghai."""
    moment = timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _parties(case):
    with scopes_disabled():
        return list(CaseParty.all_objects.filter(case=case).order_by("role", "pk"))


def _save(world, case, **changes):
    mediator = world.users["mediator"]
    details = [
        PartyDetails(party=p, gender="female" if p.role == "applicant" else "male", age=35, address="瓜沥镇东灵社区")
        for p in _parties(case)
    ]
    args = {
        **CONTENT,
        "perform_by": timezone.localdate() + timedelta(days=30),
        "copies": 3,
        "parties": details,
        "version": _fresh(case).version,
    }
    with scope_for(mediator):
        return services.agreement_save(case=_fresh(case), saved_by=mediator, **{**args, **changes})


def _agreed_case(world):
    case = make_case(world, status=Case.Status.AGREEMENT, lead=True)
    with scopes_disabled():
        Case.all_objects.filter(pk=case.pk).update(
            agreement_form=Case.AgreementForm.WRITTEN, closed_at=timezone.now() - timedelta(days=1)
        )
    return _fresh(case)


def _upload(world, case, upload, signed_on=None):
    mediator = world.users["mediator"]
    with scope_for(mediator):
        return services.agreement_upload_scan(
            case=_fresh(case),
            uploaded_by=mediator,
            version=_fresh(case).version,
            upload=upload,
            signed_on=signed_on or timezone.localdate(),
        )


def _pdf_upload(content=PDF_BYTES, name="signed.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- the agreement ------------------------------------------------------------------------------------------------


def test_an_agreement_is_saved_encrypted_audited_and_version_checked(world, net):
    case = _agreed_case(world)
    agreement = _save(world, case)
    assert agreement.revision == 1
    assert agreement.terms == CONTENT["terms"]
    with scopes_disabled():
        assert AgreementParty.all_objects.filter(agreement=agreement).count() == 2
        assert AuditLog.all_objects.filter(target_type="mediation.agreement", action="create").count() == 1
        assert _fresh(case).version == 2
    with pytest.raises(StaleVersionError):
        _save(world, case, version=1, terms="改过的条款")
    assert _fresh(agreement).terms == CONTENT["terms"]


def test_an_agreement_needs_a_case_closed_with_a_written_agreement(world, net):
    accepted = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    with pytest.raises(ValidationError, match="达成调解协议"):
        _save(world, accepted)
    oral = _agreed_case(world)
    with scopes_disabled():
        Case.all_objects.filter(pk=oral.pk).update(agreement_form=Case.AgreementForm.ORAL)
    with pytest.raises(ValidationError, match="口头"):
        _save(world, oral)


def test_only_the_studios_mediators_write_the_agreement(world, net):
    case = _agreed_case(world)
    with scope_for(world.users["town_admin"]), pytest.raises(PermissionDenied):
        services.agreement_save(case=_fresh(case), saved_by=world.users["town_admin"], version=1, terms="x")


def test_missing_items_are_named(world, net):
    case = _agreed_case(world)
    agreement = _save(world, case, matters="", performance="", perform_by=None, copies=2, parties=[])
    with scope_for(world.users["mediator"]):
        missing = services.agreement_missing(agreement, _parties(case))
    text = "；".join(missing)
    assert "争议事项" in text
    assert "履行方式" in text
    assert "履行期限" in text
    assert "至少 3 份" in text
    assert "李秀英的基本情况（性别、年龄、地址）" in text
    assert "王强的基本情况" in text
    assert "主要事实" not in text  # given
    with pytest.raises(ValidationError, match="争议事项"):
        _upload(world, case, _pdf_upload())


def test_huge_text_and_control_characters_are_refused_and_emoji_kept(world, net):
    case = _agreed_case(world)
    with pytest.raises(ValidationError) as info:
        _save(world, case, terms="长" * 5001, facts="a\x01b")
    assert set(info.value.message_dict) == {"terms", "facts"}
    with scopes_disabled():
        assert not Agreement.all_objects.exists()
    agreement = _save(world, case, terms="双方和好 🙂👨‍👩‍👧\n第二行")
    assert _fresh(agreement).terms == "双方和好 🙂👨‍👩‍👧\n第二行"


# --- the signed scan: lock and new versions ------------------------------------------------------------------------


def test_the_signed_scan_locks_the_agreement_and_a_change_makes_a_new_version(world, net):
    case = _agreed_case(world)
    _save(world, case)
    locked = _upload(world, case, _pdf_upload())
    assert locked.is_locked
    assert locked.scan_content_type == "application/pdf"
    assert locked.signed_on == timezone.localdate()
    with pytest.raises(ValidationError, match="锁定"):
        _upload(world, case, _pdf_upload())
    second = _save(world, case, terms="王强每月支付抚养费一千二百元。")
    assert second.revision == 2
    assert not second.is_locked
    first = _fresh(locked)
    assert first.superseded_at is not None
    assert first.terms == CONTENT["terms"]  # the signed version is kept as it was
    assert first.is_locked
    with scopes_disabled():
        assert list(Agreement.all_objects.filter(case=case).values_list("revision", flat=True)) == [2, 1]
        assert AgreementParty.all_objects.filter(agreement=second).count() == 2


def test_an_image_scan_is_re_encoded_and_stored(world, net):
    case = _agreed_case(world)
    _save(world, case)
    locked = _upload(world, case, SimpleUploadedFile("scan.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg"))
    assert locked.scan_content_type == "image/jpeg"
    assert locked.scan.endswith(".jpg")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.docx", b"PK\x03\x04 word document", content_type="application/pdf"), "PDF 或图片"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n", content_type="application/pdf"), "不完整"),
        (SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnot really", content_type="image/png"), "不是可识别的图片"),
        (SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024) + b"%%EOF"), "10 MB"),
        (SimpleUploadedFile("x.pdf", b""), "空"),
        (None, "扫描件"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_changes(world, net, upload, message):
    case = _agreed_case(world)
    agreement = _save(world, case)
    with pytest.raises(ValidationError) as info:
        _upload(world, case, upload)
    assert message in " ".join(info.value.messages)
    assert not _fresh(agreement).is_locked
    assert _fresh(case).version == 2


# --- judicial confirmation (art. 33) -------------------------------------------------------------------------------


def _apply(world, case, applied_on, **changes):
    mediator = world.users["mediator"]
    args = {"applied_on": applied_on, "court": "杭州市萧山区人民法院", "joint": True}
    with scope_for(mediator):
        return services.confirmation_apply(
            case=_fresh(case), recorded_by=mediator, version=_fresh(case).version, **{**args, **changes}
        )


@pytest.mark.parametrize(("day", "accepted"), [(0, True), (30, True), (31, False)])
def test_confirmation_can_be_applied_for_until_day_30_with_a_fixed_clock(world, net, monkeypatch, day, accepted):
    signed = date(2026, 3, 2)
    case, agreement = make_agreement_case(world, locked=True)
    with scopes_disabled():
        Agreement.all_objects.filter(pk=agreement.pk).update(signed_on=signed)
        Case.all_objects.filter(pk=case.pk).update(
            closed_at=timezone.make_aware(datetime.combine(date(2026, 3, 1), time(10)))
        )
    _freeze(monkeypatch, signed + timedelta(days=day))
    assert services.outcomes.confirmation_days_left(_fresh(agreement)) == 30 - day
    if accepted:
        confirmation = _apply(world, case, timezone.localdate())
        assert confirmation.decision == JudicialConfirmation.Decision.PENDING
        return
    with pytest.raises(ValidationError) as info:
        _apply(world, case, timezone.localdate())
    text = " ".join(info.value.messages)
    assert "30 日内" in text
    assert "2026-04-01" in text  # the last day
    assert "第 31 天" in text
    with scopes_disabled():
        assert not JudicialConfirmation.all_objects.exists()


def test_confirmation_needs_the_signed_agreement_and_a_joint_application(world, net):
    case, _agreement = make_agreement_case(world)
    with pytest.raises(ValidationError, match="扫描件"):
        _apply(world, case, timezone.localdate())
    case, _agreement = make_agreement_case(world, locked=True)
    with pytest.raises(ValidationError) as info:
        _apply(world, case, timezone.localdate(), joint=False, court="")
    assert set(info.value.message_dict) == {"joint", "court"}


def test_the_courts_decision_is_recorded_with_its_ruling_number(world, net):
    case, _agreement = make_agreement_case(world, locked=True)
    _apply(world, case, timezone.localdate())
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError, match="调确字"):
        services.confirmation_decide(
            case=_fresh(case),
            recorded_by=mediator,
            version=_fresh(case).version,
            decision="confirmed",
            decided_on=timezone.localdate(),
            ruling_number="",
        )
    with scope_for(mediator):
        confirmation = services.confirmation_decide(
            case=_fresh(case),
            recorded_by=mediator,
            version=_fresh(case).version,
            decision="confirmed",
            decided_on=timezone.localdate(),
            ruling_number="（2026）浙0109民特调确字第 15 号",
        )
    assert confirmation.decision == "confirmed"
    assert confirmation.ruling_number.endswith("第 15 号")


# --- time limit and its alerts -----------------------------------------------------------------------------------


def _extend(world, case, parties, **changes):
    mediator = world.users["mediator"]
    args = {
        "new_deadline": _fresh(case).deadline + timedelta(days=15),
        "reason": "双方希望再协商一次",
        "consented_on": timezone.localdate(),
        "consenting_parties": parties,
    }
    with scope_for(mediator):
        return services.case_extend(
            case=_fresh(case), extended_by=mediator, version=_fresh(case).version, **{**args, **changes}
        )


def test_an_extension_needs_every_partys_consent(world, net):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    applicant, respondent = _parties(case)
    before = _fresh(case).deadline
    with pytest.raises(ValidationError) as info:
        _extend(world, case, [applicant])
    assert "王强" in " ".join(info.value.message_dict["consenting_parties"])
    assert _fresh(case).deadline == before
    extension = _extend(world, case, [applicant, respondent])
    assert _fresh(case).deadline == before + timedelta(days=15)
    assert extension.old_deadline == before
    with scopes_disabled():
        assert set(extension.consenting_parties.all()) == {applicant, respondent}
        row = AuditLog.all_objects.get(target_type="mediation.caseextension")
        assert row.changes["consenting_parties"][1] == ["李秀英", "王强"]


def test_an_extension_must_move_the_deadline_later_and_within_a_year(world, net):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    parties = _parties(case)
    with pytest.raises(ValidationError, match="之后"):
        _extend(world, case, parties, new_deadline=_fresh(case).deadline)
    with pytest.raises(ValidationError, match="365"):
        _extend(world, case, parties, new_deadline=timezone.localdate() + timedelta(days=400))
    with pytest.raises(ValidationError, match="原因"):
        _extend(world, case, parties, reason="")


def test_the_deadline_alert_reaches_the_lead_once_and_only_when_due(world, net, monkeypatch):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    deadline = _fresh(case).deadline
    assert tasks.alert_deadline_soon.call(case_id=case.pk, deadline=deadline.isoformat()) is None  # too early
    _freeze(monkeypatch, deadline - timedelta(days=5))
    first = tasks.alert_deadline_soon.call(case_id=case.pk, deadline=deadline.isoformat())
    again = tasks.alert_deadline_soon.call(case_id=case.pk, deadline=deadline.isoformat())
    assert first is not None
    assert again is None
    with scopes_disabled():
        notification = Notification.all_objects.get(pk=first)
        assert notification.user == world.users["mediator"]
        assert case.number in notification.body
        assert CaseAlert.all_objects.filter(case=case, kind="deadline_soon").count() == 1
    # An alert planned for an older deadline does nothing once the deadline moved.
    assert tasks.alert_deadline_soon.call(case_id=case.pk, deadline=(deadline - timedelta(days=1)).isoformat()) is None


def test_the_overdue_alert_reaches_the_towns_admins_once(world, net, monkeypatch):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    deadline = _fresh(case).deadline
    assert tasks.alert_overdue.call(case_id=case.pk, deadline=deadline.isoformat()) == []
    _freeze(monkeypatch, deadline + timedelta(days=1))
    sent = tasks.alert_overdue.call(case_id=case.pk, deadline=deadline.isoformat())
    assert tasks.alert_overdue.call(case_id=case.pk, deadline=deadline.isoformat()) == []
    with scopes_disabled():
        users = {n.user.username for n in Notification.all_objects.filter(pk__in=sent)}
    assert users == {"town_admin"}  # not the district's, not the other town's


def test_extension_and_acceptance_plan_the_alerts_for_the_current_deadline(
    world, net, django_capture_on_commit_callbacks, monkeypatch
):
    planned = []
    monkeypatch.setattr(tasks, "deadline_alert_days", lambda: 5)
    real = tasks.plan_deadline_alerts

    def spy(case):
        planned.append(case.deadline)
        real(case)

    monkeypatch.setattr(services.outcomes, "plan_deadline_alerts", spy)
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    with django_capture_on_commit_callbacks(execute=True):
        _extend(world, case, _parties(case))
    assert planned == [_fresh(case).deadline]
    with scopes_disabled():
        assert not CaseAlert.all_objects.exists()  # queued to run later; the immediate backend ran it early: nothing


def test_the_confirmation_alert_comes_on_day_25_once_unless_applied(world, net, monkeypatch):
    case, agreement = make_agreement_case(world, locked=True)
    signed = agreement.signed_on
    assert tasks.alert_confirmation_window.call(agreement_id=agreement.pk) is None  # day 0
    _freeze(monkeypatch, signed + timedelta(days=25))
    first = tasks.alert_confirmation_window.call(agreement_id=agreement.pk)
    assert first is not None
    assert tasks.alert_confirmation_window.call(agreement_id=agreement.pk) is None
    other, other_agreement = make_agreement_case(world, locked=True)
    with scopes_disabled():
        Agreement.all_objects.filter(pk=other_agreement.pk).update(signed_on=signed)
    _apply(world, other, timezone.localdate())
    assert tasks.alert_confirmation_window.call(agreement_id=other_agreement.pk) is None


# --- follow-up visits and reopening ------------------------------------------------------------------------------


def _close_with_agreement(world, case):
    mediator = world.users["mediator"]
    with scope_for(mediator):
        return services.case_close(
            case=_fresh(case),
            closed_by=mediator,
            version=_fresh(case).version,
            outcome="agreement",
            agreement_form="written",
        )


def _visit(world, row, **changes):
    mediator = world.users["mediator"]
    args = {
        "performed_on": timezone.localdate(),
        "performance": "none",
        "satisfaction": "unsatisfied",
        "escalation": True,
        "notes": "王强称失业，拒绝支付。",
    }
    with scope_for(mediator):
        row = _fresh(row)
        return services.follow_up_record(
            follow_up=row, recorded_by=mediator, version=_fresh(row.case).version, **{**args, **changes}
        )


def test_closing_with_an_agreement_plans_the_follow_up_visits(world, net, settings):
    settings.MEDIATION_FOLLOW_UP_DAYS = (15, 90)
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    _close_with_agreement(world, case)
    today = timezone.localdate()
    with scopes_disabled():
        due = list(FollowUp.all_objects.filter(case=case).values_list("due_on", flat=True))
    assert due == [today + timedelta(days=15), today + timedelta(days=90)]


def test_a_follow_up_before_the_agreement_is_refused(world, net):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    with scopes_disabled():
        row = FollowUp.all_objects.create(case=case, due_on=timezone.localdate())
    with pytest.raises(ValidationError, match="达成协议后"):
        _visit(world, row)
    agreed, _agreement = make_agreement_case(world, closed_days_ago=3)
    row = make_follow_ups(agreed)
    with pytest.raises(ValidationError, match="不能早于"):
        _visit(world, row, performed_on=timezone.localdate() - timedelta(days=5))
    assert not _fresh(row).is_done


def test_a_failed_performance_reopens_the_case_audited_with_the_reason(world, net):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    _close_with_agreement(world, case)
    with scopes_disabled():
        first, second = FollowUp.all_objects.filter(case=case).order_by("due_on")
    visited = _visit(world, first)
    assert visited.notes == "王强称失业，拒绝支付。"
    assert visited.performed_by == world.users["mediator"]
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError, match="原因"):
        services.follow_up_act(
            follow_up=_fresh(first), acted_by=mediator, version=_fresh(case).version, action="reopened", reason=""
        )
    with scope_for(mediator):
        services.follow_up_act(
            follow_up=_fresh(first),
            acted_by=mediator,
            version=_fresh(case).version,
            action="reopened",
            reason="被申请人未履行协议",
        )
    reopened = _fresh(case)
    assert reopened.status == Case.Status.ACCEPTED
    assert reopened.closed_at is None
    assert reopened.deadline == timezone.localdate() + timedelta(days=net.studio.case_time_limit_days)
    assert not reopened.is_overdue
    with scopes_disabled():
        row = AuditLog.all_objects.filter(target_type="mediation.case", reason="被申请人未履行协议").get()
        assert row.changes["status"] == ["agreement", "accepted"]
        assert not FollowUp.all_objects.filter(pk=second.pk).exists()  # the later visit is no longer due


def test_a_failed_performance_can_record_a_referral_to_court(world, net):
    case, _agreement = make_agreement_case(world)
    row = make_follow_ups(case, done=True, performance=FollowUp.Performance.PARTIAL)
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError, match="法院"):
        services.follow_up_act(
            follow_up=_fresh(row), acted_by=mediator, version=_fresh(case).version, action="court", reason="未履行"
        )
    with scope_for(mediator):
        services.follow_up_act(
            follow_up=_fresh(row),
            acted_by=mediator,
            version=_fresh(case).version,
            action="court",
            reason="部分履行后拒绝继续",
            referral="瓜沥人民法庭",
        )
    assert _fresh(row).referral == "瓜沥人民法庭"
    assert _fresh(case).status == Case.Status.AGREEMENT


def test_a_performed_agreement_cannot_be_reopened(world, net):
    case, _agreement = make_agreement_case(world)
    row = make_follow_ups(case, done=True, performance=FollowUp.Performance.FULL)
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError, match="已履行"):
        services.follow_up_act(
            follow_up=_fresh(row), acted_by=mediator, version=_fresh(case).version, action="reopened", reason="x"
        )


# --- pages and API -----------------------------------------------------------------------------------------------


def _agreement_form(case, **changes):
    data = {"version": _fresh(case).version, **CONTENT, "perform_by": "2026-12-31", "copies": 3}
    for party in _parties(case):
        data |= {
            f"party_{party.pk}_gender": "female" if party.role == "applicant" else "male",
            f"party_{party.pk}_age": 40,
            f"party_{party.pk}_address": "瓜沥镇东灵社区",
        }
    return {**data, **changes}


def test_the_agreement_page_saves_and_the_case_page_offers_the_pdf(world, net, client_for):
    case = _agreed_case(world)
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/"
    assert client.get(url + "agreement/").status_code == 200
    response = client.post(url + "agreement/", _agreement_form(case))
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert f"{url}agreement/1/pdf/" in html
    assert 'data-testid="scan-form"' in html
    pdf = client.get(url + "agreement/1/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    with scopes_disabled():
        assert AuditLog.all_objects.filter(action="export", target_type="mediation.agreement").count() == 1


def test_an_incomplete_agreement_page_names_what_is_missing(world, net, client_for):
    case = _agreed_case(world)
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/"
    client.post(url + "agreement/", _agreement_form(case, matters="", copies=""))
    html = client.get(url).content.decode()
    assert "争议事项" in html
    assert f"{url}agreement/1/pdf/" not in html
    response = client.get(url + "agreement/1/pdf/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "协议书还不能生成" in text
    assert "争议事项" in text
    assert "份数" in text


def test_bad_agreement_input_on_the_page_answers_400_and_writes_nothing(world, net, client_for):
    case = _agreed_case(world)
    response = client_for(world.users["mediator"]).post(
        f"/stations/studios/cases/{case.pk}/agreement/", _agreement_form(case, terms="长" * 5001, copies="99")
    )
    assert response.status_code == 400
    assert "5000" in response.content.decode()
    with scopes_disabled():
        assert not Agreement.all_objects.exists()


def test_the_scan_page_upload_locks_and_the_scan_is_served_only_in_scope(world, net, client_for):
    case, agreement = make_agreement_case(world, advisor_on=False)
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/"
    bad = client.post(url + "agreement/scan/", {"version": case.version, "signed_on": "", "scan": _pdf_upload(b"x")})
    assert bad.status_code == 400
    response = client.post(
        url + "agreement/scan/",
        {"version": case.version, "signed_on": timezone.localdate().isoformat(), "scan": _pdf_upload()},
    )
    assert response.status_code == 302
    assert _fresh(agreement).is_locked
    html = client.get(url).content.decode()
    assert 'data-testid="agreement-locked"' in html
    assert 'data-testid="confirm-form"' in html
    scan = client.get(url + "agreement/1/scan/")
    assert scan.status_code == 200
    assert b"".join(scan.streaming_content) == PDF_BYTES
    assert client_for(world.users["advisor"]).get(url + "agreement/1/scan/").status_code == 404
    assert client_for(world.users["other_town_admin"]).get(url + "agreement/1/scan/").status_code == 404


def test_api_outcome_agreement_pdf_scan_and_confirmation(world, net, client_for):
    case = _agreed_case(world)
    client = client_for(world.users["mediator"])
    base = f"/api/cases/{case.pk}"
    parties = [{"party": p.pk, "gender": "female", "age": 30, "address": "瓜沥镇友谊村"} for p in _parties(case)]
    body = {"version": _fresh(case).version, **CONTENT, "copies": 3, "parties": parties}
    response = client.post(f"{base}/agreement", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["agreements"][0]["missing"] == ["履行期限"]
    missing = client.get(f"{base}/agreement/1/pdf")
    assert missing.status_code == 400
    assert "履行期限" in missing.json()["errors"]["__all__"][0]
    body = {**body, "version": data["version"], "perform_by": "2026-12-31"}
    data = client.post(f"{base}/agreement", json.dumps(body), content_type="application/json").json()
    pdf = client.get(f"{base}/agreement/1/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    upload = {"version": data["version"], "signed_on": timezone.localdate().isoformat(), "content": "@@not base64@@"}
    assert client.post(f"{base}/agreement/scan", json.dumps(upload), content_type="application/json").status_code == 400
    # a body of several megabytes reaches the API (base64 in JSON is a third larger than the file): this one is
    # answered by the version check, not refused by the server's body limit
    big = base64.b64encode(PDF_BYTES + b"\n%" + b"0" * (4 * 1024 * 1024)).decode()
    stale = client.post(
        f"{base}/agreement/scan", json.dumps({**upload, "content": big, "version": 1}), content_type="application/json"
    )
    assert stale.status_code == 409
    upload["content"] = base64.b64encode(PDF_BYTES).decode()
    data = client.post(f"{base}/agreement/scan", json.dumps(upload), content_type="application/json").json()
    assert data["agreements"][0]["locked"] is True
    assert data["confirmation_days_left"] == 30
    late = {
        "version": data["version"],
        "applied_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "court": "萧山区人民法院",
        "joint": True,
    }
    assert client.post(f"{base}/confirmation", json.dumps(late), content_type="application/json").status_code == 400
    ok = {**late, "applied_on": timezone.localdate().isoformat()}
    response = client.post(f"{base}/confirmation", json.dumps(ok), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["confirmation"]["decision"] == "pending"
    assert client.get(f"{base}/agreement/1/scan").status_code == 200


def test_api_outcome_masks_follow_up_notes_for_admins(world, net, client_for):
    case, _agreement = make_agreement_case(world)
    make_follow_ups(case, done=True)
    mediator = client_for(world.users["mediator"]).get(f"/api/cases/{case.pk}/outcome").json()
    admin = client_for(world.users["town_admin"]).get(f"/api/cases/{case.pk}/outcome").json()
    assert mediator["follow_ups"][0]["notes"] == "王强称收入减少，暂无力支付。"
    assert admin["follow_ups"][0]["notes"] != mediator["follow_ups"][0]["notes"]
    assert "王强称收入减少" not in admin["follow_ups"][0]["notes"]


def test_page_extension_without_every_consent_shows_the_message(world, net, client_for):
    case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    applicant, _respondent = _parties(case)
    response = client_for(world.users["mediator"]).post(
        f"/stations/studios/cases/{case.pk}/extend/",
        {
            "version": 1,
            "consenting_parties": [applicant.pk],
            "consented_on": timezone.localdate().isoformat(),
            "new_deadline": (_fresh(case).deadline + timedelta(days=10)).isoformat(),
            "reason": "再协商",
        },
    )
    assert response.status_code == 400
    assert "每一方当事人" in response.content.decode()
    with scopes_disabled():
        assert not CaseExtension.all_objects.exists()


# --- two mediators save the first agreement at once: one wins, the other is told, one version exists ---------------


def _race(case_pk, world):
    outcomes, barrier = [], threading.Barrier(2)
    mediator = world.users["mediator"]

    def save(terms):
        try:
            with scope_for(mediator):
                case = Case.objects.get(pk=case_pk)
                barrier.wait()
                services.agreement_save(case=case, saved_by=mediator, version=1, terms=terms)
            outcomes.append("saved")
        except StaleVersionError:
            outcomes.append("stale")
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(terms,)) for terms in ("甲方案", "乙方案")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_mediators_saving_the_agreement_at_once_make_one_version(tmp_path):
    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
        build_studio_network(world)
        case = make_case(world, status=Case.Status.AGREEMENT, lead=True)
        Case.all_objects.filter(pk=case.pk).update(agreement_form="written", closed_at=timezone.now())
    if connection.vendor == "sqlite":
        # As in test_cases.py: threads on a file copy of the in-memory test database (IMMEDIATE transactions).
        path = tmp_path / "race.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        db = connection.settings_dict
        saved = db["NAME"]
        db["NAME"] = str(path)
        db.setdefault("OPTIONS", {})["timeout"] = 30
        try:
            outcomes = _race(case.pk, world)
        finally:
            db["NAME"] = saved
            db["OPTIONS"].pop("timeout", None)
        reader = sqlite3.connect(path)
        rows = reader.execute("SELECT revision FROM mediation_agreement WHERE case_id = ?", (case.pk,)).fetchall()
        version = reader.execute("SELECT version FROM mediation_case WHERE id = ?", (case.pk,)).fetchone()[0]
        reader.close()
    else:
        outcomes = _race(case.pk, world)
        with scopes_disabled():
            rows = list(Agreement.all_objects.filter(case=case).values_list("revision"))
            version = Case.all_objects.get(pk=case.pk).version
    assert outcomes == ["saved", "stale"]
    assert [tuple(row) for row in rows] == [(1,)]
    assert version == 2


@pytest.mark.parametrize("role", ["mediator", "town_admin"])
def test_the_case_page_costs_the_same_with_more_versions_extensions_and_visits(world, net, client_for, role):
    case, agreement = make_agreement_case(world, locked=True)
    client = client_for(world.users[role])
    url = f"/stations/studios/cases/{case.pk}/"
    make_follow_ups(case, done=True)
    few = count_queries(client, url)
    with scopes_disabled():
        for revision in (2, 3):
            old = Agreement.all_objects.get(case=case, superseded_at__isnull=True)
            Agreement.all_objects.filter(pk=old.pk).update(superseded_at=timezone.now())
            Agreement.all_objects.create(case=case, revision=revision, created_by=world.users["mediator"], terms="新")
    for _ in range(3):
        make_follow_ups(case, done=True)
        make_follow_ups(case)
    assert count_queries(client, url) == few


def test_follow_up_notes_are_masked_for_admins_and_revealed_with_a_reason(world, net, client_for):
    case, _agreement = make_agreement_case(world)
    row = make_follow_ups(case, done=True)
    url = f"/stations/studios/cases/{case.pk}/"
    assert "王强称收入减少" in client_for(world.users["mediator"]).get(url).content.decode()
    admin = client_for(world.users["town_admin"])
    html = admin.get(url).content.decode()
    assert "王强称收入减少" not in html
    reveal = f"/reveal/mediation.followup/{row.pk}/notes/"
    assert reveal in html
    assert admin.post(reveal, {"reason": ""}).status_code == 400
    response = admin.post(reveal, {"reason": "回访督导"})
    assert response.status_code == 200
    assert "王强称收入减少" in response.content.decode()
    with scopes_disabled():
        assert AuditLog.all_objects.filter(action="reveal", target_type="mediation.followup").count() == 1
