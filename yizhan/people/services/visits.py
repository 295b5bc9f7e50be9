"""Visit plans, due visits, visit records with needs and follow-up actions, reminders."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core import images
from yizhan.core.permissions import require
from yizhan.core.scoping import require_scope

from ..models import (
    Consent,
    FollowUpAction,
    Need,
    Person,
    ScheduledVisit,
    TargetGroupMembership,
    Visit,
    VisitPhoto,
    VisitPlan,
)
from ..permissions import can_manage_visit_plan, can_plan_visits_in, can_write_residents_in
from ..selectors import staff_for
from ..tasks import remind_followup

# A membership as schedule_due_visits reads it: person id, group id, start date, the person's region code.
_Membership = tuple[int, int, date, str]


def visit_plan_create(*, created_by, name, group, region, interval_days, kind="care") -> VisitPlan:
    require(can_plan_visits_in, region)
    plan = VisitPlan(
        name=(name or "").strip(),
        group=group,
        region=region,
        interval_days=interval_days,
        kind=kind,
        created_by=created_by,
    )
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        audit.log_create(created_by, plan)
        schedule_due_visits(plan=plan)
    return plan


def schedule_due_visits(*, plan: VisitPlan | None = None, person: Person | None = None) -> int:
    """Open the next due visit for every current group member a plan covers (idempotent; a few queries)."""
    plans: QuerySet[VisitPlan] | list[VisitPlan]
    plans = VisitPlan.all_objects.filter(is_active=True).select_related("region")
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    plans = list(plans)
    if not plans:
        return 0
    memberships: QuerySet[TargetGroupMembership, _Membership] | list[_Membership]
    memberships = TargetGroupMembership.all_objects.filter(
        end_date__isnull=True,
        group_id__in={p.group_id for p in plans},
        person__anonymised_at__isnull=True,
        person__consent_withdrawn_at__isnull=True,
    ).values_list("person_id", "group_id", "start_date", "person__region__code")
    if person is not None:
        memberships = memberships.filter(person=person)
    memberships = list(memberships)
    if not memberships:
        return 0
    person_ids = {m[0] for m in memberships}
    open_pairs = set(
        ScheduledVisit.all_objects.filter(
            visit__isnull=True, cancelled=False, person_id__in=person_ids, plan__in=plans
        ).values_list("plan_id", "person_id")
    )
    last_visits = dict(
        Visit.all_objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(last=Max("visit_date"))
        .values_list("person_id", "last")
    )
    new = []
    for p in plans:
        for person_id, group_id, start, region_code in memberships:
            if group_id != p.group_id or not region_code.startswith(p.region.code) or (p.pk, person_id) in open_pairs:
                continue
            base = max(start, last_visits.get(person_id) or start)
            new.append(ScheduledVisit(plan=p, person_id=person_id, due_date=base + timedelta(days=p.interval_days)))
            open_pairs.add((p.pk, person_id))
    ScheduledVisit.all_objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


def visit_record(
    *,
    created_by,
    person: Person,
    visit_date: date,
    kind: str = "care",
    visitors=(),
    other_visitors="",
    place="",
    findings="",
    needs=(),
    actions=(),
    photos=(),
    plan: VisitPlan | None = None,
) -> Visit:
    """Record a visit. ``needs``: [(category, detail)]; ``actions``: [(description, owner, due_date)]."""
    require(can_write_residents_in, person.region)
    if person.is_anonymised:
        raise ValidationError(_("This person has been anonymised."))
    if not Consent.all_objects.filter(person=person, purpose=Consent.Purpose.CARE, withdrawn_on__isnull=True).exists():
        raise ValidationError(_("The person has no active consent for care visits: record the consent first."))
    visit = Visit(
        person=person,
        kind=kind,
        visit_date=visit_date,
        other_visitors=(other_visitors or "").strip(),
        place=(place or "").strip(),
        findings=(findings or "").strip(),
        created_by=created_by,
        plan=plan,
    )
    visit.full_clean(exclude=["visitors"])
    photos = [images.clean_image(photo, field="photos") for photo in photos]
    valid_categories = set(Need.Category.values)
    for category, _detail in needs:
        if category not in valid_categories:
            raise ValidationError({"needs": _("Choose a category for each need.")})
    _check_staff(person.region.code, [owner for _d, owner, _due in actions if owner is not None] + list(visitors))
    for description, owner, due in actions:
        if not (description or "").strip() or owner is None or due is None:
            raise ValidationError({"actions": _("Each follow-up action needs a description, an owner and a date.")})
        if due < visit_date:
            raise ValidationError({"actions": _("A follow-up action cannot be due before the visit.")})
    with transaction.atomic():
        visit.save()
        if visitors:
            visit.visitors.set(visitors)
        audit.log_create(created_by, visit)
        for category, detail in needs:
            need = Need.all_objects.create(
                person=person, visit=visit, category=category, detail=(detail or "").strip(), recorded_by=created_by
            )
            audit.log_create(created_by, need)
        for description, owner, due in actions:
            _action_create(visit=visit, description=description, owner=owner, due_date=due, created_by=created_by)
        for photo in photos:
            VisitPhoto.all_objects.create(visit=visit, image=photo)
        done = list(
            ScheduledVisit.all_objects.filter(
                person=person, visit__isnull=True, cancelled=False, due_date__lte=visit_date + timedelta(days=45)
            )
        )
        for due_visit in done:
            due_visit.visit = visit
            due_visit.save(update_fields=["visit"])
        if done:
            schedule_due_visits(person=person)
    return visit


def _check_staff(region_code: str, users) -> None:
    wanted = {u.pk for u in users}
    if wanted and len(wanted & set(staff_for(region_code).filter(pk__in=wanted).values_list("pk", flat=True))) < len(
        wanted
    ):
        raise ValidationError(
            {"actions": _("Visitors and owners must be station managers or federation staff of this place.")}
        )


def _action_create(*, visit, description, owner, due_date, created_by) -> FollowUpAction:
    action = FollowUpAction(
        visit=visit, description=description.strip()[:200], owner=owner, due_date=due_date, created_by=created_by
    )
    action.full_clean()
    action.save()
    audit.log_create(created_by, action)
    if remind_followup.get_backend().supports_defer:
        run_after = timezone.make_aware(datetime.combine(due_date + timedelta(days=1), time(9)))
        transaction.on_commit(lambda: remind_followup.using(run_after=run_after).enqueue(action_id=action.pk))
    return action


def need_set_status(*, need: Need, status: str, changed_by) -> Need:
    require(can_write_residents_in, need.person.region)
    if status not in Need.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        before = audit.snapshot(need, fields=["status"])
        need.status = status
        need.save(update_fields=["status"])
        audit.log_update(changed_by, need, before)
    return need


def visit_plan_set_active(*, plan: VisitPlan, active: bool, changed_by) -> VisitPlan:
    """Pause a plan (its open due visits are cancelled) or resume it (due visits are opened again)."""
    require(can_manage_visit_plan, plan)
    with transaction.atomic():
        before = audit.snapshot(plan, fields=["is_active"])
        plan.is_active = active
        plan.save(update_fields=["is_active"])
        audit.log_update(changed_by, plan, before)
        if active:
            schedule_due_visits(plan=plan)
        else:
            ScheduledVisit.all_objects.filter(plan=plan, visit__isnull=True, cancelled=False).update(cancelled=True)
    return plan


def action_add(*, created_by, visit: Visit, description: str, owner, due_date: date) -> FollowUpAction:
    require(can_write_residents_in, visit.person.region)
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe the action.")})
    if owner is not None:
        _check_staff(visit.person.region.code, [owner])
    with transaction.atomic():
        return _action_create(
            visit=visit, description=description, owner=owner, due_date=due_date, created_by=created_by
        )


def action_done(*, action: FollowUpAction, done_by) -> FollowUpAction:
    scope = require_scope()
    if action.owner_id != done_by.pk:
        try:
            require(can_write_residents_in, action.visit.person.region)
        except PermissionDenied:
            if not scope.unrestricted:
                raise
    if action.done_on is not None:
        raise ValidationError(_("This action is already done."))
    with transaction.atomic():
        before = audit.snapshot(action, fields=["done_on"])
        action.done_on = timezone.localdate()
        action.done_by = done_by
        action.save(update_fields=["done_on", "done_by"])
        audit.log_update(done_by, action, before)
    return action
