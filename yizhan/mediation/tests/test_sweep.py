"""The daily sweep of the mediation alerts (``sweep.sweep_alerts``, the daily job ``mediation.alert_sweep``): alerts of
cases accepted, agreements signed and orders ruled without a queued task are sent on their day, once; missing
follow-up visits of recent agreements are planned; a second run adds nothing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from yizhan.audit.models import AuditLog
from yizhan.core import schedule
from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Case, CaseAlert, CaseParty, FollowUp, JudicialConfirmation, ProtectionOrder
from yizhan.mediation.sweep import sweep_alerts
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.outcomes import make_agreement_case
from yizhan.notifications.models import Notification


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _accepted(w, *, days_ago):
    """An accepted case with the world's mediator as lead, accepted ``days_ago`` days ago (30-day limit), no task."""
    case = make_case(w, status=Case.Status.ACCEPTED, lead=True)
    with scopes_disabled():
        Case.all_objects.filter(pk=case.pk).update(accepted_at=timezone.now() - timedelta(days=days_ago))
        case.refresh_from_db()
    return case


def _notes(kind):
    with scopes_disabled():
        return sorted(
            (n.user.username, n.params.get("case"))
            for n in Notification.all_objects.filter(kind=kind).select_related("user")
        )


def test_deadline_and_overdue_alerts_are_sent_once(net, world):
    soon = _accepted(world, days_ago=27)  # 3 days left
    late = _accepted(world, days_ago=33)  # 3 days overdue
    _accepted(world, days_ago=10)  # 20 days left: nothing yet
    first = sweep_alerts.call()
    assert first == {"deadline_soon": 1, "overdue": 1}
    assert _notes("case_deadline_soon") == [("mediator", soon.number)]
    assert _notes("case_overdue") == [("town_admin", late.number)]
    assert sweep_alerts.call() == {}
    assert len(_notes("case_deadline_soon")) == 1
    assert len(_notes("case_overdue")) == 1
    with scopes_disabled():
        assert CaseAlert.all_objects.count() == 2


def test_confirmation_window_alert_for_an_agreement_signed_without_a_task(net, world):
    case, agreement = make_agreement_case(world, locked=True, signed_days_ago=26)
    confirmed, confirmed_agreement = make_agreement_case(world, locked=True, signed_days_ago=26)
    make_agreement_case(world, locked=True, signed_days_ago=10)  # day 10: too early
    make_agreement_case(world, locked=True, signed_days_ago=31)  # window closed
    with scopes_disabled():
        JudicialConfirmation.all_objects.create(
            case=confirmed,
            agreement=confirmed_agreement,
            applied_on=timezone.localdate(),
            court="瓜沥共享法庭",
            recorded_by=world.users["mediator"],
        )
    assert sweep_alerts.call()["confirmation"] == 1
    assert _notes("case_confirmation_window") == [("mediator", case.number)]
    assert "confirmation" not in sweep_alerts.call()
    assert len(_notes("case_confirmation_window")) == 1


def test_protection_order_alert_whose_task_was_lost(net, world):
    case = _accepted(world, days_ago=1)
    with scopes_disabled():
        party = CaseParty.all_objects.filter(case=case).first()
        for expires_in in (3, 20):
            ProtectionOrder.all_objects.create(
                case=case,
                protected_party=party,
                applied_at=timezone.now() - timedelta(days=60),
                court="萧山区人民法院",
                ruling=ProtectionOrder.Ruling.GRANTED,
                ruling_on=timezone.localdate() - timedelta(days=59),
                expires_on=timezone.localdate() + timedelta(days=expires_in),
                recorded_by=world.users["mediator"],
            )
    sweep_alerts.call()
    told = _notes("protection_order_expiring")
    assert told == [("mediator", case.number), ("town_admin", case.number)]
    sweep_alerts.call()
    assert _notes("protection_order_expiring") == told


def test_follow_up_visits_of_recent_agreements_without_any(net, world):
    recent, _agreement = make_agreement_case(world, closed_days_ago=10)
    old, _agreement = make_agreement_case(world, closed_days_ago=200)
    planned, _agreement = make_agreement_case(world, closed_days_ago=10)
    with scopes_disabled():
        FollowUp.all_objects.create(case=planned, due_on=timezone.localdate() + timedelta(days=5))
    assert sweep_alerts.call()["follow_ups"] == 2
    with scopes_disabled():
        closed = timezone.localdate(Case.all_objects.get(pk=recent.pk).closed_at)
        assert sorted(FollowUp.all_objects.filter(case=recent).values_list("due_on", flat=True)) == [
            closed + timedelta(days=15),
            closed + timedelta(days=90),
        ]
        assert not FollowUp.all_objects.filter(case=old).exists()
        assert FollowUp.all_objects.filter(case=planned).count() == 1
        assert AuditLog.objects.filter(target_type="mediation.followup", actor__isnull=True).count() == 2
    assert "follow_ups" not in sweep_alerts.call()
    with scopes_disabled():
        assert FollowUp.all_objects.filter(case=recent).count() == 2


def test_it_is_a_daily_job_and_runs_through_the_scheduler(net, world):
    path, at, kwargs = settings.DAILY_JOBS["mediation.alert_sweep"]
    assert path == "yizhan.mediation.sweep.sweep_alerts"
    assert at == "07:30"
    _accepted(world, days_ago=33)
    assert schedule.run("mediation.alert_sweep") == {"overdue": 1}
