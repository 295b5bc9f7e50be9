"""Risk screening (items and scoring as data, colour levels), the block on joint sessions and its override by the
town admin, police referrals, protection orders (ruling clock, 6-month limit, expiry alert) and the mandatory report
gate; the safety page and API; bad input changes nothing."""

import json
import sqlite3
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.core.versioning import StaleVersionError
from yizhan.mediation import reference, selectors_safety, services
from yizhan.mediation.models import (
    Case,
    CaseParty,
    JointSessionOverride,
    MandatoryReport,
    PoliceReferral,
    ProtectionOrder,
    RiskBand,
    RiskItem,
    RiskScreening,
)
from yizhan.mediation.services import safety, sessions
from yizhan.mediation.tasks import protection_order_expiry_alert
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.notifications.models import Notification
from yizhan.stations import reference as station_reference
from yizhan.tests.factories import build_world

RED = ["weapon", "prior_violence"]  # a weapon forces red
ORANGE = ["threats_to_kill"]  # forces orange
CHILD = ["children_present"]


@pytest.fixture
def net(world):
    return build_studio_network(world)


@pytest.fixture
def case(world, net):
    with scopes_disabled():
        return make_case(world, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)


def _screen(world, case, answers, user="mediator", **kwargs):
    with scope_for(world.users[user]):
        return safety.screening_record(case=case, screened_by=world.users[user], answers=answers, **kwargs)


def _stored(model, pk):
    with scopes_disabled():
        return model.all_objects.get(pk=pk)


# --- scoring is data ------------------------------------------------------------------------------------------------


def test_reference_data_has_the_issues_items_and_five_bands(db):
    codes = set(RiskItem.objects.values_list("code", flat=True))
    for code in ("prior_violence", "frequent_violence", "threats_to_kill", "weapon", "strangulation",
                 "sexual_violence", "escalation", "control_jealousy", "alcohol_drugs", "pregnancy",
                 "recent_separation", "suicide_threats", "breached_order", "children_present"):  # fmt: skip
        assert code in codes
    assert set(RiskBand.objects.values_list("level", flat=True)) == {"red", "orange", "yellow", "blue", "white"}


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([], "white"),
        (["alcohol_drugs"], "blue"),
        (["prior_violence", "control_jealousy", "alcohol_drugs"], "yellow"),
        (["prior_violence", "frequent_violence", "escalation", "sexual_violence", "alcohol_drugs"], "orange"),
        (["strangulation"], "red"),
        (["threats_to_kill"], "orange"),
        (
            [
                "prior_violence",
                "frequent_violence",
                "escalation",
                "sexual_violence",
                "suicide_threats",
                "control_jealousy",
                "recent_separation",
            ],
            "red",
        ),  # fmt: skip
    ],
)
def test_score_and_level_follow_the_weights_bands_and_critical_items(db, answers, level):
    result = safety.score_answers(RiskItem.objects.all(), RiskBand.objects.all(), answers)
    assert result.level == level
    assert result.score == sum(RiskItem.objects.filter(code__in=answers).values_list("weight", flat=True))


def test_changing_a_weight_in_the_data_changes_the_level(db):
    assert safety.score_answers(RiskItem.objects.all(), RiskBand.objects.all(), ["pregnancy"]).level == "blue"
    RiskItem.objects.filter(code="pregnancy").update(forces_level="red")
    assert safety.score_answers(RiskItem.objects.all(), RiskBand.objects.all(), ["pregnancy"]).level == "red"


# --- screening --------------------------------------------------------------------------------------------------------


