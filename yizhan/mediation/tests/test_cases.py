"""Case services and selectors: intake with gapless numbers, acceptance (art. 17), team, corrections, outcome; who
sees which case; bad input changes nothing."""

import sqlite3
import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.mediation import reference, selectors, services
from yizhan.mediation.models import Case, CaseMember, CaseNumberCounter, CaseParty, DisputeType, StudioMember
from yizhan.mediation.services import PartyData
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations import reference as station_reference
from yizhan.tests.factories import build_world


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _intake(world, net, **kwargs):
    mediator = world.users["mediator"]
    args = {
        "studio": net.studio,
        "taken_by": mediator,
        "source": Case.Source.HOTLINE,
        "dispute_type": DisputeType.objects.get(code="divorce"),
        "narrative": "申请人称双方感情破裂，就子女抚养和财产分割发生争执。",
        "parties": [
            PartyData(role="applicant", name="李秀英", mobile="13912345678"),
            PartyData(role="respondent", name="王强", relation="丈夫"),
        ],
    }
    with scope_for(mediator):
        return services.case_intake(**{**args, **kwargs})


def _stored(case) -> Case:
    with scopes_disabled():
        return Case.all_objects.get(pk=case.pk)


def test_intake_numbers_the_case_in_the_studios_format_and_audits(world, net):
    with scopes_disabled():
        net.studio.case_number_format = "（{year}）瓜东调字第 {seq:03d} 号"
        net.studio.case_time_limit_days = 45
        net.studio.save()
    first, second = _intake(world, net), _intake(world, net)
    year = timezone.localdate().year
    assert first.number == f"（{year}）瓜东调字第 001 号"
    assert second.number == f"（{year}）瓜东调字第 002 号"
    assert first.time_limit_days == 45
    assert first.status == Case.Status.INTAKE
    with scopes_disabled():
        assert [p.name for p in CaseParty.all_objects.filter(case=first).order_by("role")] == ["李秀英", "王强"]
        row = AuditLog.all_objects.get(action="create", target_type="mediation.case", target_id=str(first.pk))
        assert row.region_code == "330109113003"
        assert "申请人" not in str(row.changes)  # the narrative is masked in the audit row


def test_numbers_count_per_year_and_a_failed_intake_gives_its_number_back(world, net):
    _intake(world, net, received_on=date(2025, 12, 30))
    with pytest.raises(ValidationError):
        _intake(world, net, parties=[PartyData(role="applicant", name="李秀英", mobile="12345")])
    case = _intake(world, net)
    assert case.sequence == 1  # the year of intake counts on its own
    late = _intake(world, net, received_on=date(2025, 12, 31))
    assert late.sequence == 2
    assert late.year == 2025


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"narrative": ""}, "narrative"),
        ({"narrative": "长" * 5001}, "narrative"),
        ({"narrative": "控制\x00字符"}, "narrative"),
        ({"source": "pigeon"}, "source"),
        ({"dispute_type": None}, "dispute_type"),
        ({"parties": []}, "parties"),
        ({"parties": [PartyData(role="respondent", name="王强")]}, "parties"),
        ({"parties": [PartyData(role="applicant", name="李" * 101)]}, "parties"),
        ({"received_on": date(2999, 1, 1)}, "received_on"),
    ],
)
def test_bad_intake_is_refused_in_chinese_and_writes_nothing(world, net, changes, field):
    with pytest.raises(ValidationError) as exc:
        _intake(world, net, **changes)
    assert field in exc.value.message_dict
    assert any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(exc.value.message_dict[field]))
    with scopes_disabled():
        assert not Case.all_objects.exists()
        assert not CaseNumberCounter.all_objects.filter(last__gt=0).exists()


def test_emoji_and_long_chinese_text_are_kept(world, net):
    case = _intake(world, net, narrative="调解顺利 😊\n第二行" + "字" * 4000)
    assert _stored(case).narrative.startswith("调解顺利 😊\n第二行")


def test_only_the_studios_mediators_take_in_cases(world, net):
    for role in ("advisor", "town_admin"):
        with pytest.raises(PermissionDenied):
            with scope_for(world.users[role]):
                services.case_intake(
                    studio=net.studio,
                    taken_by=world.users[role],
                    source="walk_in",
                    dispute_type=DisputeType.objects.get(code="other"),
                    narrative="x",
                    parties=[PartyData(role="applicant", name="李秀英")],
                )


