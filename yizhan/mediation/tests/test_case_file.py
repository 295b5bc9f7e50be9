"""The case file (卷宗): one PDF per recipient with every section in Chinese, read back with pypdf; a party's copy
leaves out the other party's confidential separate session; the ZIP of the attachments; who may download it, the
audit rows, and bad input."""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.case_file import CASE_FILE_RETENTION_YEARS, retention_until
from yizhan.mediation.models import (
    CaseExtension,
    CaseParty,
    CaseSession,
    JudicialConfirmation,
    PoliceReferral,
    RiskScreening,
)
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.outcomes import CONTENT, PDF_BYTES, make_agreement_case, make_follow_ups
from yizhan.tests.pdf import pdf_text

APPLICANT_SECRET = "申请人单独陈述：曾被殴打多次"
RESPONDENT_SECRET = "被申请人单独陈述：收入另有来源"
JOINT_RECORD = "双方当面协商抚养费数额"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def full_case(world):
    """A case closed with a signed agreement, a screening, a police referral, three sessions (the applicant's and
    the respondent's separate ones, confidential, and a joint one), a confirmation, an extension and a failed
    follow-up visit."""
    build_studio_network(world)
    case, agreement = make_agreement_case(world, locked=True, signed_days_ago=5)
    mediator = world.users["mediator"]
    with scopes_disabled():
        applicant = CaseParty.all_objects.get(case=case, role="applicant")
        respondent = CaseParty.all_objects.get(case=case, role="respondent")
        RiskScreening.all_objects.create(
            case=case, level="orange", score=5, answers='["threats_to_kill"]', note="需关注", screened_by=mediator
        )
        PoliceReferral.all_objects.create(
            case=case, referred_at=timezone.now(), station="瓜沥派出所", referred_by=mediator
        )
        for party, record in ((applicant, APPLICANT_SECRET), (respondent, RESPONDENT_SECRET)):
            CaseSession.all_objects.create(
                case=case,
                kind="separate",
                starts_at=timezone.now() - timedelta(days=20),
                place="调解室",
                heard_party=party,
                record=record,
                recorded_by=mediator,
            )
        joint = CaseSession.all_objects.create(
            case=case,
            kind="joint",
            starts_at=timezone.now() - timedelta(days=15),
            place="调解室",
            record=JOINT_RECORD,
            recorded_by=mediator,
        )
        joint.parties.set([applicant, respondent])
        JudicialConfirmation.all_objects.create(
            case=case,
            agreement=agreement,
            applied_on=timezone.localdate() - timedelta(days=3),
            court="瓜沥共享法庭",
            decision="confirmed",
            decided_on=timezone.localdate(),
            ruling_number="（2026）浙0109民特123号",
            recorded_by=mediator,
        )
        extension = CaseExtension.all_objects.create(
            case=case,
            old_deadline=timezone.localdate() - timedelta(days=30),
            new_deadline=timezone.localdate() - timedelta(days=15),
            reason="双方同意延长",
            consented_on=timezone.localdate() - timedelta(days=31),
            recorded_by=mediator,
        )
        extension.consenting_parties.set([applicant, respondent])
    make_follow_ups(case, done=True)
    return case, applicant, respondent


def _post(client, case, **data):
    return client.post(f"/stations/studios/cases/{case.pk}/file/", {"format": "pdf", **data})


def test_the_archive_copy_has_every_section_in_chinese(world, full_case, client_for):
    case, applicant, respondent = full_case
    response = _post(client_for(world.users["mediator"]), case, recipient="archive")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    text = _flat(pdf_text(response.content))
    required = {
        "title": "人民调解卷宗",
        "case number": _flat(case.number),
        "retention": f"保管期限{CASE_FILE_RETENTION_YEARS}年（保存至{retention_until(case)}年底）",
        "recipient": "工作室存档",
        "contents": "目录",
        "register": "1.收案登记",
        "source": "来访",
        "dispute type": "抚养",
        "parties": "李秀英",
        "relation": "前夫",
        "narrative": "双方因抚养费发生争执。",
        "notice": "2.权利义务告知书",
        "rights": "《人民调解法》第二十三条",
        "screenings": "3.风险评估",
        "level": "橙",
        "items": "威胁要杀死受害人",
        "safety steps": "瓜沥派出所",
        "sessions": "4.调解记录",
        "applicant's separate record": _flat(APPLICANT_SECRET),
        "respondent's separate record": _flat(RESPONDENT_SECRET),
        "joint record": _flat(JOINT_RECORD),
        "agreement": "5.调解协议",
        "terms": _flat(CONTENT["terms"]),
        "confirmation": "6.司法确认",
        "court": "瓜沥共享法庭",
        "ruling": "（2026）浙0109民特123号",
        "extensions": "7.调解期限延长",
        "extension reason": "双方同意延长",
        "follow-ups": "8.回访",
        "not performed": "未履行",
        "follow-up notes": "王强称收入减少",
        "attachments": "9.附件清单",
        "scan": f"{case.pk}-agreement-v1-signed.pdf",
    }
    missing = {name: item for name, item in required.items() if item not in text}
    assert not missing, missing
    assert "13912345678" not in text
    assert "13887654321" not in text


