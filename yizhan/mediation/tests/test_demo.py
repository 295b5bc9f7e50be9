import os

from django.core.management import call_command

from yizhan.accounts.models import RoleMembership
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation.models import Case, CaseSession, RiskScreening, Studio, StudioContact, StudioMember
from yizhan.mediation.services import safety


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


def test_demo_has_cases_in_several_states_through_the_services(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # idempotent
    with scopes_disabled():
        cases = list(Case.objects.filter(studio__region__name="东灵社区").order_by("sequence"))
        statuses = sorted(c.status for c in cases)
        # the safety slice adds an accepted red-risk case (its joint session blocked)
        assert statuses == sorted(["intake", "accepted", "accepted", "agreement", "no_agreement", "not_accepted"])
        red = RiskScreening.objects.get(case__studio__region__name="东灵社区")
        assert red.level == "red"
        assert safety.joint_block(red.case) == red
        assert not safety.pending_mandatory_reports(red.case)
        assert CaseSession.objects.get(case=red.case).kind == "separate"
        assert all("瓜东调字第" in c.number for c in cases)
        for year in {c.year for c in cases}:  # gapless per year (the demo's dates may cross New Year)
            sequences = sorted(c.sequence for c in cases if c.year == year)
            assert sequences == list(range(1, len(sequences) + 1))
        created = AuditLog.objects.filter(target_type="mediation.case", action="create")
        assert {row.actor.username for row in created} == {"mediator"}