def test_accept_needs_willingness_and_the_notice(world, net):
    case = _intake(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError) as exc:
        services.case_accept(case=case, accepted_by=mediator, version=1, willingness_recorded=False, notice_given=True)
    assert "人民调解法" in " ".join(exc.value.message_dict["willingness_recorded"])
    assert _stored(case).status == Case.Status.INTAKE
    with scope_for(mediator):
        services.case_accept(case=case, accepted_by=mediator, version=1, willingness_recorded=True, notice_given=True)
    stored = _stored(case)
    assert stored.status == Case.Status.ACCEPTED
    assert stored.version == 2
    assert stored.deadline == timezone.localdate(stored.accepted_at) + timezone.timedelta(days=30)
    with scope_for(mediator), pytest.raises(StaleVersionError):
        services.case_accept(case=case, accepted_by=mediator, version=1, willingness_recorded=True, notice_given=True)


def test_not_accepted_needs_reason_and_referral(world, net):
    case = _intake(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError) as exc:
        services.case_not_accept(case=case, decided_by=mediator, version=1, reason=" ", referral="")
    assert set(exc.value.message_dict) == {"reason", "referral"}
    assert _stored(case).status == Case.Status.INTAKE
    with scope_for(mediator):
        services.case_not_accept(
            case=case, decided_by=mediator, version=1, reason="被申请人拒绝调解", referral="瓜沥人民法庭"
        )
    stored = _stored(case)
    assert (stored.status, stored.referral) == (Case.Status.NOT_ACCEPTED, "瓜沥人民法庭")
    assert stored.closed_at is not None


def test_team_lead_must_be_a_studio_mediator_who_can_lead(world, net):
    case = _intake(world, net)
    mediator = world.users["mediator"]
    with scopes_disabled():
        lawyer = StudioMember.all_objects.get(studio=net.studio, user=world.users["advisor"])
    with scope_for(mediator), pytest.raises(ValidationError) as exc:
        services.case_assign_team(case=case, assigned_by=mediator, version=1, lead=lawyer)
    assert "lead" in exc.value.message_dict
    with scopes_disabled():
        assert not CaseMember.all_objects.exists()
    with scope_for(mediator):
        services.case_assign_team(case=case, assigned_by=mediator, version=1, lead=net.member, members=[lawyer])
    with scopes_disabled():
        roles = dict(CaseMember.all_objects.filter(case=case).values_list("member__user__username", "role"))
    assert roles == {"mediator": "lead", "advisor": "advisor"}
    assert _stored(case).lead == mediator
    with scope_for(mediator):  # the lawyer leaves the case
        services.case_assign_team(case=case, assigned_by=mediator, version=2, lead=net.member, members=[])
    with scopes_disabled():
        assert list(CaseMember.all_objects.filter(case=case).values_list("role", flat=True)) == ["lead"]