def test_a_party_copy_leaves_out_the_other_partys_confidential_record(world, full_case, client_for):
    case, applicant, respondent = full_case
    response = _post(client_for(world.users["mediator"]), case, recipient=str(respondent.pk))
    assert response.status_code == 200
    text = _flat(pdf_text(response.content))
    assert _flat(RESPONDENT_SECRET) in text  # their own separate session
    assert _flat(JOINT_RECORD) in text
    assert _flat(APPLICANT_SECRET) not in text  # the other party's, without consent
    assert "被申请人王强" in text  # the recipient on the cover
    # the screening answers, safety steps, narrative and visit notes stay in the archive
    assert "威胁要杀死受害人" not in text
    assert "瓜沥派出所" not in text
    assert "双方因抚养费发生争执" not in text
    assert "王强称收入减少" not in text
    assert "橙" in text  # the level and date of each screening are there


def test_consent_brings_the_other_partys_record_into_a_party_copy(world, full_case, client_for):
    case, applicant, respondent = full_case
    with scopes_disabled():
        CaseSession.all_objects.filter(heard_party=applicant).update(
            shared_consent_at=timezone.now(), shared_consent_recorded_by=world.users["mediator"]
        )
    response = _post(client_for(world.users["mediator"]), case, recipient=str(respondent.pk))
    assert _flat(APPLICANT_SECRET) in _flat(pdf_text(response.content))


def test_the_zip_holds_the_signed_scan_under_a_safe_name(world, full_case, client_for):
    case, *_ = full_case
    response = _post(client_for(world.users["mediator"]), case, recipient="archive", format="zip")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.namelist() == [f"{case.pk}-agreement-v1-signed.pdf"]
        assert archive.read(archive.namelist()[0]) == PDF_BYTES


def test_every_download_is_audited_and_an_admin_needs_a_reason(world, full_case, client_for):
    case, *_ = full_case
    _post(client_for(world.users["advisor"]), case, recipient="archive")
    with scopes_disabled():
        rows = AuditLog.objects.filter(target_id=str(case.pk), field="case_file")
        assert [(r.action, r.actor.username) for r in rows] == [("export", "advisor")]
    admin = client_for(world.users["town_admin"])
    refused = _post(admin, case, recipient="archive")
    assert refused.status_code == 400
    assert "请填写打开此卷宗的理由" in refused.content.decode()
    response = _post(admin, case, recipient="archive", reason="督导检查")
    assert response.status_code == 200
    with scopes_disabled():
        rows = AuditLog.objects.filter(target_id=str(case.pk), field="case_file", actor=world.users["town_admin"])
        assert sorted((r.action, r.reason) for r in rows) == [("export", ""), ("reveal", "督导检查")]


def test_page_shows_the_form_and_the_case_page_links_to_it(world, full_case, client_for):
    case, *_ = full_case
    client = client_for(world.users["mediator"])
    page = client.get(f"/stations/studios/cases/{case.pk}/file/")
    assert page.status_code == 200
    assert 'data-testid="case-file-form"' in page.content.decode()
    assert 'data-testid="case-file-reason-note"' not in page.content.decode()
    detail = client.get(f"/stations/studios/cases/{case.pk}/").content.decode()
    assert f"/stations/studios/cases/{case.pk}/file/" in detail


@pytest.mark.parametrize("recipient", ["nobody", "", "999999"])
def test_an_unknown_recipient_is_refused_with_a_clear_message(world, full_case, client_for, recipient):
    case, *_ = full_case
    response = _post(client_for(world.users["mediator"]), case, recipient=recipient)
    assert response.status_code == 400
    assert "请选择卷宗的接收方：工作室存档或本案的一方当事人。" in response.content.decode()
    with scopes_disabled():
        assert not AuditLog.objects.filter(target_id=str(case.pk), field="case_file").exists()


def test_a_party_of_another_case_is_refused(world, full_case, client_for):
    case, *_ = full_case
    other, _agreement = make_agreement_case(world)
    with scopes_disabled():
        stranger = CaseParty.all_objects.filter(case=other).first()
    response = _post(client_for(world.users["mediator"]), case, recipient=str(stranger.pk))
    assert response.status_code == 400


# --- the API: the same file, rules and audit rows ---


def _api(client, case, **body):
    return client.post(f"/api/cases/{case.pk}/file", {"format": "pdf", **body}, content_type="application/json")


def test_api_gives_a_party_copy_without_the_other_partys_confidential_record(world, full_case, client_for):
    case, applicant, respondent = full_case
    response = _api(client_for(world.users["mediator"]), case, recipient=str(respondent.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _flat(pdf_text(response.content))
    assert _flat(RESPONDENT_SECRET) in text
    assert _flat(APPLICANT_SECRET) not in text
    zipped = _api(client_for(world.users["advisor"]), case, recipient="archive", format="zip")
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(zipped.streaming_content))) as archive:
        assert archive.namelist() == [f"{case.pk}-agreement-v1-signed.pdf"]


def test_api_admin_needs_a_reason_and_bad_recipients_are_refused(world, full_case, client_for):
    case, *_ = full_case
    admin = client_for(world.users["town_admin"])
    refused = _api(admin, case, recipient="archive")
    assert refused.status_code == 400
    assert refused.json()["errors"]["reason"] == ["请填写打开此卷宗的理由；理由会记入审计日志。"]
    assert _api(admin, case, recipient="archive", reason="督导检查").status_code == 200
    with scopes_disabled():
        rows = AuditLog.objects.filter(target_id=str(case.pk), field="case_file")
        assert sorted((r.action, r.reason) for r in rows) == [("export", ""), ("reveal", "督导检查")]
    mediator = client_for(world.users["mediator"])
    for recipient in ("nobody", "999999", ""):
        response = _api(mediator, case, recipient=recipient)
        assert response.status_code == 400
        assert response.json()["errors"]["recipient"] == ["请选择卷宗的接收方：工作室存档或本案的一方当事人。"]
    assert _api(mediator, case, recipient="archive", format="docx").status_code == 422