def test_screening_records_level_encrypted_answers_who_and_when_and_audits(world, case):
    screening = _screen(world, case, RED, note="曾持刀威胁 🔪")
    stored = _stored(RiskScreening, screening.pk)
    assert stored.level == "red"
    assert stored.screened_by == world.users["mediator"]
    assert json.loads(stored.answers) == sorted(RED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, note FROM mediation_riskscreening WHERE id = %s", [screening.pk])
        answers_raw, note_raw = cursor.fetchone()
    assert "weapon" not in answers_raw
    assert "持刀" not in note_raw
    row = AuditLog.all_objects.get(target_type="mediation.riskscreening", target_id=str(screening.pk))
    assert row.action == AuditLog.Action.CREATE
    assert "weapon" not in json.dumps(row.changes, ensure_ascii=False)


def test_latest_level_and_history_on_the_case(world, case):
    _screen(world, case, RED)
    later = _screen(world, case, ["alcohol_drugs"])
    with scope_for(world.users["mediator"]):
        info = selectors_safety.case_safety(case)
    assert info.latest.pk == later.pk
    assert info.latest.level == "blue"
    assert [s.level for s in info.screenings] == ["blue", "red"]
    assert info.blocking is None


def test_screening_refuses_unknown_items_huge_notes_control_characters_and_closed_cases(world, case):
    for kwargs in ({"answers": ["nonsense"]}, {"answers": [], "note": "长" * 2001}, {"answers": [], "note": "a\x00"}):
        with pytest.raises(ValidationError):
            _screen(world, case, **kwargs)
    with scopes_disabled():
        Case.all_objects.filter(pk=case.pk).update(status=Case.Status.AGREEMENT)
        case.refresh_from_db()
    with pytest.raises(ValidationError):
        _screen(world, case, [])
    assert not RiskScreening.all_objects.exists()


def test_the_advisor_on_the_case_may_screen_an_admin_may_not(world, net, case):
    assert _screen(world, case, [], user="advisor").level == "white"
    with pytest.raises(PermissionDenied):
        _screen(world, case, [], user="town_admin")


# --- joint sessions blocked, override -------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [RED, ORANGE])
def test_red_or_orange_blocks_joint_sessions_until_a_new_screening_lowers_it(world, case, answers):
    _screen(world, case, answers)
    assert safety.joint_block(case) is not None
    _screen(world, case, ["alcohol_drugs"])
    assert safety.joint_block(case) is None


def test_override_needs_the_town_admin_and_a_reason_and_is_audited(world, case):
    blocking = _screen(world, case, RED)
    for user in ("mediator", "advisor", "other_town_admin"):
        with scope_for(world.users[user]), pytest.raises(PermissionDenied):
            safety.joint_override_grant(case=case, granted_by=world.users[user], reason="双方要求当面调解")
    with scope_for(world.users["town_admin"]), pytest.raises(ValidationError):
        safety.joint_override_grant(case=case, granted_by=world.users["town_admin"], reason="  ")
    assert not JointSessionOverride.all_objects.exists()
    with scope_for(world.users["town_admin"]):
        override = safety.joint_override_grant(
            case=case, granted_by=world.users["town_admin"], reason="施暴人已被羁押，受害人坚持当面调解"
        )
    assert override.screening == blocking
    assert safety.joint_block(case) is None
    row = AuditLog.all_objects.get(target_type="mediation.jointsessionoverride")
    # the reason is about people: it is kept in the encrypted field only, never in clear in the audit row
    assert "羁押" not in json.dumps(row.changes, ensure_ascii=False) + row.reason
    assert override.reason == "施暴人已被羁押，受害人坚持当面调解"
    assert row.actor == world.users["town_admin"]
    # a district admin is above the town: allowed too; a new red screening needs a new override
    _screen(world, case, RED)
    assert safety.joint_block(case) is not None
    with scope_for(world.users["district_admin"]):
        safety.joint_override_grant(case=case, granted_by=world.users["district_admin"], reason="复核后同意")
    assert safety.joint_block(case) is None


def test_no_override_without_a_block(world, case):
    _screen(world, case, ["alcohol_drugs"])
    with scope_for(world.users["town_admin"]), pytest.raises(ValidationError):
        safety.joint_override_grant(case=case, granted_by=world.users["town_admin"], reason="无")


# --- mandatory report gate ------------------------------------------------------------------------------------------


def test_a_child_at_risk_opens_a_report_and_the_case_cannot_proceed_until_it_is_recorded(world, net):
    with scopes_disabled():
        intake = make_case(world)
        accepted = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    _screen(world, intake, CHILD)
    _screen(world, accepted, CHILD)
    mediator = world.users["mediator"]
    with scope_for(mediator):
        with pytest.raises(ValidationError) as refused:
            services.case_accept(
                case=intake, accepted_by=mediator, version=intake.version, willingness_recorded=True, notice_given=True
            )
        assert "强制报告" in str(refused.value.messages) or "mandatory report" in str(refused.value.messages)
        with pytest.raises(ValidationError, match="mandatory report|强制报告"):
            services.case_close(
                case=accepted, closed_by=mediator, version=accepted.version, outcome="agreement", agreement_form="oral"
            )
        with pytest.raises(ValidationError, match="mandatory report|强制报告"):
            sessions.session_record(
                case=accepted,
                recorded_by=mediator,
                kind="separate",
                starts_at=timezone.now(),
                place="调解室",
                heard_party=CaseParty.all_objects.filter(case=accepted).first(),
            )
    assert _stored(Case, intake.pk).status == Case.Status.INTAKE
    assert _stored(Case, accepted.pk).status == Case.Status.ACCEPTED
    report = MandatoryReport.all_objects.get(case=accepted)
    with scope_for(mediator):
        with pytest.raises(ValidationError):
            safety.mandatory_report_record(report=report, reported_by=mediator, reported_to="", reported_at=None)
        safety.mandatory_report_record(
            report=report, reported_by=mediator, reported_to="瓜沥派出所", reported_at=timezone.now()
        )
        with pytest.raises(ValidationError):  # recorded once only
            safety.mandatory_report_record(
                report=report, reported_by=mediator, reported_to="瓜沥派出所", reported_at=timezone.now()
            )
        services.case_close(
            case=accepted, closed_by=mediator, version=accepted.version, outcome="agreement", agreement_form="oral"
        )
    stored = _stored(MandatoryReport, report.pk)
    assert stored.reported_by == mediator
    assert stored.reported_to == "瓜沥派出所"
    assert AuditLog.all_objects.filter(target_type="mediation.mandatoryreport", action="update").count() == 1


def test_a_report_flagged_by_hand_blocks_too_and_needs_grounds(world, case):
    with scope_for(world.users["mediator"]):
        with pytest.raises(ValidationError):
            safety.mandatory_report_open(case=case, opened_by=world.users["mediator"], grounds="")
        safety.mandatory_report_open(
            case=case, opened_by=world.users["mediator"], grounds="被申请人的母亲（失能老人）受虐"
        )
        with pytest.raises(ValidationError, match="失能老人"):
            safety.require_mandatory_reports(case)


def test_a_second_child_screening_does_not_open_a_second_pending_report(world, case):
    _screen(world, case, CHILD)
    _screen(world, case, CHILD)
    assert MandatoryReport.all_objects.filter(case=case).count() == 1


# --- police referral, protection orders -----------------------------------------------------------------------------


def test_police_referral_records_when_where_and_who(world, case):
    with scope_for(world.users["advisor"]):
        with pytest.raises(ValidationError):
            safety.police_referral_record(
                case=case,
                referred_by=world.users["advisor"],
                referred_at=timezone.now() + timedelta(days=2),
                station="",
            )
        referral = safety.police_referral_record(
            case=case, referred_by=world.users["advisor"], referred_at=timezone.now(), station="瓜沥派出所"
        )
    assert _stored(PoliceReferral, referral.pk).referred_by == world.users["advisor"]


def _apply(world, case, **kwargs):
    mediator = world.users["mediator"]
    with scope_for(mediator):
        party = CaseParty.objects.filter(case=case, role="applicant").first()
        args = {"protected_party": party, "applied_at": timezone.now() - timedelta(hours=1), "court": "萧山区人民法院"}
        return safety.protection_order_apply(case=case, recorded_by=mediator, **{**args, **kwargs})


def _rule(world, order, **kwargs):
    mediator = world.users["mediator"]
    with scope_for(mediator):
        args = {"version": order.version, "ruling": "granted", "ruling_on": timezone.localdate()}
        return safety.protection_order_rule(order=order, recorded_by=mediator, **{**args, **kwargs})


def test_ruling_overdue_after_72_hours_or_24_when_urgent(world, case):
    normal = _apply(world, case, applied_at=timezone.now() - timedelta(hours=30))
    urgent = _apply(world, case, applied_at=timezone.now() - timedelta(hours=30), urgent=True)
    assert not normal.ruling_overdue
    assert urgent.ruling_overdue
    old = _apply(world, case, applied_at=timezone.now() - timedelta(hours=73))
    assert old.ruling_overdue


def test_an_order_lasts_at_most_six_months_from_the_ruling(world, case):
    order = _apply(world, case)
    today = timezone.localdate()
    too_long = safety.add_months(today, 6) + timedelta(days=1)
    with pytest.raises(ValidationError, match="6"):
        _rule(world, order, expires_on=too_long)
    with pytest.raises(ValidationError):
        _rule(world, order, expires_on=None)
    with pytest.raises(ValidationError):
        _rule(world, order, expires_on=today)
    assert _stored(ProtectionOrder, order.pk).ruling == "pending"
    _rule(world, order, expires_on=safety.add_months(today, 6))
    stored = _stored(ProtectionOrder, order.pk)
    assert stored.ruling == "granted"
    assert stored.expires_on == safety.add_months(today, 6)
    assert stored.version == 2
    with pytest.raises(StaleVersionError):
        _rule(world, order, version=1, ruling="refused")


def test_add_months_keeps_the_end_of_short_months():
    assert safety.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert safety.add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)


