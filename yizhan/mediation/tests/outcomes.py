"""Cases with an outcome at the 东灵 studio, made directly (inside ``scopes_disabled()``) for tests and matrix rows:
closed with a written agreement, with a complete agreement (or not), signed and locked (or not), and follow-ups."""

import uuid
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Agreement, AgreementParty, Case, CaseParty, FollowUp
from yizhan.mediation.tests.cases import make_case

CONTENT = {
    "facts": "李秀英与王强于2020年离婚，婚生女王小雨随李秀英生活。王强自2025年起未按期支付抚养费。",
    "matters": "王强拖欠的抚养费数额及今后抚养费的支付方式。",
    "responsibilities": "王强未按离婚协议支付抚养费，应承担主要责任；李秀英未及时沟通，负次要责任。",
    "terms": (
        "一、王强于2026年3月31日前一次性支付拖欠抚养费人民币一万二千元；二、自2026年4月起每月10日前支付抚养费一千元。"
    ),
    "performance": "银行转账至李秀英账户，调解员跟进履行情况。",
}
DETAILS = {
    CaseParty.Role.APPLICANT: ("female", 34, "瓜沥镇东灵社区"),
    CaseParty.Role.RESPONDENT: ("male", 36, "瓜沥镇友谊村"),
}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_agreement_case(w, *, complete=True, locked=False, signed_days_ago=0, advisor_on=True, closed_days_ago=0):
    """A case closed with a written agreement (lead: the world's mediator) and its agreement, version 1."""
    case = make_case(w, status=Case.Status.AGREEMENT, lead=True, advisor_on=advisor_on)
    with scopes_disabled():
        now = timezone.now()
        closed = now - timedelta(days=max(closed_days_ago, signed_days_ago))
        Case.all_objects.filter(pk=case.pk).update(
            closed_at=closed, agreement_form=Case.AgreementForm.WRITTEN, accepted_at=closed - timedelta(days=10)
        )
        case.refresh_from_db()
        agreement = Agreement.all_objects.create(
            case=case,
            created_by=w.users["mediator"],
            perform_by=timezone.localdate() + timedelta(days=60) if complete else None,
            copies=3 if complete else None,
            **(CONTENT if complete else {"facts": CONTENT["facts"]}),
        )
        for party in CaseParty.all_objects.filter(case=case):
            gender, age, address = DETAILS[party.role]
            AgreementParty.all_objects.create(
                agreement=agreement, party=party, gender=gender, age=age if complete else None, address=address
            )
        if locked:
            lock(agreement, signed_on=timezone.localdate() - timedelta(days=signed_days_ago))
    return case, agreement


def lock(agreement, *, signed_on):
    """Give the agreement a signed scan (a small PDF in the storage)."""
    name = default_storage.save(
        f"mediation/agreements/{agreement.case_id}/{uuid.uuid4().hex}.pdf", ContentFile(PDF_BYTES)
    )
    Agreement.all_objects.filter(pk=agreement.pk).update(
        scan=name, scan_content_type="application/pdf", signed_on=signed_on, scan_uploaded_at=timezone.now()
    )
    agreement.refresh_from_db()
    return agreement


def make_follow_ups(case, *, done=False, performance=FollowUp.Performance.NONE):
    with scopes_disabled():
        due = timezone.localdate(case.closed_at) + timedelta(days=15)
        row = FollowUp.all_objects.create(case=case, due_on=due)
        if done:
            row.performed_on = timezone.localdate()
            row.performed_by = case.lead
            row.performance = performance
            row.satisfaction = FollowUp.Satisfaction.UNSATISFIED
            row.notes = "王强称收入减少，暂无力支付。"
            row.save()
        return row
