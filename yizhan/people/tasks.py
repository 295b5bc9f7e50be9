"""Reminders for overdue follow-up actions and care visits. Idempotent; payloads carry ids only."""

from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from yizhan.accounts.models import Role, RoleMembership
from yizhan.core.scoping import scopes_disabled
from yizhan.notifications.services import notify

from .models import FollowUpAction, ScheduledVisit


@task()
def remind_followup(action_id: int) -> int | None:
    """Remind the owner of one follow-up action if it is still open after its due date."""
    with scopes_disabled():
        action = FollowUpAction.all_objects.select_related("owner", "visit").filter(pk=action_id).first()
        if action is None or not action.is_overdue:
            return None
        return _notify_action(action).pk


def _notify_action(action):
    return notify(
        user=action.owner,
        kind="followup_overdue",
        params={
            "action": action.description,
            "visit_date": action.visit.visit_date.isoformat(),
            "due": action.due_date.isoformat(),
        },
        dedup_key=f"followup_overdue:{action.pk}",
        link=("people:visit_detail", [action.visit_id]),
    )


@task()
def send_overdue_reminders() -> dict:
    """Daily: remind owners of overdue actions, and station managers of villages with overdue visits."""
    today = timezone.localdate()
    sent = {"actions": 0, "villages": 0}
    with scopes_disabled():
        for action in FollowUpAction.all_objects.filter(done_on__isnull=True, due_date__lt=today).select_related(
            "owner", "visit"
        ):
            _notify_action(action)
            sent["actions"] += 1
        per_village = (
            ScheduledVisit.all_objects.filter(visit__isnull=True, cancelled=False, due_date__lt=today)
            .values("person__region__code", "person__region__name")
            .annotate(count=Count("id"))
        )
        for row in per_village:
            code = row["person__region__code"]
            managers = RoleMembership.all_objects.filter(
                role=Role.STATION_MANAGER, is_active=True, region__code=code
            ).select_related("user")
            for membership in managers:
                notify(
                    user=membership.user,
                    kind="visits_overdue",
                    params={"count": row["count"], "place": row["person__region__name"]},
                    dedup_key=f"visits_overdue:{code}:{membership.user_id}:{today.isoformat()}",
                    link=("people:overdue", []),
                )
            sent["villages"] += 1
    return sent