def test_expiry_alert_tells_the_lead_and_the_town_admin_once(world, case, django_capture_on_commit_callbacks):
    order = _apply(world, case)
    soon = timezone.localdate() + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # the immediate backend runs it at once
        _rule(world, order, ruling_on=timezone.localdate(), expires_on=soon)
    assert len(callbacks) == 1
    with scopes_disabled():
        notified = set(
            Notification.all_objects.filter(kind="protection_order_expiring").values_list("user__username", flat=True)
        )
    assert "mediator" in notified
    assert "town_admin" in notified
    assert "advisor" not in notified
    before = Notification.all_objects.count()
    assert protection_order_expiry_alert.call(order_id=order.pk, expires_on=soon.isoformat()) == len(notified)
    assert Notification.all_objects.count() == before  # idempotent
    assert protection_order_expiry_alert.call(order_id=order.pk, expires_on=(soon + timedelta(1)).isoformat()) == 0
    assert protection_order_expiry_alert.call(order_id=999999, expires_on=soon.isoformat()) == 0


def test_the_alert_is_queued_for_a_week_before_expiry(world, case, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    order = _apply(world, case)
    expires = timezone.localdate() + timedelta(days=90)
    with django_capture_on_commit_callbacks(execute=True):
        _rule(world, order, expires_on=expires)
    queued = DBTaskResult.objects.get()
    assert timezone.localdate(queued.run_after) == expires - timedelta(days=7)
    assert queued.args_kwargs["kwargs"] == {"order_id": order.pk, "expires_on": expires.isoformat()}
    # run early (a worker catching up, the immediate backend): nothing is sent before the alert day
    assert protection_order_expiry_alert.call(order_id=order.pk, expires_on=expires.isoformat()) == 0
    assert not Notification.all_objects.exists()


# --- pages and API --------------------------------------------------------------------------------------------------


def test_safety_page_screening_gives_red_and_the_case_page_shows_it(world, case, client_for):
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/safety/"
    assert client.get(url).status_code == 200
    response = client.post(url + "screen/", {"answers": RED, "note": "曾持刀"})
    assert response.status_code == 302
    html = client.get(f"/stations/studios/cases/{case.pk}/").content.decode()
    assert 'data-testid="joint-blocked"' in html
    assert "risk-red" in html


def test_safety_page_refuses_bad_input_with_400_and_changes_nothing(world, case, client_for):
    client = client_for(world.users["mediator"])
    url = f"/stations/studios/cases/{case.pk}/safety/"
    assert client.post(url + "screen/", {"answers": ["nonsense"]}).status_code == 400
    assert client.post(url + "police/", {"referred_at": "not a date", "station": "派出所"}).status_code == 400
    assert client.post(url + "reports/", {"grounds": ""}).status_code == 400
    assert not RiskScreening.all_objects.exists()
    assert not MandatoryReport.all_objects.exists()


def test_admin_sees_the_level_but_answers_only_through_reveal(world, case, client_for):
    _screen(world, case, RED, note="曾持刀")
    html = client_for(world.users["town_admin"]).get(f"/stations/studios/cases/{case.pk}/safety/").content.decode()
    assert "risk-red" in html
    assert "曾持刀" not in html
    assert "使用或威胁使用凶器" not in html
    team_html = client_for(world.users["advisor"]).get(f"/stations/studios/cases/{case.pk}/safety/").content.decode()
    assert "使用或威胁使用凶器" in team_html
    assert "曾持刀" in team_html


def test_override_page_for_the_town_admin_only(world, case, client_for):
    _screen(world, case, RED)
    url = f"/stations/studios/cases/{case.pk}/safety/override/"
    assert client_for(world.users["mediator"]).post(url, {"reason": "x"}).status_code == 403
    admin = client_for(world.users["town_admin"])
    assert admin.post(url, {"reason": ""}).status_code == 400
    assert admin.post(url, {"reason": "受害人坚持当面调解"}).status_code == 302
    assert JointSessionOverride.all_objects.count() == 1


def test_api_screening_safety_orders_and_reports(world, case, client_for):
    client = client_for(world.users["mediator"])
    base = f"/api/cases/{case.pk}"
    items = client.get("/api/cases/risk-items").json()
    assert {"code": "weapon", "forces_level": "red"}.items() <= next(i for i in items if i["code"] == "weapon").items()
    response = client.post(f"{base}/screenings", {"answers": RED + CHILD}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["level"] == "red"
    assert (
        client.post(f"{base}/screenings", {"answers": ["x" * 41]}, content_type="application/json").status_code == 422
    )
    safety_out = client.get(f"{base}/safety").json()
    assert safety_out["joint_sessions_blocked"] is True
    assert safety_out["latest_level"] == "red"
    report = safety_out["mandatory_reports"][0]
    assert report["is_pending"] is True
    answer = client.post(
        f"{base}/mandatory-reports/{report['id']}",
        {"reported_to": "瓜沥派出所", "reported_at": timezone.now().isoformat()},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["reported_by"] == "mediator"
    with scopes_disabled():
        party = CaseParty.all_objects.filter(case=case).first()
    order = client.post(
        f"{base}/protection-orders",
        {"protected_party": party.pk, "applied_at": timezone.now().isoformat(), "court": "萧山区人民法院"},
        content_type="application/json",
    ).json()
    ruling = {"version": 1, "ruling": "granted", "ruling_on": timezone.localdate().isoformat()}
    too_long = {**ruling, "expires_on": (timezone.localdate() + timedelta(days=200)).isoformat()}
    refused = client.post(f"{base}/protection-orders/{order['id']}/ruling", too_long, content_type="application/json")
    assert refused.status_code == 400
    assert "6" in refused.content.decode()
    ok = {**ruling, "expires_on": (timezone.localdate() + timedelta(days=150)).isoformat()}
    granted = client.post(f"{base}/protection-orders/{order['id']}/ruling", ok, content_type="application/json")
    assert granted.status_code == 200
    assert granted.json()["ruling"] == "granted"
    stale = client.post(f"{base}/protection-orders/{order['id']}/ruling", ok, content_type="application/json")
    assert stale.status_code == 409
    admin = client_for(world.users["town_admin"]).get(f"{base}/safety").json()
    assert admin["screenings"][0]["answers"] == []
    assert admin["screenings"][0]["answers_masked"] is True


def test_api_override_by_a_mediator_is_refused(world, case, client_for):
    _screen(world, case, ORANGE)
    url = f"/api/cases/{case.pk}/joint-override"
    assert (
        client_for(world.users["mediator"]).post(url, {"reason": "x"}, content_type="application/json").status_code
        == 403
    )
    answer = client_for(world.users["town_admin"]).post(url, {"reason": "同意"}, content_type="application/json")
    assert answer.status_code == 201


# --- two people record the same report, or rule the same order, at once: exactly one wins -------------------------


def _race(calls):
    """Run the calls at the same moment in threads; the names of the exceptions they raised (None for success)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append(None)
        except Exception as exc:  # noqa: BLE001 - reported below
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_report_records_and_rulings_let_exactly_one_through(tmp_path):
    with scopes_disabled():
        reference.load()
        station_reference.load()
        world = build_world()
        case = make_case(world, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)
        report_pk = MandatoryReport.all_objects.create(
            case=case, grounds="儿童在场", opened_by=world.users["mediator"]
        ).pk
        party = CaseParty.all_objects.filter(case=case).first()
        order_pk = ProtectionOrder.all_objects.create(
            case=case,
            protected_party=party,
            applied_at=timezone.now() - timedelta(hours=1),
            court="萧山区人民法院",
            recorded_by=world.users["mediator"],
        ).pk

    def record(user):
        def call():
            with scope_for(world.users[user]):
                report = MandatoryReport.objects.get(pk=report_pk)
                safety.mandatory_report_record(
                    report=report, reported_by=world.users[user], reported_to="瓜沥派出所", reported_at=timezone.now()
                )

        return call

    def rule(user, ruling):
        def call():
            with scope_for(world.users[user]):
                order = ProtectionOrder.objects.get(pk=order_pk)
                safety.protection_order_rule(
                    order=order,
                    recorded_by=world.users[user],
                    version=1,
                    ruling=ruling,
                    ruling_on=timezone.localdate(),
                    expires_on=timezone.localdate() + timedelta(days=90) if ruling == "granted" else None,
                )

        return call

    def both():
        return _race([record("mediator"), record("advisor")]), _race(
            [rule("mediator", "granted"), rule("advisor", "refused")]
        )

    if connection.vendor == "sqlite":  # as in test_cases: threads need the database in a file
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
            reports, rulings = both()
        finally:
            db["NAME"] = saved
            db["OPTIONS"].pop("timeout", None)
        reader = sqlite3.connect(path)
        audit_rows = reader.execute(
            "SELECT COUNT(*) FROM audit_auditlog WHERE target_type = 'mediation.mandatoryreport'"
        ).fetchone()[0]
        version = reader.execute("SELECT version FROM mediation_protectionorder WHERE id = ?", [order_pk]).fetchone()[0]
        reader.close()
    else:
        reports, rulings = both()
        with scopes_disabled():
            audit_rows = AuditLog.all_objects.filter(target_type="mediation.mandatoryreport").count()
            version = ProtectionOrder.all_objects.get(pk=order_pk).version
    assert sorted(reports, key=str) == [None, "ValidationError"]
    assert audit_rows == 1
    assert sorted(rulings, key=str) == [None, "StaleVersionError"]
    assert version == 2
