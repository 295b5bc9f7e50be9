"""Excel export of a filtered person list: masked, or in full (each person's reveal logged) for those allowed."""

import io

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.audit.models import AuditLog

EXPORT_LIMIT = 20000


def excel_safe(value):
    """Text starting with = + - @ would be run as a formula by spreadsheet programs (formula injection): names and
    addresses come from users and uploaded files, so such text is written with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def people_workbook(*, people, actor, full: bool = False, reason: str = "") -> bytes:
    from openpyxl import Workbook

    people = list(people[:EXPORT_LIMIT])
    if full and not all(p.can_reveal(actor, "id_number") for p in people):
        raise PermissionDenied
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Residents"))
    ws.append(
        [
            _("Name"),
            _("Gender"),
            _("Date of birth"),
            _("Age"),
            _("Document type"),
            _("Document number"),
            _("Mobile number"),
            _("Address"),
            _("Village or community"),
            _("Residency"),
            _("Target groups"),
        ]
    )
    for p in people:
        if full:
            id_number, mobile, address = p.id_number, p.mobile, p.address
        else:
            id_number, mobile, address = p.masked("id_number"), p.masked("mobile"), p.masked("address")
        row = [
            p.name,
            str(p.get_gender_display()),
            p.birth_date.isoformat() if p.birth_date else "",
            p.age if p.age is not None else "",
            str(p.get_id_type_display()),
            id_number,
            mobile,
            address,
            p.region.name,
            str(p.get_residency_display()),
            "、".join(m.group.name for m in getattr(p, "current_groups", [])),
        ]
        ws.append([excel_safe(v) for v in row])
    with transaction.atomic():
        now = timezone.now()
        audit.record(
            actor=actor,
            action=AuditLog.Action.EXPORT,
            target_repr=_("Residents (%(count)s)") % {"count": len(people)},
            field="full" if full else "masked",
            reason=reason,
            changes={"rows": [None, len(people)]},
        )
        if full:
            AuditLog.all_objects.bulk_create(
                [
                    AuditLog(
                        actor=actor,
                        actor_label=actor.username,
                        action=AuditLog.Action.REVEAL,
                        target_type="people.person",
                        target_id=str(p.pk),
                        target_repr=p.name,
                        region_code=p.region.code,
                        field="id_number,mobile,address",
                        reason=_("Excel export: %(reason)s") % {"reason": reason},
                        at=now,
                    )
                    for p in people
                ],
                batch_size=500,
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
