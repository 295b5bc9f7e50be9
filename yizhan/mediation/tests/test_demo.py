import os

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from yizhan.accounts.models import RoleMembership
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation.models import (
    Agreement,
    Case,
    CaseSession,
    FollowUp,
    JudicialConfirmation,
    RiskScreening,
    Studio,
    StudioContact,
    StudioMember,
)
from yizhan.mediation.services import safety
from yizhan.tests.pdf import pdf_text


def test_demo_has_the_dongling_studio_and_its_team(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # idempotent
    with scopes_disabled():
        studio = Studio.objects.get(region__name="东灵社区")
        assert studio.brand_name == "萧山区婚姻家庭纠纷化解品牌工作室"
        assert studio.status == "operating"
        kinds = {m.kind: m for m in StudioMember.objects.filter(studio=studio)}
        assert set(kinds) == {"mediator", "lawyer", "social_worker", "counsellor", "court_liaison"}
        assert kinds["mediator"].can_lead
        assert "向阳" in kinds["social_worker"].organisation
        assert "灵悦" in kinds["counsellor"].organisation
        assert "律师事务所" in kinds["lawyer"].organisation
        assert [(c.role, c.name, c.phone) for c in StudioContact.objects.filter(studio=studio)] == [
            ("调解员", "张敏", "13800000005")
        ]
        for username in ("mediator", "advisor", "social_worker_dongling", "counsellor_dongling"):
            assert RoleMembership.objects.get(user__username=username).place_ids() == [("studio", studio.pk)]
        mediator = RoleMembership.objects.get(user__username="mediator").user
    with scope_for(mediator):
        assert list(Studio.objects.values_list("pk", flat=True)) == [studio.pk]


def test_demo_studio_is_written_through_the_services_and_audited(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        studio = Studio.objects.get(region__name="东灵社区")
        created = AuditLog.objects.get(target_type="mediation.studio", target_id=str(studio.pk), action="create")
        assert created.actor.username == "town_admin"
        assert created.region_code == "330109113003"
        assert AuditLog.objects.filter(target_type="mediation.studiomember", action="create").count() == 5
        assert AuditLog.objects.filter(target_type="mediation.studiocontact", action="create").count() == 1
        linked = AuditLog.objects.filter(
            target_type="accounts.rolemembership", changes__has_key="place_id", changes__place_kind=["", "studio"]
        )
        assert linked.count() == 5
        assert all(row.changes["place_id"] == [None, studio.pk] for row in linked)


def test_demo_has_about_thirty_cases_over_2023_to_2026_in_every_state(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # idempotent
    with scopes_disabled():
        cases = list(Case.objects.filter(studio__region__name="东灵社区").order_by("year", "sequence"))
        assert 28 <= len(cases) <= 32
        assert {c.year for c in cases} >= {2023, 2024, 2025, 2026}
        assert {c.status for c in cases} == set(Case.Status.values)
        assert sum(c.is_overdue for c in cases) == 1
        assert all("瓜东调字第" in c.number for c in cases)
        red = RiskScreening.objects.get(case__studio__region__name="东灵社区").case_id
        for year in {c.year for c in cases}:  # gapless per year, numbered in the order of the dates (the red-risk
            of_year = [c for c in cases if c.year == year]  # case, seeded by its own slice, comes last)
            assert [c.sequence for c in of_year] == list(range(1, len(of_year) + 1))
            dated = [c.received_on for c in of_year if c.pk != red]
            assert dated == sorted(dated)
        closed = [c for c in cases if c.closed_at is not None]
        assert all(timezone.localdate(c.closed_at) >= c.received_on for c in closed)
        assert any(timezone.localdate(c.closed_at).year == 2023 for c in closed)  # timestamps moved back
        created = AuditLog.objects.filter(target_type="mediation.case", action="create")
        assert {row.actor.username for row in created} == {"mediator"}
        assert created.count() == len(cases)


def test_demo_red_risk_case_has_its_joint_session_blocked(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        red = RiskScreening.objects.get(case__studio__region__name="东灵社区")
        assert red.level == "red"
        assert safety.joint_block(red.case) == red
        assert not safety.pending_mandatory_reports(red.case)
        assert CaseSession.objects.get(case=red.case).kind == "separate"


def test_demo_written_agreement_pdf_confirmation_and_failed_follow_up(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    with scopes_disabled():
        locked = [a for a in Agreement.objects.filter(case__studio__region__name="东灵社区") if a.is_locked]
        assert len(locked) >= 3
        agreement = locked[0]
        assert agreement.scan_content_type == "application/pdf"
        with default_storage.open(agreement.scan, "rb") as scan:
            assert "人民调解协议书" in pdf_text(scan.read())  # the signed "scan" is the agreement's own PDF
        confirmed = JudicialConfirmation.objects.get(case__studio__region__name="东灵社区")
        assert confirmed.decision == "confirmed"
        assert "共享法庭" in confirmed.court
        assert "调确字" in confirmed.ruling_number
        failed = FollowUp.objects.get(case__studio__region__name="东灵社区", performance="none")
        assert failed.action == "court"
        assert failed.case.status == Case.Status.AGREEMENT
        assert FollowUp.objects.filter(performance="full").exists()
        assert CaseSession.objects.filter(kind="joint", case__studio__region__name="东灵社区").exists()
