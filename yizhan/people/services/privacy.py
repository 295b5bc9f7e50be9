"""Subject requests (export, erasure) and the retention policy (PIPL art. 19, 45–47)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.audit.models import AuditLog
from yizhan.core import images
from yizhan.core.permissions import require
from yizhan.core.versioning import bump_version

from ..holds import Hold, holds_for
from ..models import (
    Consent,
    FollowUpAction,
    Household,
    ImportBatch,
    Need,
    Person,
    Relation,
    ScheduledVisit,
    TargetGroupMembership,
    Visit,
    VisitPhoto,
)
from ..permissions import can_erase_person

ANONYMOUS_NAME = "已匿名"


@dataclass
class ErasureResult:
    person_id: int
    held: list[Hold] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def fully_anonymised(self) -> bool:
        return not self.held


def subject_export(*, person: Person, actor) -> dict:
    """Everything held about a person, in full (it is for the person), as plain data. Logged as an export."""
    if not person.can_reveal(actor, "id_number"):
        raise PermissionDenied
    visits = list(Visit.all_objects.filter(person=person).prefetch_related("needs", "actions", "photos"))
    data = {
        "person": {
            "id": person.pk,
            "name": person.name,
            "gender": person.get_gender_display(),
            "date_of_birth": person.birth_date.isoformat() if person.birth_date else None,
            "document_type": person.get_id_type_display(),
            "document_number": person.id_number,
            "mobile": person.mobile,
            "address": person.address,
            "village": person.region.name,
            "residency": person.get_residency_display(),
            "household": person.household.name if person.household is not None else None,
            "notes": person.notes,
            "registered_at": person.created_at.isoformat(),
        },
        "relations": [
            {"relation": str(r.get_kind_display()), "person": r.person.name, "relative": r.relative.name}
            for r in Relation.all_objects.filter(Q(person=person) | Q(relative=person)).select_related(
                "person", "relative"
            )
        ],
        "target_groups": [
            {
                "group": m.group.name,
                "from": m.start_date.isoformat(),
                "until": m.end_date.isoformat() if m.end_date else None,
            }
            for m in TargetGroupMembership.all_objects.filter(person=person).select_related("group")
        ],
        "consents": [
            {
                "purpose": str(c.get_purpose_display()),
                "covers": c.data_scope,
                "separate": c.separate,
                "given_on": c.given_on.isoformat(),
                "given_by": str(c.get_given_by_display()),
                "withdrawn_on": c.withdrawn_on.isoformat() if c.withdrawn_on else None,
            }
            for c in Consent.all_objects.filter(person=person)
        ],
        "visits": [
            {
                "date": v.visit_date.isoformat(),
                "kind": v.get_kind_display(),
                "place": v.place,
                "findings": v.findings,
                "photos": len(v.photos.all()),
                "needs": [{"category": str(n.get_category_display()), "detail": n.detail} for n in v.needs.all()],
                "actions": [
                    {
                        "action": a.description,
                        "due": a.due_date.isoformat(),
                        "done_on": a.done_on.isoformat() if a.done_on else None,
                    }
                    for a in v.actions.all()
                ],
            }
            for v in visits
        ],
        "needs_outside_visits": [
            {"category": str(n.get_category_display()), "detail": n.detail}
            for n in Need.all_objects.filter(person=person, visit__isnull=True)
        ],
        "access_log": [
            {
                "at": row.at.isoformat(),
                "by": row.actor_label,
                "action": row.action,
                "field": row.field,
                "reason": row.reason,
            }
            for row in AuditLog.all_objects.filter(target_type="people.person", target_id=str(person.pk))
        ],
    }
    audit.record(
        actor=actor,
        action=AuditLog.Action.EXPORT,
        target=person,
        field="subject_access",
        reason=_("Copy of personal data for the person (subject access request)"),
    )
    return data


def _delete_photos(photos) -> int:
    """Delete the rows now and the files once the transaction commits (a rollback keeps both)."""
    names = []
    for photo in photos:
        names.append(photo.image.name)
        photo.delete()
    if names:
        transaction.on_commit(lambda: images.delete_stored(*names))
    return len(names)


def person_erase(*, person: Person, actor, reason: str) -> ErasureResult:
    """Anonymise a person everywhere, except what a legal hold keeps; the result says what and why."""
    if actor is not None:
        require(can_erase_person, person)
    result = ErasureResult(person_id=person.pk)
    if person.is_anonymised:
        return result
    result.held = holds_for(person)
    with transaction.atomic():
        person = Person.all_objects.select_for_update().get(pk=person.pk)
        visits = Visit.all_objects.filter(person=person)
        visits.update(findings="", place="", other_visitors="")
        result.anonymised.append(_("visit findings and places"))
        Need.all_objects.filter(person=person).update(detail="")
        result.anonymised.append(_("details of needs"))
        # Follow-up actions describe the person's situation in free text; open ones would keep reminding staff.
        actions = FollowUpAction.all_objects.filter(visit__person=person)
        actions.filter(done_on__isnull=True).update(done_on=timezone.localdate())
        actions.update(description=ANONYMOUS_NAME)
        result.anonymised.append(_("follow-up actions"))
        if _delete_photos(VisitPhoto.all_objects.filter(visit__person=person)):
            result.anonymised.append(_("visit photos"))
        TargetGroupMembership.all_objects.filter(person=person).delete()
        result.anonymised.append(_("target-group memberships"))
        ScheduledVisit.all_objects.filter(person=person, visit__isnull=True).update(cancelled=True)
        person.mobile = ""
        person.address = ""
        person.notes = ""
        household_id = person.household_id
        person.household = None
        result.anonymised.append(_("mobile number, address, notes and household"))
        if result.held:
            result.kept.append(_("name, document number, date of birth and relations, for the held records"))
        else:
            Relation.all_objects.filter(person=person).delete()
            Relation.all_objects.filter(relative=person).delete()
            person.name = f"{ANONYMOUS_NAME}#{person.pk}"
            person.id_number = ""
            person.birth_date = None
            person.anonymised_at = timezone.now()
            result.anonymised.append(_("name, document number, date of birth and relations"))
        result.kept.append(
            _(
                "the audit log (who did what and when; numbers masked), "
                "kept as the legally required record of processing"
            )
        )
        bump_version(person, person.version)  # an edit form opened before the erasure is now stale
        person.save()
        if household_id and not Person.all_objects.filter(household_id=household_id).exists():
            # The household was this person's alone: its name (王建国家) and address identify them.
            Household.all_objects.filter(pk=household_id).update(name=f"{ANONYMOUS_NAME}#{household_id}", address="")
        audit.record(
            actor=actor,
            action=AuditLog.Action.UPDATE,
            target=person,
            target_repr=f"#{person.pk}",
            field="erasure",
            reason=(reason or "").strip()[:500],
            changes={
                "anonymised": [None, [str(x) for x in result.anonymised]],
                "held": [None, [h.reason for h in result.held]],
            },
        )
    return result


class HeldPerson(TypedDict):
    person_id: int
    holds: list[str]


class RetentionReport(TypedDict):
    """What ``apply_retention`` did (or, with ``dry_run``, would do): counts per policy, and who is held."""

    dry_run: bool
    visit: int
    consent_withdrawn_person: int
    import_batch: int
    held: list[HeldPerson]


def apply_retention(*, dry_run: bool = True, now: datetime | None = None) -> RetentionReport:
    """Anonymise what is past the retention policy in settings.RETENTION; with dry_run, only count it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = settings.RETENTION
    report: RetentionReport = {
        "dry_run": dry_run,
        "visit": 0,
        "consent_withdrawn_person": 0,
        "import_batch": 0,
        "held": [],
    }

    visit_cutoff = today - timedelta(days=policy["visit"])
    old_visits = Visit.all_objects.filter(visit_date__lt=visit_cutoff).exclude(findings="", photos__isnull=True)
    old_visit_ids = list(old_visits.values_list("pk", flat=True).distinct())
    old_visit_ids += list(
        Need.all_objects.filter(visit__visit_date__lt=visit_cutoff)
        .exclude(detail="")
        .values_list("visit_id", flat=True)
    )
    old_visit_ids = sorted(set(old_visit_ids))
    report["visit"] = len(old_visit_ids)

    person_cutoff = now - timedelta(days=policy["consent_withdrawn_person"])
    people = list(
        Person.all_objects.filter(consent_withdrawn_at__lt=person_cutoff, anonymised_at__isnull=True).select_related(
            "region"
        )
    )
    batches = ImportBatch.all_objects.filter(created_at__lt=now - timedelta(days=policy["import_batch"]))
    report["import_batch"] = batches.count()
    # A held person was already anonymised as far as the holds allow: run again only once the holds are gone
    # (or after a later withdrawal), not every day with a new audit row and a misleading count.
    erased_at: dict[str, datetime] = {}
    for target_id, at in AuditLog.all_objects.filter(
        target_type="people.person", field="erasure", target_id__in=[str(p.pk) for p in people]
    ).values_list("target_id", "at"):
        erased_at[target_id] = max(at, erased_at.get(target_id, at))
    due = []
    for person in people:
        held = holds_for(person)
        if held:
            report["held"].append({"person_id": person.pk, "holds": [h.reason for h in held]})
            last = erased_at.get(str(person.pk))
            withdrawn = person.consent_withdrawn_at  # set: the people were chosen by it
            if last is not None and withdrawn is not None and last >= withdrawn:
                continue
        due.append(person)
    people = due
    report["consent_withdrawn_person"] = len(people)
    if dry_run:
        return report
    with transaction.atomic():
        Visit.all_objects.filter(pk__in=old_visit_ids).update(findings="")
        Need.all_objects.filter(visit_id__in=old_visit_ids).update(detail="")
        _delete_photos(VisitPhoto.all_objects.filter(visit_id__in=old_visit_ids))
        for person in people:
            person_erase(person=person, actor=None, reason=_("Retention period after consent withdrawal"))
        batches.delete()
        audit.record(
            actor=None,
            action=AuditLog.Action.UPDATE,
            target_repr="retention",
            field="retention",
            changes={k: [None, v] for k, v in report.items() if k in policy},
        )
    return report