def test_close_with_agreement_needs_an_accepted_case_with_a_lead(world, net):
    case = _intake(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(ValidationError, match="受理"):
        services.case_close(case=case, closed_by=mediator, version=1, outcome="agreement", agreement_form="written")
    assert _stored(case).status == Case.Status.INTAKE
    with scope_for(mediator):
        services.case_accept(case=case, accepted_by=mediator, version=1, willingness_recorded=True, notice_given=True)
        with pytest.raises(ValidationError):
            services.case_close(case=case, closed_by=mediator, version=2, outcome="agreement", agreement_form="written")
        services.case_assign_team(case=case, assigned_by=mediator, version=2, lead=net.member)
        with pytest.raises(ValidationError) as exc:
            services.case_close(case=case, closed_by=mediator, version=3, outcome="no_agreement", reason="分歧大")
        assert "advice" in exc.value.message_dict
        services.case_close(
            case=case,
            closed_by=mediator,
            version=3,
            outcome="no_agreement",
            reason="财产分割分歧大",
            advice="告知可向人民法院起诉",
        )
    stored = _stored(case)
    assert stored.status == Case.Status.NO_AGREEMENT
    assert stored.advice == "告知可向人民法院起诉"
    with scope_for(mediator), pytest.raises(ValidationError):
        services.case_update(case=stored, updated_by=mediator, version=stored.version, narrative="改")


def test_update_is_version_checked_and_a_no_change_writes_nothing(world, net):
    case = _intake(world, net)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        services.case_update(case=case, updated_by=mediator, version=1, narrative=case.narrative)
        assert _stored(case).version == 1
        services.case_update(case=case, updated_by=mediator, version=1, narrative="更正后的案情")
        with pytest.raises(StaleVersionError):
            services.case_update(case=_stored(case), updated_by=mediator, version=1, narrative="旧表单")
    assert _stored(case).narrative == "更正后的案情"


def test_who_sees_which_case(world, net):
    with scopes_disabled():
        on, off = make_case(world, advisor_on=True), make_case(world)
    seen = {}
    for role in ("district_admin", "town_admin", "other_town_admin", "mediator", "advisor", "station_manager"):
        with scope_for(world.users[role]):
            seen[role] = sorted(c.pk for c in selectors.case_list())
    both = sorted([on.pk, off.pk])
    assert seen == {
        "district_admin": both,
        "town_admin": both,
        "other_town_admin": [],
        "mediator": both,
        "advisor": [on.pk],
        "station_manager": [],
    }
    with scope_for(world.users["advisor"]):
        assert selectors.case_parties(off) == []  # the parties of a case she is not on are out of scope too


def test_narrative_in_clear_for_the_team_revealable_by_admins_only(world, net):
    with scopes_disabled():
        case = make_case(world, advisor_on=True)
    for role, clear in (("mediator", True), ("advisor", True), ("town_admin", False)):
        with scope_for(world.users[role]) as scope:
            team = {row.member.user_id for row in selectors.case_team(case)}
            assert case.shows_narrative(scope, team) is clear, role
    with scopes_disabled():
        case = Case.all_objects.select_related("studio__region").get(pk=case.pk)
    assert case.can_reveal(world.users["town_admin"], "narrative")
    assert not case.can_reveal(world.users["other_town_admin"], "narrative")
    assert not case.can_reveal(world.users["advisor"], "narrative")


# --- concurrent intake: distinct, consecutive numbers on both databases ------------------------------------------


CONCURRENT = 10


def _concurrent_intakes(studio_pk, world):
    results, errors = [], []
    barrier = threading.Barrier(CONCURRENT)
    mediator = world.users["mediator"]

    def intake():
        try:
            with scope_for(mediator):
                studio = selectors.studio_get(studio_pk)
                dispute_type = DisputeType.objects.get(code="divorce")
                barrier.wait()
                case = services.case_intake(
                    studio=studio,
                    taken_by=mediator,
                    source="walk_in",
                    dispute_type=dispute_type,
                    narrative="同时受理",
                    parties=[PartyData(role="applicant", name="李秀英")],
                )
            results.append(case.sequence)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=intake) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_get_distinct_consecutive_numbers(tmp_path, settings):
    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
        studio_pk = build_studio_network(world).studio.pk
    if connection.vendor == "sqlite":
        # The test database lives in memory, shared between threads through SQLite's shared cache, which answers
        # "table is locked" at once instead of waiting. Copy it to a file, as a deployment's database is, and let
        # the threads work on that (each opens its own connection, transactions begin IMMEDIATE as in production).
        path = tmp_path / "concurrent.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        db = connection.settings_dict
        saved = db["NAME"]
        db["NAME"] = str(path)
        db.setdefault("OPTIONS", {})["timeout"] = 30
        try:
            results, errors = _concurrent_intakes(studio_pk, world)
        finally:
            db["NAME"] = saved
            db["OPTIONS"].pop("timeout", None)
        reader = sqlite3.connect(path)
        stored = sorted(row[0] for row in reader.execute("SELECT sequence FROM mediation_case"))
        reader.close()
    else:
        results, errors = _concurrent_intakes(studio_pk, world)
        with scopes_disabled():
            stored = sorted(Case.all_objects.values_list("sequence", flat=True))
    assert errors == []
    assert sorted(results) == stored == list(range(1, CONCURRENT + 1))
